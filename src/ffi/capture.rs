//! The packet loop calls: `pcap_dispatch`, `pcap_loop`, `pcap_next`, `pcap_next_ex`,
//! `pcap_breakloop`.
//!
//! [`read_packets`] is libpcap's "read up to cnt packets" step, shared by all of them. It asks
//! the core for one packet at a time and calls the C callback with the core borrow already
//! released: the callback may call back into the library on the same handle
//! (`pcap_breakloop`, `pcap_geterr`, `pcap_datalink`...) or never return (`longjmp`), and
//! nothing with a destructor or a borrow is pending across it.

use std::ffi::{c_int, c_uchar};
use std::ptr;

use super::{boundary, pcap_handler, pcap_pkthdr, with_pcap, PcapT};
use crate::error::status;
use crate::source::{Poll, SourceKind};

/// One step of the core, with every borrow of it released.
enum Step {
    Packet(pcap_pkthdr, *const u8),
    Idle,
    Eof,
    /// The call fails with this status (the message is already in the error buffer).
    Failed(c_int),
}

/// Asks the core for its next packet and converts the answer to C form.
#[inline(always)]
fn next_step(handle: &PcapT, may_block: bool) -> Step {
    let core = handle.core();
    match core.next_packet(may_block) {
        Ok(Poll::Packet(header, data)) => Step::Packet(pcap_pkthdr::from(&header), data.as_ptr()),
        Ok(Poll::Idle) => Step::Idle,
        Ok(Poll::Eof) => Step::Eof,
        Err(err) => {
            handle.set_error(&err.msg);
            Step::Failed(err.status)
        }
    }
}

/// What a read step returns before asking for more packets, if it must stop: a live capture
/// that ended for good (reported before any pending break, as libpcap does), or a pending
/// `pcap_breakloop`. A savefile loop reports the packets it already delivered and leaves the
/// break pending for the next call; a live loop reports the break at once; a dead handle
/// never looks at it. Shared by the per-packet and the batch read steps.
pub(crate) fn loop_gate(handle: &PcapT, kind: SourceKind, delivered: c_int) -> Option<c_int> {
    let is_live = kind == SourceKind::Live;
    if is_live && delivered == 0 {
        if let Some(err) = handle.core().live_fault() {
            handle.set_error(&err.msg);
            return Some(err.status);
        }
    }
    if kind != SourceKind::Dead && handle.signals().break_pending() {
        if delivered == 0 || is_live {
            handle.signals().take_break();
            return Some(status::BREAK);
        }
        return Some(delivered);
    }
    None
}

/// libpcap's read step: delivers up to `cnt` packets (`cnt <= 0`: no limit) to `deliver`.
/// Returns the number delivered, 0 at the end of a file or when nothing came before the
/// timeout, `PCAP_ERROR_BREAK` after `pcap_breakloop`, `PCAP_ERROR` on failure.
///
/// Only the first packet may block; after it, a live source delivers what is ready and
/// returns, as libpcap does with one buffer's worth.
fn read_packets(
    handle: &PcapT,
    cnt: c_int,
    mut deliver: impl FnMut(&pcap_pkthdr, *const u8),
) -> c_int {
    let kind = handle.core().source.kind();
    let mut delivered: c_int = 0;
    loop {
        if let Some(result) = loop_gate(handle, kind, delivered) {
            return result;
        }
        match next_step(handle, delivered == 0) {
            Step::Packet(header, data) => {
                deliver(&header, data);
                delivered += 1;
                if cnt > 0 && delivered >= cnt {
                    return delivered;
                }
            }
            // A live wait ended by pcap_breakloop reports the break at once.
            Step::Idle if kind == SourceKind::Live && handle.signals().take_break() => {
                return status::BREAK
            }
            Step::Idle | Step::Eof => return delivered,
            Step::Failed(st) => return st,
        }
    }
}

/// Calls a C handler, or reports that there is none.
fn handler_or_error(
    handle: &PcapT,
    callback: pcap_handler,
) -> Option<unsafe extern "C" fn(*mut u8, *const pcap_pkthdr, *const u8)> {
    if callback.is_none() {
        handle.set_error("pcap_dispatch/pcap_loop: NULL callback");
    }
    callback
}

