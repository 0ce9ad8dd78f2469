//! The stage: the packets a source has prepared for delivery, as the two arrays C receives
//! (headers laid out as `struct pcap_pkthdr`, data pointers), and the non-blocking read step
//! that fills it ([`Pcap::fill_stage`]).
//!
//! Why: the C-facing loop (`ffi::capture`) must deliver packets in a tight loop without
//! re-entering the core per packet, and must do any blocking wait itself, outside the panic
//! boundary, so that a thread cancellation (a forced unwind out of `poll`) can pass through
//! it as it passes through libpcap. So the core never blocks here: it stages what is ready, or
//! says what to wait for ([`WaitPlan`]) and is asked again with the outcome ([`Polled`]).
//!
//! Guarantees: staged data pointers stay valid until the source is next asked to fill the
//! stage, or until the handle lets go of the memory behind them (a new filter discards what
//! was queued), and whoever lets go clears the stage first, so a staged entry is always safe
//! to hand out. Entries are handed out once, in order.

use std::time::Instant;

use crate::error::{Error, Result};
use crate::handle::Pcap;
use crate::source::{PacketHeader, Poll, Source};

/// Packets ready for delivery.
#[derive(Debug, Default)]
pub struct Stage {
    headers: Vec<PacketHeader>,
    packets: Vec<*const u8>,
    /// The first entry not yet handed out.
    next: usize,
}

// SAFETY: the pointers are into memory owned by the same handle (its ring or file buffer),
// which moves between threads with the stage; they are only dereferenced by the handle's user.
unsafe impl Send for Stage {}

impl Stage {
    /// Forgets every entry (before the memory behind them is let go or refilled).
    #[inline]
    pub fn clear(&mut self) {
        self.headers.clear();
        self.packets.clear();
        self.next = 0;
    }

    /// Adds one packet.
    #[inline]
    pub fn push(&mut self, header: PacketHeader, data: *const u8) {
        self.headers.push(header);
        self.packets.push(data);
    }

    /// Entries not yet handed out.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.headers.len().saturating_sub(self.next)
    }

    /// Hands out the next entry: its header and data pointers.
    #[inline(always)]
    pub fn take(&mut self) -> Option<(*const PacketHeader, *const u8)> {
        let i = self.next;
        if i >= self.headers.len() {
            return None;
        }
        self.next = i + 1;
        debug_assert_eq!(self.headers.len(), self.packets.len());
        // SAFETY: i is below headers.len(), which equals packets.len(): the two vectors are
        // private and only `push` (one entry each) and `clear` (both) change them.
        unsafe { Some((self.headers.as_ptr().add(i), *self.packets.as_ptr().add(i))) }
    }

    /// Puts back the entry [`Stage::take`] handed out last (its caller did not deliver it).
    #[inline]
    pub fn untake(&mut self) {
        self.next = self.next.saturating_sub(1);
    }

    /// Hands out every remaining entry at once: the header array, the data pointer array and
    /// their length.
    #[inline]
    pub fn take_all(&mut self) -> (*const PacketHeader, *const *const u8, usize) {
        let from = self.next.min(self.headers.len());
        let n = self.headers.len() - from;
        self.next = self.headers.len();
        (
            self.headers[from..].as_ptr(),
            self.packets[from..].as_ptr(),
            n,
        )
    }
}

/// A wait the caller performs (a `poll` on these descriptors, up to `timeout` rounded up to whole milliseconds), after which
/// it asks the core again with the outcome in [`WaitState::polled`]. A live handle's are its
/// packet socket, its wake-up eventfd and immediate mode's drain timer; -1 marks an unused
/// entry, which `poll` skips.
#[derive(Clone, Copy)]
pub struct WaitPlan {
    pub fds: [libc::pollfd; 3],
    /// None: no limit.
    pub timeout: Option<libc::timespec>,
}

/// What a `poll` of a [`WaitPlan`] returned.
#[derive(Clone, Copy, Debug)]
pub struct Polled {
    /// `poll`'s return value.
    pub result: i32,
    /// `errno` when `result < 0`.
    pub errno: i32,
    pub revents: [i16; 3],
}

