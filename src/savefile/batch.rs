//! A savefile's records a chunk at a time: the records that lie whole in the read buffer,
//! walked in place, for batch delivery.
//!
//! Guarantee: the buffer is never refilled (so never moved) after a record has been handed
//! to the sink; only a chunk's first record may need the checked path, which may read more.

use super::{Format, Savefile};
use crate::bpf::Program;
use crate::error::Result;
use crate::source::batch::Batch;
use crate::source::PacketHeader;

impl Savefile {
    /// Hands up to `max` records that pass `filter` to `sink`, all from the current buffer.
    pub fn next_batch(
        &mut self,
        max: usize,
        filter: Option<&Program>,
        mut sink: impl FnMut(&PacketHeader, &[u8]),
    ) -> Result<Batch> {
        let mut delivered = 0;
        while delivered < max {
            let fast = match &mut self.format {
                Format::Pcap(r) => r.next_fast(&mut self.input),
                Format::Ng(r) => r.next_fast(&mut self.input),
            };
            let (header, range) = match fast {
                Some(found) => found,
                // Reading on could move the buffer under the records already handed over.
                None if delivered > 0 => break,
                None => match self.next_record() {
                    Ok(Some(found)) => found,
                    Ok(None) => return Ok(Batch::Eof),
                    // A read that would block: the caller waits for `blocked_on`, asks again.
                    Err(_) if self.input.is_blocked() => return Ok(Batch::Idle),
                    Err(err) => return Err(err),
                },
            };
            let bytes = &self.input.bytes()[range];
            if filter.is_some_and(|f| f.run(bytes, header.len) == 0) {
                continue;
            }
            sink(&header, bytes);
            delivered += 1;
        }
        Ok(Batch::Packets(delivered))
    }
}