/// `pcap_dispatch`: processes one buffer's worth of packets (a file: up to `cnt`, or to its end
/// when `cnt <= 0`).
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `callback` is a valid handler for `user`.
#[no_mangle]
pub unsafe extern "C" fn pcap_dispatch(
    p: *mut PcapT,
    cnt: c_int,
    callback: pcap_handler,
    user: *mut c_uchar,
) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap(p, status::ERROR, |h| {
            let Some(cb) = handler_or_error(h, callback) else {
                return Ok(status::ERROR);
            };
            // SAFETY: the caller vouches for the handler and its user pointer.
            Ok(read_packets(h, cnt, |hdr, data| cb(user, hdr, data)))
        })
    }
}

/// `pcap_loop`: processes packets until `cnt` have been delivered (`cnt <= 0`: forever), the end
/// of a file (returns 0), an error (-1) or `pcap_breakloop` (-2).
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `callback` is a valid handler for `user`.
#[no_mangle]
pub unsafe extern "C" fn pcap_loop(
    p: *mut PcapT,
    cnt: c_int,
    callback: pcap_handler,
    user: *mut c_uchar,
) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap(p, status::ERROR, |h| {
            let Some(cb) = handler_or_error(h, callback) else {
                return Ok(status::ERROR);
            };
            let is_live = h.core().source.kind() == SourceKind::Live;
            let mut remaining = cnt;
            loop {
                // SAFETY: the caller vouches for the handler and its user pointer.
                let n = read_packets(h, remaining, |hdr, data| cb(user, hdr, data));
                // A live timeout with nothing delivered just waits again.
                if n == 0 && is_live {
                    continue;
                }
                if n <= 0 {
                    return Ok(n);
                }
                if remaining > 0 {
                    remaining -= n;
                    if remaining <= 0 {
                        return Ok(0);
                    }
                }
            }
        })
    }
}

/// `pcap_next_ex`: one packet. 1 with a packet, 0 on a live timeout, `PCAP_ERROR_BREAK` at the
/// end of a file or after `pcap_breakloop`, `PCAP_ERROR` on failure.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `pkt_header` and `pkt_data` are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn pcap_next_ex(
    p: *mut PcapT,
    pkt_header: *mut *mut pcap_pkthdr,
    pkt_data: *mut *const c_uchar,
) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap(p, status::ERROR, |h| {
            let is_live = h.core().source.kind() == SourceKind::Live;
            let slot = h.next_header_ptr();
            // libpcap points the caller at its header storage before reading.
            if !pkt_header.is_null() {
                *pkt_header = slot;
            }
            let mut data_ptr: *const u8 = ptr::null();
            let n = read_packets(h, 1, |hdr, data| {
                // SAFETY: slot is this handle's own header storage.
                *slot = *hdr;
                data_ptr = data;
            });
            if n == 1 && !pkt_data.is_null() {
                *pkt_data = data_ptr;
            }
            // The end of a file is reported as PCAP_ERROR_BREAK.
            Ok(if n == 0 && !is_live { status::BREAK } else { n })
        })
    }
}

/// `pcap_next`: one packet, or NULL on timeout, end of file or error (the header is filled in
/// only with a packet).
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `h` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn pcap_next(p: *mut PcapT, h: *mut pcap_pkthdr) -> *const c_uchar {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap(p, ptr::null(), |handle| {
            let mut data_ptr: *const u8 = ptr::null();
            let n = read_packets(handle, 1, |hdr, data| {
                if !h.is_null() {
                    // SAFETY: the caller gave a writable header.
                    *h = *hdr;
                }
                data_ptr = data;
            });
            Ok(if n > 0 { data_ptr } else { ptr::null() })
        })
    }
}

/// `pcap_breakloop`: makes the running (or next) loop return `PCAP_ERROR_BREAK`. Safe from
/// another thread or a signal handler: it touches only an atomic flag (and, for live handles,
/// wakes a blocked wait).
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_breakloop(p: *mut PcapT) {
    boundary((), || {
        // SAFETY: forwarded from the caller; only the shared signals are touched.
        if let Some(h) = unsafe { PcapT::from_ptr(p) } {
            h.signals().request_break();
        }
    })
}
