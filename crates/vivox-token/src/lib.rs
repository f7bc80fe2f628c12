//! Vivox access tokens (work in progress).
