//! The server-sent events format (the WHATWG `text/event-stream` parsing rules), without I/O:
//! bytes go in as they arrive, in any chunking, and complete events come out.
//!
//! Lines end with CRLF, LF or CR (a CR at the end of one chunk and an LF at the start of the
//! next are one line end); a line starting with `:` is a comment; `data` lines are joined with
//! `\n`; an event is dispatched by a blank line, and only if it has data; a UTF-8 byte order
//! mark at the very start is skipped; what follows the last blank line when the stream ends is
//! not an event. Lines and events are bounded, so a server that never ends a line cannot make
//! the client buffer without limit.

use std::collections::VecDeque;
use std::time::Duration;

use super::error::EventStreamError;

/// Longest line accepted, in bytes.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;
/// Most data one event may carry, in bytes.
pub const MAX_EVENT_BYTES: usize = 8 * 1024 * 1024;

/// One event as the server sent it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerSentEvent {
    /// The `event` field (`None`: the default type, `message`).
    pub event: Option<String>,
    /// The `data` lines, joined with `\n`.
    pub data: String,
    /// The last `id` the stream set, if any.
    pub id: Option<String>,
    /// The reconnection time the server asked for with this event, if any.
    pub retry: Option<Duration>,
}

/// Turns chunks of bytes into events.
#[derive(Debug, Default)]
pub struct Parser {
    /// The current line, up to its end.
    line: Vec<u8>,
    /// The last chunk ended in CR: an LF at the start of the next one ends nothing more.
    after_cr: bool,
    /// Whether any byte has been seen (for the byte order mark).
    started: bool,
    event: Option<String>,
    data: String,
    has_data: bool,
    id: Option<String>,
    retry: Option<Duration>,
    ready: VecDeque<ServerSentEvent>,
}

impl Parser {
    /// Reads `chunk`; complete events are then available from [`next_event`](Self::next_event).
    pub fn feed(&mut self, mut chunk: &[u8]) -> Result<(), EventStreamError> {
        if !self.started && !chunk.is_empty() {
            self.started = true;
            chunk = chunk.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(chunk);
        }
        if self.after_cr {
            self.after_cr = false;
            chunk = chunk.strip_prefix(b"\n").unwrap_or(chunk);
        }
        while let Some(end) = memchr::memchr2(b'\n', b'\r', chunk) {
            if self.line.is_empty() {
                // The whole line is in this chunk: read it in place.
                if end > MAX_LINE_BYTES {
                    return Err(EventStreamError::LineTooLong {
                        limit: MAX_LINE_BYTES,
                    });
                }
                self.process(&chunk[..end])?;
            } else {
                self.extend_line(&chunk[..end])?;
                self.end_line()?;
            }
            let ending = if chunk[end] == b'\r' {
                match chunk.get(end + 1) {
                    Some(b'\n') => 2,
                    Some(_) => 1,
                    None => {
                        self.after_cr = true;
                        1
                    }
                }
            } else {
                1
            };
            chunk = &chunk[end + ending..];
        }
        self.extend_line(chunk)
    }

    /// The next complete event, in order.
    pub fn next_event(&mut self) -> Option<ServerSentEvent> {
        self.ready.pop_front()
    }

    fn extend_line(&mut self, bytes: &[u8]) -> Result<(), EventStreamError> {
        if self.line.len() + bytes.len() > MAX_LINE_BYTES {
            return Err(EventStreamError::LineTooLong {
                limit: MAX_LINE_BYTES,
            });
        }
        self.line.extend_from_slice(bytes);
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), EventStreamError> {
        let line = std::mem::take(&mut self.line);
        let result = self.process(&line);
        // Keep the allocation for the next line.
        self.line = line;
        self.line.clear();
        result
    }

