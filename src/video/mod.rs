//! Telnyx Video (feature `video`): what the client adds to the generated Video operations.
//!
//! * [`room_token`]: a room's join token, minted once and kept fresh with its refresh token
//!   ([`RoomTokenSession`](room_token::RoomTokenSession)), public as `telnyx_client::room_token`.
//!
//! This is the only hand-written module that names generated types; it is compiled only with
//! the `video` family.

pub mod room_token;
