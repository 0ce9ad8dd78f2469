//! `Frame`, a view of one captured packet inside a ring: the kernel's per-packet header
//! (`tpacket3_hdr` in block rings, `tpacket2_hdr` in frame rings: same fields, different
//! offsets, named here once) followed by its `sockaddr_ll` and the packet bytes.
//!
//! A frame is only ever built over memory the consumer owns (its block or slot has been
//! handed to user space and not yet returned), so reading and rewriting it is race-free; the
//! offsets the kernel wrote are checked once, at construction, against the frame's room.

use std::marker::PhantomData;

/// Where the fields of one header version live.
pub struct HeaderLayout {
    status: usize,
    len: usize,
    snaplen: usize,
    mac: usize,
    net: usize,
    sec: usize,
    nsec: usize,
    vlan_tci: usize,
    vlan_tci_is_u32: bool,
    vlan_tpid: usize,
    sockaddr: usize,
}

/// `struct tpacket3_hdr` (TPACKET_V3 block rings).
pub const V3: HeaderLayout = HeaderLayout {
    status: 20,
    len: 16,
    snaplen: 12,
    mac: 24,
    net: 26,
    sec: 4,
    nsec: 8,
    vlan_tci: 32,
    vlan_tci_is_u32: true,
    vlan_tpid: 36,
    sockaddr: 48,
};

/// `struct tpacket2_hdr` (TPACKET_V2 frame rings).
pub const V2: HeaderLayout = HeaderLayout {
    status: 0,
    len: 4,
    snaplen: 8,
    mac: 12,
    net: 14,
    sec: 16,
    nsec: 20,
    vlan_tci: 24,
    vlan_tci_is_u32: false,
    vlan_tpid: 26,
    sockaddr: 32,
};

/// Bytes of `struct sockaddr_ll`.
const SOCKADDR_LL_LEN: usize = 20;

/// `tp_status` bits.
pub const TP_STATUS_VLAN_VALID: u32 = 1 << 4;
pub const TP_STATUS_VLAN_TPID_VALID: u32 = 1 << 6;

/// What the kernel's `sockaddr_ll` says about where a packet came from.
#[derive(Clone, Copy, Debug)]
pub struct LinkAddress {
    /// Network byte order, as on the wire.
    pub protocol_be: u16,
    pub ifindex: i32,
    pub hatype: u16,
    pub pkttype: u8,
    pub halen: u8,
    pub addr: [u8; 8],
}

/// One captured packet in ring memory the consumer owns for `'a`.
pub struct Frame<'a> {
    base: *mut u8,
    layout: &'static HeaderLayout,
    /// Start and end (relative to `base`) of the packet bytes as delivered so far.
    start: usize,
    end: usize,
    _owner: PhantomData<&'a mut [u8]>,
}