/// What one read step keeps across its fills and waits; plain data, nothing to drop.
#[derive(Clone, Copy, Default)]
pub struct WaitState {
    /// When the step's wait ends, for sources whose timeout limits a wait.
    pub deadline: Option<Instant>,
    /// The outcome of the wait just done, for the next fill to look at.
    pub polled: Option<Polled>,
}

/// The outcome of [`Pcap::fill_stage`].
#[derive(Clone, Copy)]
pub enum Fill {
    /// At least one packet is staged.
    Staged,
    /// Nothing is ready and the step may not (or need not any more) wait.
    Idle,
    /// The end of a savefile.
    Eof,
    /// Nothing is ready: wait as planned, then fill again.
    Wait(WaitPlan),
}

impl Pcap {
    /// Stages up to `max` (at least 1) packets without blocking: from a live ring, the rest
    /// of the current block (or a run of ready frames); from a file, one packet, or with
    /// `file_batch` one chunk of its read buffer. `may_block` says whether the step may wait
    /// when nothing is ready (the first packet of a `pcap_dispatch` may).
    pub fn fill_stage(
        &mut self,
        may_block: bool,
        max: usize,
        file_batch: bool,
        wait: &mut WaitState,
    ) -> Result<Fill> {
        self.check_activated()?;
        let max = max.max(1);
        let stage = &mut self.stage;
        stage.clear();
        match &mut self.source {
            Source::Live(live) => live.fill(
                stage,
                max,
                may_block,
                wait,
                self.filter.as_ref(),
                &self.signals,
            ),
            Source::Savefile(file) if file_batch => {
                wait.polled = None;
                let batch = file.next_batch(max, self.filter.as_ref(), |header, bytes| {
                    stage.push(*header, bytes.as_ptr())
                })?;
                Ok(match batch {
                    super::batch::Batch::Packets(_) => Fill::Staged,
                    super::batch::Batch::Idle => wait_for_input(file),
                    super::batch::Batch::Eof => Fill::Eof,
                })
            }
            Source::Savefile(file) => {
                wait.polled = None;
                match file.next_packet(self.filter.as_ref())? {
                    Poll::Packet(header, bytes) => {
                        stage.push(header, bytes.as_ptr());
                        Ok(Fill::Staged)
                    }
                    Poll::Idle => Ok(wait_for_input(file)),
                    Poll::Eof => Ok(Fill::Eof),
                }
            }
            Source::Dead => Err(Error::new(
                "Packets aren't available from a pcap_open_dead pcap_t",
            )),
        }
    }
}

/// A savefile read stopped where it would have blocked (a pipe with nothing in it yet): wait
/// until its descriptor is readable, as libpcap's blocking read would, with no timeout and no
/// wake-up on `pcap_breakloop` (libpcap's read does not return for it either).
fn wait_for_input(file: &mut crate::savefile::Savefile) -> Fill {
    let Some(fd) = file.blocked_on() else {
        return Fill::Idle;
    };
    let unused = libc::pollfd {
        fd: -1,
        events: 0,
        revents: 0,
    };
    Fill::Wait(WaitPlan {
        fds: [
            libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            },
            unused,
            unused,
        ],
        timeout: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_handed_out_once_in_order() {
        let mut stage = Stage::default();
        let bytes = [1u8, 2, 3];
        for i in 0..3 {
            let header = PacketHeader {
                caplen: i,
                ..PacketHeader::default()
            };
            stage.push(header, bytes[i as usize..].as_ptr());
        }
        let (h, d) = stage.take().unwrap();
        assert_eq!(unsafe { (*h).caplen }, 0);
        assert_eq!(unsafe { *d }, 1);
        assert_eq!(stage.remaining(), 2);
        let (hs, ds, n) = stage.take_all();
        assert_eq!(n, 2);
        assert_eq!(unsafe { (*hs.add(1)).caplen }, 2);
        assert_eq!(unsafe { **ds.add(1) }, 3);
        assert!(stage.take().is_none());
        assert_eq!(stage.take_all().2, 0);
        stage.clear();
        assert_eq!(stage.remaining(), 0);
    }
}
