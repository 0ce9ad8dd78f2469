//! The TPACKET_V3 receive ring: `block_count` blocks of `block_size` bytes, mapped from the
//! packet socket. The kernel fills a block with many packets and hands it over (status
//! TP_STATUS_USER) when it is full or its retire timer fires; [`BlockRing::next_block`] lends
//! the next handed-over block, and dropping the [`Block`] hands it back (TP_STATUS_KERNEL).
//!
//! In immediate mode the same type drives a TPACKET_V2 frame ring instead: every frame is a
//! one-packet "block" with its own status word, handed over as soon as the packet is in it,
//! so a reader can take packets one by one without the block retire timer's delay.
//!
//! Ownership protocol: a block's status word is the only thing both sides write. We read it
//! with Acquire (so the packet bytes the kernel wrote before publishing are visible) and
//! return the block with a Release store (so our reads and in-place rewrites of its bytes
//! happen before the kernel may refill it).

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::sync::atomic::{AtomicU32, Ordering};

use memmap2::{MmapOptions, MmapRaw};

use super::frame::{self, Frame};
use super::sys;

/// Offsets in `struct tpacket_block_desc` (version, offset_to_priv, then `tpacket_hdr_v1`).
const BLOCK_STATUS: usize = 8;
const BLOCK_NUM_PKTS: usize = 12;
const BLOCK_FIRST_PKT: usize = 16;
/// Offset of `tp_next_offset` in `tpacket3_hdr`.
const FRAME_NEXT_OFFSET: usize = 0;

const TP_STATUS_KERNEL: u32 = 0;
const TP_STATUS_USER: u32 = 1;

/// The shape of a block ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Geometry {
    pub block_size: u32,
    pub block_count: u32,
    pub frame_size: u32,
    /// Milliseconds before the kernel hands over a partly filled block (0: its default).
    pub retire_ms: u32,
}

/// `struct tpacket_req3`.
#[repr(C)]
struct TpacketReq3 {
    block_size: u32,
    block_nr: u32,
    frame_size: u32,
    frame_nr: u32,
    retire_blk_tov: u32,
    sizeof_priv: u32,
    feature_req_word: u32,
}

/// A mapped TPACKET_V3 ring (or V2 frame ring); unmapped on drop (the socket's close releases
/// the kernel side).
pub struct BlockRing {
    map: MmapRaw,
    /// Bytes and number of units: blocks, or frames in a frame ring.
    block_size: usize,
    block_count: usize,
    /// The unit the kernel fills next, in order.
    next: usize,
    /// True for a TPACKET_V2 frame ring (one packet per unit, status at its start).
    frames: bool,
    /// Units handed over so far (a frame ring's packet count, for rate estimates).
    taken: u64,
}

/// A position inside a block the consumer owns, kept between two calls of a packet-at-a-time
/// reader. Only [`Block::suspend`] makes one, so holding it proves the block is ours.
#[derive(Debug)]
pub struct HeldBlock {
    index: usize,
    next_frame: usize,
    remaining: u32,
    /// Absolute offset in the ring of the frame handed out last.
    last_frame: usize,
}

impl BlockRing {
    /// Sets up the ring on `fd` (which must already be TPACKET_V3) and maps it.
    #[inline]
    pub fn new(fd: BorrowedFd<'_>, geometry: Geometry) -> io::Result<BlockRing> {
        let frames_per_block = geometry.block_size / geometry.frame_size;
        let req = TpacketReq3 {
            block_size: geometry.block_size,
            block_nr: geometry.block_count,
            frame_size: geometry.frame_size,
            frame_nr: frames_per_block * geometry.block_count,
            retire_blk_tov: geometry.retire_ms,
            sizeof_priv: 0,
            feature_req_word: 0,
        };
        sys::setsockopt(fd, libc::SOL_PACKET, sys::PACKET_RX_RING, &req)?;
        let len = geometry.block_size as usize * geometry.block_count as usize;
        let map = MmapOptions::new().len(len).map_raw(fd.as_raw_fd())?;
        Ok(BlockRing {
            map,
            block_size: geometry.block_size as usize,
            block_count: geometry.block_count as usize,
            next: 0,
            frames: false,
            taken: 0,
        })
    }

    /// Sets up a TPACKET_V2 frame ring of `frame_count` frames of `frame_size` bytes (a power
    /// of two, so frames are contiguous across the kernel's blocks) on `fd` (already V2).
    #[inline]
    pub fn new_frames(
        fd: BorrowedFd<'_>,
        frame_size: u32,
        frame_count: u32,
    ) -> io::Result<BlockRing> {
        let block_size = frame_size.max(64 << 10);
        let frames_per_block = block_size / frame_size;
        let block_count = frame_count.div_ceil(frames_per_block).max(1);
        // The first four fields are `struct tpacket_req`, all the kernel reads for V2.
        let req = TpacketReq3 {
            block_size,
            block_nr: block_count,
            frame_size,
            frame_nr: frames_per_block * block_count,
            retire_blk_tov: 0,
            sizeof_priv: 0,
            feature_req_word: 0,
        };
        sys::setsockopt(fd, libc::SOL_PACKET, sys::PACKET_RX_RING, &req)?;
        let len = block_size as usize * block_count as usize;
        let map = MmapOptions::new().len(len).map_raw(fd.as_raw_fd())?;
        Ok(BlockRing {
            map,
            block_size: frame_size as usize,
            block_count: (frames_per_block * block_count) as usize,
            next: 0,
            frames: true,
            taken: 0,
        })
    }

