//! Conformance of the generated client with Telnyx's *published* OpenAPI document, checked by a
//! real mock server.
//!
//! [Stoplight Prism](https://github.com/stoplightio/prism) (`@stoplight/prism-cli` 5.x, installed
//! by `scripts/install-prism.sh` into the git-ignored `.tools/prism`) serves the upstream document
//! named by `TELNYX_UPSTREAM_SPEC` with `--errors`, so every request that violates it is answered
//! with an error status. The client reaches Prism through a small relay that records each request
//! it sends (Prism ignores query parameters it does not know, so a misnamed one would otherwise
//! pass unnoticed). The test then:
//!
//! 1. calls all 25 operations with valid inputs (path ids, bodies with every field set, and a
//!    selection of query parameters such as `page[number]`, `page[size]` and
//!    `filter[date_created_at][gte]`); each must send exactly the expected method, path, query
//!    parameters and body, be answered with its documented success status, and decode;
//! 2. repeats the operations that take a body with bodies built from defaults alone (what a
//!    caller who sets nothing optional sends); Prism must accept those too;
//! 3. reads Prism's log: the violations it names are added to the failures they caused, and a
//!    request flagged although it succeeded is a failure too;
//! 4. fetches Prism's answer for each successful call once more without the client and checks
//!    that decoding it and serializing it back keeps every field and value (a field the client
//!    drops or reads under another name shows up here, although all fields are optional);
//! 5. sends a deliberately invalid input (`token_ttl_secs: 5`, below the minimum of 10), which
//!    must come back as `422` and surface as [`Error::Api`].
//!
//! All failures are collected and reported together, each with the operation id, the request and
//! the error.
//!
//! Availability:
//! - `TELNYX_UPSTREAM_SPEC` unset or not a file, Node.js missing, or Prism missing and not
//!   installable: the test prints why and passes, except when the environment variable `CI` is
//!   set (as CI services do), where it fails, because CI must run it.
//! - Prism missing but npm present: the test runs `scripts/install-prism.sh` first (about 20 s,
//!   once).
//!
//! Prism needs 15–40 s to load the 4 MB document; it is started once, on 127.0.0.1 and a port
//! chosen by the OS, and stopped when the test ends, also on panic. A small `sh` watchdog owns
//! Prism's process group and ends it when the test process goes away for any reason (its stdin,
//! a pipe from this process, reaches end of file), so no Prism process outlives the test.

#[path = "../support/outside_input.rs"]
mod outside_input;
#[path = "../support/prism.rs"]
mod prism;

mod calls;
mod recorder;
mod report;

use crate::calls::*;
use crate::recorder::*;
use crate::report::*;

use std::fmt::Write as _;
use std::future::Future;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};
use telnyx_client::prelude::*;
use telnyx_client::{ResponseValue, types};
use uuid::Uuid;

use crate::outside_input::upstream_spec;
use crate::prism::{Prism, prism_binary};

/// Prism accepts any bearer token.
const API_KEY: &str = "KEYprism0123456789";

// Ids used in paths, filters and bodies; any UUID is valid.
const ROOM_ID: &str = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0";
const SESSION_ID: &str = "92e7d459-bcc5-4386-9f5f-6dd14a82588d";
const PARTICIPANT_ID: &str = "7b61621f-62e0-4aad-ab11-9fd19e272e73";
const OTHER_PARTICIPANT_ID: &str = "5219b3af-87c6-4c08-9b58-5a533d893e21";
const RECORDING_ID: &str = "6b61621f-62e0-4aad-ab11-9fd19e272e74";
const COMPOSITION_ID: &str = "3219b3af-87c6-4c08-9b58-5a533d893e22";
/// Used by RefreshRoomClientToken when CreateRoomClientToken yielded no refresh token.
const FALLBACK_REFRESH_TOKEN: &str = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.e30.c2lnbmF0dXJl";

#[test]
fn prism_accepts_every_operation_and_rejects_invalid_input() {
    let Some(spec) = upstream_spec() else { return };
    let Some(prism_bin) = prism_binary() else {
        return;
    };

    let started = Instant::now();
    eprintln!(
        "prism_conformance: starting Prism with {} (loading the document takes 15-40 s)",
        spec.display()
    );
    let mut prism = Prism::start(&prism_bin, &spec).unwrap_or_else(|error| panic!("{error}"));
    eprintln!(
        "prism_conformance: Prism is listening on {} after {:.1} s",
        prism.base_url,
        started.elapsed().as_secs_f64()
    );

    // The client talks to Prism through a relay that records what it sends.
    let recorder = Recorder::start(&prism.base_url);
    let client = Client::builder()
        .api_key(API_KEY)
        .base_url(recorder.base_url.clone())
        .max_retries(0)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client configuration is valid");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");

    let calls_started = Instant::now();
    let mut report = Report::new(&prism.base_url, recorder);
    runtime.block_on(call_every_operation(&client, &mut report));
    runtime.block_on(call_with_default_bodies(&client, &mut report));
    report.check_prism_log(&mut prism);
    runtime.block_on(compare_with_raw_responses(&mut report));
    runtime.block_on(invalid_input_is_rejected(&client, &mut report));
    eprintln!(
        "prism_conformance: {} checks in {:.1} s",
        report.passed + report.failures.len(),
        calls_started.elapsed().as_secs_f64()
    );
    drop(prism);
    report.finish();
}
