//! Generating the client from a spec, as `build.rs` does: a spec the commands write or accept
//! must generate.

use super::progress::Progress;
use crate::error::{Error, Result};
use crate::spec::Normalised;
use crate::spec::families::Families;
use crate::spec::quarantine::{GenerationRepair, generation_failure};

/// Generates the client (every family) from `text`, as `build.rs` would: a spec the sync writes
/// must generate.
pub(super) fn generate_all(text: &str, origin: &str) -> Result<usize> {
    let generated = telnyx_codegen::generate(text, origin, &telnyx_codegen::Options::default())
        .map_err(|e| Error::Generate {
            origin: origin.to_owned(),
            message: e.to_string(),
        })?;
    Ok(generated.client.lines().count())
}

/// Generates the client (every family) from `normalised`; where the generator still fails,
/// removes the value, operation or schema it names (recording it) and tries again, a bounded
/// number of times. Returns the lines generated.
pub(super) fn generate_repairing(
    normalised: &mut Normalised,
    families: Option<&Families>,
    origin: &str,
    progress: &mut Progress,
) -> Result<usize> {
    const MAX_ROUNDS: usize = 32;
    let mut values = 0;
    for _ in 0..MAX_ROUNDS {
        let error = match telnyx_codegen::generate(
            &normalised.text,
            origin,
            &telnyx_codegen::Options::default(),
        ) {
            Ok(generated) => {
                normalised
                    .report
                    .record("generator_rejected_values", values);
                return Ok(generated.client.lines().count());
            }
            Err(error) => error,
        };
        match generation_failure(normalised, &error, families, origin)? {
            Some(repair) => {
                progress.step(&format!(
                    "the generator refused a part ({error}); removed it"
                ));
                if let GenerationRepair::Value(_) = repair {
                    values += 1;
                }
            }
            None => {
                return Err(Error::Generate {
                    origin: origin.to_owned(),
                    message: error.to_string(),
                });
            }
        }
    }
    generate_all(&normalised.text, origin)
}