    /// Units handed over since the ring was made.
    #[inline]
    pub fn taken(&self) -> u64 {
        self.taken
    }

    /// True for an immediate-mode frame ring.
    #[inline]
    pub fn is_frame_ring(&self) -> bool {
        self.frames
    }

    #[inline]
    fn block_ptr(&self, index: usize) -> *mut u8 {
        // SAFETY: index < block_count, so the offset is inside the mapping.
        unsafe { self.map.as_mut_ptr().add(index * self.block_size) }
    }

    #[inline]
    fn status_word(&self, index: usize) -> &AtomicU32 {
        let offset = if self.frames { 0 } else { BLOCK_STATUS };
        // SAFETY: the status word is a 4-byte aligned u32 inside the mapping (blocks are page
        // aligned, frames 16-byte aligned), shared with the kernel, so accessed only atomically.
        unsafe { AtomicU32::from_ptr(self.block_ptr(index).add(offset).cast()) }
    }

    /// True when the next block is ready for the consumer.
    #[inline]
    pub fn ready(&self) -> bool {
        // Acquire: pairs with the kernel's publication of the block.
        self.status_word(self.next).load(Ordering::Acquire) & TP_STATUS_USER != 0
    }

    /// Lends the next handed-over block, or None if the kernel still owns it.
    #[inline]
    pub fn next_block(&mut self) -> Option<Block<'_>> {
        if !self.ready() {
            return None;
        }
        let index = self.next;
        self.next = (self.next + 1) % self.block_count;
        self.taken += 1;
        let start = index * self.block_size;
        if self.frames {
            return Some(Block {
                ring: self,
                held: HeldBlock {
                    index,
                    next_frame: start,
                    remaining: 1,
                    last_frame: start,
                },
            });
        }
        let base = self.block_ptr(index);
        // SAFETY: the block is ours (status USER, read with Acquire); the header fields are
        // plain u32s at fixed offsets inside it.
        let (count, first) = unsafe {
            (
                base.add(BLOCK_NUM_PKTS).cast::<u32>().read(),
                base.add(BLOCK_FIRST_PKT).cast::<u32>().read() as usize,
            )
        };
        Some(Block {
            ring: self,
            held: HeldBlock {
                index,
                next_frame: start + first,
                remaining: count,
                last_frame: start,
            },
        })
    }

    /// Lends again a block suspended by [`Block::suspend`].
    #[inline]
    pub fn resume(&mut self, held: HeldBlock) -> Block<'_> {
        Block { ring: self, held }
    }

    /// `len` bytes from `start` in the frame handed out last from `held`'s block, or an empty
    /// slice if that range would leave the block.
    #[inline]
    pub fn held_bytes(&self, held: &HeldBlock, start: usize, len: usize) -> &[u8] {
        let block_end = (held.index + 1) * self.block_size;
        let from = held.last_frame + start;
        if from + len > block_end {
            return &[];
        }
        // SAFETY: the range lies in a block the consumer owns (a HeldBlock exists only for
        // those), and nothing mutates it while &self is borrowed.
        unsafe { std::slice::from_raw_parts(self.map.as_ptr().add(from), len) }
    }

    /// Hands every ready block back to the kernel unread (after attaching a new filter, no
    /// packet the old one accepted may be delivered).
    #[inline]
    pub fn discard_ready(&mut self) {
        while let Some(block) = self.next_block() {
            drop(block);
        }
    }
}

/// A block the consumer owns; dropping it returns it to the kernel.
pub struct Block<'r> {
    ring: &'r mut BlockRing,
    held: HeldBlock,
}

impl Block<'_> {
    /// The next packet of this block.
    #[inline]
    pub fn next_frame(&mut self) -> Option<Frame<'_>> {
        if self.held.remaining == 0 {
            return None;
        }
        let block_end = (self.held.index + 1) * self.ring.block_size;
        let offset = self.held.next_frame;
        if offset + 48 > block_end {
            self.held.remaining = 0;
            return None;
        }
        self.held.remaining -= 1;
        self.held.last_frame = offset;
        // SAFETY: offset is inside the ring and the block is ours.
        let base = unsafe { self.ring.map.as_mut_ptr().add(offset) };
        if self.ring.frames {
            self.held.next_frame = block_end;
            // SAFETY: the frame is ours until the block (the frame itself) is dropped.
            return Some(unsafe { Frame::new(base, block_end - offset, &frame::V2) });
        }
        // SAFETY: tp_next_offset is the first u32 of the frame header, inside the block.
        let step = unsafe { base.add(FRAME_NEXT_OFFSET).cast::<u32>().read_unaligned() } as usize;
        self.held.next_frame = if step == 0 { block_end } else { offset + step };
        // SAFETY: the frame lies in a block the consumer owns while self (and so the frame's
        // borrow of it) lives; its room ends at the block's end.
        Some(unsafe { Frame::new(base, block_end - offset, &frame::V3) })
    }

    /// Keeps the block (not returned to the kernel) and its position, for a later
    /// [`BlockRing::resume`].
    #[inline]
    pub fn suspend(self) -> HeldBlock {
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped, so its `held` is moved out exactly once; the
        // other field is a reference, which needs no drop.
        unsafe { std::ptr::read(&this.held) }
    }
}

impl Drop for Block<'_> {
    #[inline]
    fn drop(&mut self) {
        // Release: our reads and rewrites of the block happen before the kernel reuses it.
        self.ring
            .status_word(self.held.index)
            .store(TP_STATUS_KERNEL, Ordering::Release);
    }
}