impl<'a> Frame<'a> {
    /// A view of the frame at `base` with `room` bytes up to the end of its block or slot;
    /// None when the room cannot even hold the kernel's headers (a damaged ring).
    ///
    /// # Safety
    /// `base..base+room` is mapped, owned by the consumer (handed over by the kernel) for
    /// `'a`, and not otherwise referenced while the frame lives.
    #[inline]
    pub unsafe fn new(
        base: *mut u8,
        room: usize,
        layout: &'static HeaderLayout,
    ) -> Option<Frame<'a>> {
        // Checked once: every header field read below lies before `header_end`, inside the
        // room, and the packet bytes lie after the headers and inside the room.
        let header_end = layout.sockaddr + SOCKADDR_LL_LEN;
        if room < header_end {
            return None;
        }
        let mut frame = Frame {
            base,
            layout,
            start: 0,
            end: 0,
            _owner: PhantomData,
        };
        let mac = usize::from(frame.read_u16(layout.mac)).clamp(header_end, room);
        let snaplen = frame.read_u32(layout.snaplen) as usize;
        frame.start = mac;
        frame.end = mac + snaplen.min(room - mac);
        Some(frame)
    }

    /// Reads a header field; `offset + 4` is at most the header's end (a layout constant).
    #[inline(always)]
    fn read_u32(&self, offset: usize) -> u32 {
        debug_assert!(offset + 4 <= self.layout.sockaddr + SOCKADDR_LL_LEN);
        // SAFETY: header fields lie within the room (checked in `new`), in memory the
        // consumer owns; unaligned-safe read.
        unsafe { self.base.add(offset).cast::<u32>().read_unaligned() }
    }

    /// Reads a header field, as [`Frame::read_u32`].
    #[inline(always)]
    fn read_u16(&self, offset: usize) -> u16 {
        debug_assert!(offset + 2 <= self.layout.sockaddr + SOCKADDR_LL_LEN);
        // SAFETY: as in read_u32.
        unsafe { self.base.add(offset).cast::<u16>().read_unaligned() }
    }

    #[inline]
    pub fn status(&self) -> u32 {
        self.read_u32(self.layout.status)
    }

    /// Bytes on the wire.
    #[inline]
    pub fn wire_len(&self) -> u32 {
        self.read_u32(self.layout.len)
    }

    /// Offset of the network header from the frame start.
    #[inline]
    pub fn net_offset(&self) -> usize {
        usize::from(self.read_u16(self.layout.net))
    }

    /// Seconds and nanoseconds of the kernel's timestamp.
    #[inline]
    pub fn timestamp(&self) -> (u32, u32) {
        (
            self.read_u32(self.layout.sec),
            self.read_u32(self.layout.nsec),
        )
    }

    /// The VLAN tag the kernel stripped (TPID, TCI), if it did.
    #[inline]
    pub fn stripped_vlan(&self) -> Option<(u16, u16)> {
        let status = self.status();
        if status & TP_STATUS_VLAN_VALID == 0 {
            return None;
        }
        let tci = if self.layout.vlan_tci_is_u32 {
            self.read_u32(self.layout.vlan_tci) as u16
        } else {
            self.read_u16(self.layout.vlan_tci)
        };
        let tpid = if status & TP_STATUS_VLAN_TPID_VALID != 0 {
            self.read_u16(self.layout.vlan_tpid)
        } else {
            0x8100
        };
        // A zero TCI with no TPID means "no tag" on kernels that report VLAN_VALID loosely.
        if tci == 0 && status & TP_STATUS_VLAN_TPID_VALID == 0 {
            return None;
        }
        Some((tpid, tci))
    }

    /// `sll_pkttype`: host, broadcast, multicast, other host, outgoing.
    #[inline]
    pub fn pkttype(&self) -> u8 {
        self.byte(self.layout.sockaddr + 10)
    }

    /// `sll_ifindex`: the interface the packet was seen on.
    #[inline]
    pub fn ifindex(&self) -> i32 {
        self.read_u32(self.layout.sockaddr + 4) as i32
    }

    /// The sender's link address the kernel recorded.
    #[inline]
    pub fn link_address(&self) -> LinkAddress {
        let s = self.layout.sockaddr;
        let mut addr = [0u8; 8];
        for (i, b) in addr.iter_mut().enumerate() {
            *b = self.byte(s + 12 + i);
        }
        LinkAddress {
            protocol_be: u16::from_be(self.read_u16(s + 2)),
            ifindex: self.read_u32(s + 4) as i32,
            hatype: self.read_u16(s + 8),
            pkttype: self.byte(s + 10),
            halen: self.byte(s + 11),
            addr,
        }
    }

    /// Reads a header byte, as [`Frame::read_u32`].
    #[inline(always)]
    fn byte(&self, offset: usize) -> u8 {
        debug_assert!(offset < self.layout.sockaddr + SOCKADDR_LL_LEN);
        // SAFETY: as in read_u32.
        unsafe { *self.base.add(offset) }
    }

    /// Start of the delivered bytes, relative to the frame.
    #[inline]
    pub fn start(&self) -> usize {
        self.start
    }

    /// Number of delivered bytes so far.
    #[inline]
    pub fn caplen(&self) -> usize {
        self.end - self.start
    }

    /// Restarts the delivered bytes at the network header (cooked capture), if it lies
    /// within the captured bytes.
    #[inline]
    pub fn start_at_network_header(&mut self) {
        let net = self.net_offset();
        if net >= self.start && net <= self.end {
            self.start = net;
        }
    }

    /// Prepends `header` to the delivered bytes (the room in front of the packet that the
    /// kernel leaves for this); false when there is no room.
    #[inline]
    pub fn prepend(&mut self, header: &[u8]) -> bool {
        let floor = self.layout.sockaddr + SOCKADDR_LL_LEN;
        if self.start < floor + header.len() {
            return false;
        }
        self.start -= header.len();
        // SAFETY: start..start+len is inside the frame's room, after its sockaddr_ll, and the
        // frame is exclusively owned; `header` is ordinary memory, never the ring.
        unsafe {
            std::ptr::copy_nonoverlapping(header.as_ptr(), self.base.add(self.start), header.len())
        };
        true
    }

    /// Inserts `tag` at `at` bytes into the delivered bytes, moving the bytes before it back
    /// into the headroom (VLAN reinsertion); false when there is no room or `at` is past the
    /// captured bytes.
    #[inline]
    pub fn insert(&mut self, at: usize, tag: &[u8]) -> bool {
        let floor = self.layout.sockaddr + SOCKADDR_LL_LEN;
        if at > self.caplen() || self.start < floor + tag.len() {
            return false;
        }
        let old = self.start;
        self.start -= tag.len();
        // SAFETY: both ranges lie in the owned frame, after its sockaddr_ll; `copy` handles
        // the overlap of the moved header with its old place.
        unsafe {
            std::ptr::copy(self.base.add(old), self.base.add(self.start), at);
            std::ptr::copy_nonoverlapping(tag.as_ptr(), self.base.add(self.start + at), tag.len());
        }
        true
    }

    /// The delivered bytes, borrowed from the frame (for the user-space filter).
    #[inline]
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: as in into_bytes, for the shorter borrow of self.
        unsafe { std::slice::from_raw_parts(self.base.add(self.start), self.end - self.start) }
    }

    /// The delivered bytes, valid for as long as the frame's owner.
    #[inline]
    pub fn into_bytes(self) -> &'a [u8] {
        // SAFETY: start..end lies in owned, initialised ring memory (checked in `new` and
        // kept so by every adjustment), exclusively ours for 'a.
        unsafe { std::slice::from_raw_parts(self.base.add(self.start), self.end - self.start) }
    }
}