    fn process(&mut self, line: &[u8]) -> Result<(), EventStreamError> {
        if line.is_empty() {
            self.dispatch();
            return Ok(());
        }
        if line[0] == b':' {
            return Ok(());
        }
        let line = std::str::from_utf8(line).map_err(|_| EventStreamError::NotUtf8)?;
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "data" => {
                if self.data.len() + value.len() + 1 > MAX_EVENT_BYTES {
                    return Err(EventStreamError::EventTooLarge {
                        limit: MAX_EVENT_BYTES,
                    });
                }
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "event" => self.event = Some(value.to_owned()),
            "id" if !value.contains('\0') => self.id = Some(value.to_owned()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry = value.parse().ok().map(Duration::from_millis);
            }
            _ => {}
        }
        Ok(())
    }

    fn dispatch(&mut self) {
        let event = self.event.take();
        let retry = self.retry.take();
        if !std::mem::take(&mut self.has_data) {
            return;
        }
        self.ready.push_back(ServerSentEvent {
            event: event.filter(|e| !e.is_empty()),
            data: std::mem::take(&mut self.data),
            id: self.id.clone(),
            retry,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STREAM: &str = "\u{feff}: a comment\r\n\
        event: delta\r\n\
        data: {\"n\":1}\r\n\
        id: 7\r\n\
        \r\n\
        data: line one\n\
        data:line two\n\
        retry: 1500\n\
        \n\
        data\n\
        \n\
        event: ignored without data\n\
        \n\
        data: [DONE]\r\r\
        data: not finished";

    fn parse_in_chunks(bytes: &[u8], size: usize) -> Vec<ServerSentEvent> {
        let mut parser = Parser::default();
        let mut events = Vec::new();
        for chunk in bytes.chunks(size) {
            parser.feed(chunk).unwrap();
            while let Some(event) = parser.next_event() {
                events.push(event);
            }
        }
        events
    }

    #[test]
    fn every_chunking_gives_the_same_events() {
        let expected = vec![
            ServerSentEvent {
                event: Some("delta".into()),
                data: "{\"n\":1}".into(),
                id: Some("7".into()),
                retry: None,
            },
            ServerSentEvent {
                event: None,
                data: "line one\nline two".into(),
                id: Some("7".into()),
                retry: Some(Duration::from_millis(1500)),
            },
            ServerSentEvent {
                event: None,
                data: String::new(),
                id: Some("7".into()),
                retry: None,
            },
            ServerSentEvent {
                event: None,
                data: "[DONE]".into(),
                id: Some("7".into()),
                retry: None,
            },
        ];
        for size in [1, 2, 3, 5, 7, 64, STREAM.len()] {
            assert_eq!(
                parse_in_chunks(STREAM.as_bytes(), size),
                expected,
                "chunks of {size}"
            );
        }
    }

    #[test]
    fn a_cr_at_the_end_of_a_chunk_and_an_lf_after_it_end_one_line() {
        let mut parser = Parser::default();
        parser.feed(b"data: a\r").unwrap();
        parser.feed(b"\n\r").unwrap();
        parser.feed(b"\ndata: b\n\n").unwrap();
        let data: Vec<String> = std::iter::from_fn(|| parser.next_event())
            .map(|e| e.data)
            .collect();
        assert_eq!(data, ["a", "b"]);
    }

    #[test]
    fn endless_lines_and_events_are_refused() {
        let mut parser = Parser::default();
        let long = vec![b'x'; MAX_LINE_BYTES + 1];
        assert!(matches!(
            parser.feed(&long),
            Err(EventStreamError::LineTooLong { .. })
        ));
        let mut parser = Parser::default();
        let line = format!("data: {}\n", "y".repeat(MAX_LINE_BYTES / 2));
        let error = (0..(MAX_EVENT_BYTES / (MAX_LINE_BYTES / 2)) + 1)
            .find_map(|_| parser.feed(line.as_bytes()).err());
        assert!(
            matches!(error, Some(EventStreamError::EventTooLarge { .. })),
            "{error:?}"
        );
    }

    #[test]
    fn invalid_utf8_is_an_error() {
        let mut parser = Parser::default();
        assert!(matches!(
            parser.feed(b"data: \xff\n"),
            Err(EventStreamError::NotUtf8)
        ));
    }
}
