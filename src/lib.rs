//! `telnyx-client`: a typed Rust client for the Telnyx API.
//!
//! The client is generated at build time from the OpenAPI document vendored in `spec/`. This
//! crate is a placeholder until that generated layer lands; it exports nothing yet.
