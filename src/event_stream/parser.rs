//! The server-sent events format (the WHATWG `text/event-stream` parsing rules), without I/O:
//! chunks of bytes go in as they arrive, in any chunking, and complete events come out.
//!
//! Lines end with CRLF, LF or CR (a CR at the end of one chunk and an LF at the start of the
//! next are one line end); a line starting with `:` is a comment; `data` lines are joined with
//! `\n`; an event is dispatched by a blank line, and only if it has data; a UTF-8 byte order
//! mark at the very start is skipped; what follows the last blank line when the stream ends is
//! not an event. Lines and events are bounded, so a server that never ends a line cannot make
//! the client buffer without limit.
//!
//! The parser is pulled: a chunk is held and read only as far as the next event, so each event
//! is handed out (and usually dropped) before the next one is built. Parsing a whole chunk up
//! front would keep dozens of events alive at once, and the allocator's slow path, not the
//! parsing, would then be most of the cost.

use std::time::Duration;

use bytes::Bytes;

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
    /// The chunk being read, from `read` on.
    chunk: Bytes,
    read: usize,
    /// The current line, when it began in an earlier chunk.
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
}

impl Parser {
    /// Whether the held chunk has been read to its end, so the next one can be fed.
    pub fn wants_input(&self) -> bool {
        self.read == self.chunk.len()
    }

    /// Holds `chunk` for [`next_event`](Self::next_event) to read. Call it only when
    /// [`wants_input`](Self::wants_input): an unread rest of the previous chunk is dropped.
    pub fn feed(&mut self, chunk: Bytes) {
        let mut skip = 0;
        if !self.started && !chunk.is_empty() {
            self.started = true;
            if chunk.starts_with(b"\xEF\xBB\xBF") {
                skip = 3;
            }
        }
        if self.after_cr && chunk.len() > skip {
            self.after_cr = false;
            if chunk[skip] == b'\n' {
                skip += 1;
            }
        }
        self.chunk = chunk;
        self.read = skip;
    }

    /// The next complete event in the held chunk, or `None` when it needs the next chunk.
    pub fn next_event(&mut self) -> Result<Option<ServerSentEvent>, EventStreamError> {
        let chunk = self.chunk.clone();
        loop {
            let rest = &chunk[self.read..];
            let Some(end) = memchr::memchr2(b'\n', b'\r', rest) else {
                self.read = chunk.len();
                self.extend_line(rest)?;
                return Ok(None);
            };
            let ending = if rest[end] == b'\r' {
                match rest.get(end + 1) {
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
            self.read += end + ending;
            let event = if self.line.is_empty() {
                // The whole line is in this chunk: read it in place.
                if end > MAX_LINE_BYTES {
                    return Err(EventStreamError::LineTooLong {
                        limit: MAX_LINE_BYTES,
                    });
                }
                self.process(&rest[..end])?
            } else {
                self.extend_line(&rest[..end])?;
                self.end_line()?
            };
            if event.is_some() {
                return Ok(event);
            }
        }
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

    fn end_line(&mut self) -> Result<Option<ServerSentEvent>, EventStreamError> {
        let line = std::mem::take(&mut self.line);
        let result = self.process(&line);
        // Keep the allocation for the next line.
        self.line = line;
        self.line.clear();
        result
    }

    /// Reads one line; a blank line may complete an event.
    fn process(&mut self, line: &[u8]) -> Result<Option<ServerSentEvent>, EventStreamError> {
        let (field, value) = match memchr::memchr(b':', line) {
            _ if line.is_empty() => return Ok(self.dispatch()),
            // A comment.
            Some(0) => return Ok(None),
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        // Only the fields kept need to be text; the names are compared as bytes.
        let text = |value| std::str::from_utf8(value).map_err(|_| EventStreamError::NotUtf8);
        match field {
            b"data" => {
                let value = text(value)?;
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
            b"event" => self.event = Some(text(value)?.to_owned()),
            b"id" if !value.contains(&0) => self.id = Some(text(value)?.to_owned()),
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                self.retry = text(value)?.parse().ok().map(Duration::from_millis);
            }
            _ => {}
        }
        Ok(None)
    }

    fn dispatch(&mut self) -> Option<ServerSentEvent> {
        let event = self.event.take();
        let retry = self.retry.take();
        if !std::mem::take(&mut self.has_data) {
            return None;
        }
        Some(ServerSentEvent {
            event: event.filter(|e| !e.is_empty()),
            data: std::mem::take(&mut self.data),
            id: self.id.clone(),
            retry,
        })
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
            parser.feed(Bytes::copy_from_slice(chunk));
            while let Some(event) = parser.next_event().unwrap() {
                events.push(event);
            }
            assert!(parser.wants_input());
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

    /// Feeds each chunk and reads every event it completes.
    fn read(parser: &mut Parser, chunks: &[&[u8]]) -> Result<Vec<String>, EventStreamError> {
        let mut data = Vec::new();
        for chunk in chunks {
            parser.feed(Bytes::copy_from_slice(chunk));
            while let Some(event) = parser.next_event()? {
                data.push(event.data);
            }
        }
        Ok(data)
    }

    #[test]
    fn a_cr_at_the_end_of_a_chunk_and_an_lf_after_it_end_one_line() {
        let mut parser = Parser::default();
        let data = read(&mut parser, &[b"data: a\r", b"\n\r", b"\ndata: b\n\n"]).unwrap();
        assert_eq!(data, ["a", "b"]);
    }

    #[test]
    fn a_chunk_is_read_one_event_at_a_time() {
        let mut parser = Parser::default();
        parser.feed(Bytes::from_static(b"data: a\n\ndata: b\n\ndata: c"));
        assert_eq!(parser.next_event().unwrap().unwrap().data, "a");
        assert!(!parser.wants_input());
        assert_eq!(parser.next_event().unwrap().unwrap().data, "b");
        assert_eq!(parser.next_event().unwrap(), None);
        assert!(parser.wants_input());
        assert_eq!(read(&mut parser, &[b"\n\n"]).unwrap(), ["c"]);
    }

    #[test]
    fn endless_lines_and_events_are_refused() {
        let long = vec![b'x'; MAX_LINE_BYTES + 1];
        assert!(matches!(
            read(&mut Parser::default(), &[&long]),
            Err(EventStreamError::LineTooLong { .. })
        ));
        let split = [&long[..10], &long[10..]];
        assert!(matches!(
            read(&mut Parser::default(), &split),
            Err(EventStreamError::LineTooLong { .. })
        ));
        let mut parser = Parser::default();
        let line = format!("data: {}\n", "y".repeat(MAX_LINE_BYTES / 2));
        let error = (0..(MAX_EVENT_BYTES / (MAX_LINE_BYTES / 2)) + 1)
            .find_map(|_| read(&mut parser, &[line.as_bytes()]).err());
        assert!(
            matches!(error, Some(EventStreamError::EventTooLarge { .. })),
            "{error:?}"
        );
    }

    #[test]
    fn invalid_utf8_is_an_error() {
        for line in [&b"data: \xff\n"[..], b"event: \xff\n", b"id: \xff\n"] {
            assert!(matches!(
                read(&mut Parser::default(), &[line]),
                Err(EventStreamError::NotUtf8)
            ));
        }
    }
}
