//! Reads a `text/event-stream` body as it arrives: an MCP server may answer a POST with a stream that
//! carries its notifications first and the response last, and may keep the stream open after it.

/// One dispatched event's data (the `event:` name is not needed: MCP sends every message as `message`).
pub type EventData = String;

/// The event-stream line format (WHATWG HTML, "event stream interpretation"), fed in chunks of bytes.
#[derive(Debug, Default)]
pub struct EventStreamDecoder {
    /// Bytes of a line not yet ended.
    pending: Vec<u8>,
    /// The `data:` lines of the event being read.
    data: Vec<String>,
    /// A line ended with `\r` just before the end of the last chunk: a `\n` at the start of the next chunk
    /// belongs to that line ending.
    after_carriage_return: bool,
}

impl EventStreamDecoder {
    /// Feeds a chunk and returns the data of every event it completes, in order.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<EventData> {
        let mut events = Vec::new();
        let mut bytes = chunk;
        if self.after_carriage_return {
            self.after_carriage_return = false;
            if let Some(rest) = bytes.strip_prefix(b"\n") {
                bytes = rest;
            }
        }
        let mut index = 0;
        while index < bytes.len() {
            match bytes[index] {
                b'\n' => self.end_line(&mut events),
                b'\r' => {
                    self.end_line(&mut events);
                    match bytes.get(index + 1) {
                        Some(b'\n') => index += 1,
                        Some(_) => {}
                        None => self.after_carriage_return = true,
                    }
                }
                byte => self.pending.push(byte),
            }
            index += 1;
        }
        events
    }

    fn end_line(&mut self, events: &mut Vec<EventData>) {
        let line = String::from_utf8_lossy(&std::mem::take(&mut self.pending)).into_owned();
        if line.is_empty() {
            // A blank line dispatches; a block without data (comments, `id:`, `retry:`) is no event.
            if !self.data.is_empty() {
                events.push(std::mem::take(&mut self.data).join("\n"));
            }
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = line.split_once(':').unwrap_or((&line, ""));
        if field == "data" {
            self.data.push(value.strip_prefix(' ').unwrap_or(value).to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(chunks: &[&str]) -> Vec<String> {
        let mut decoder = EventStreamDecoder::default();
        chunks.iter().flat_map(|chunk| decoder.feed(chunk.as_bytes())).collect()
    }

    #[test]
    fn events_are_dispatched_at_blank_lines() {
        let got = decode(&["event: message\nid: 1\ndata: {\"a\":1}\n\n", ": ping\n\ndata: x\n"]);
        assert_eq!(got, ["{\"a\":1}"]);
    }

    #[test]
    fn chunks_may_split_lines_anywhere() {
        let text = "data: {\"jsonrpc\":\"2.0\"}\r\n\r\ndata:b\rdata: c\r\r";
        for split in 0..text.len() {
            let (first, second) = text.split_at(split);
            assert_eq!(decode(&[first, second]), ["{\"jsonrpc\":\"2.0\"}", "b\nc"], "split at {split}");
        }
    }

    #[test]
    fn data_lines_join_and_other_fields_are_ignored() {
        assert_eq!(decode(&["retry: 10\n\ndata\ndata: two\nfoo: bar\n\n"]), ["\ntwo"]);
    }
}
