//! Ed25519 signature verification of Telnyx webhooks.
