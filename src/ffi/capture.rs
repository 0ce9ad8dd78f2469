//! The packet loop calls: `pcap_dispatch`, `pcap_loop`, `pcap_next`, `pcap_next_ex`,
//! `pcap_breakloop`.
//!
//! [`read_packets`] is libpcap's "read up to cnt packets" step, shared by all of them. It asks
//! the core (behind the panic boundary) to stage a chunk of ready packets, then hands them to
//! the C callback in a tight loop with no borrow of the core held: the callback may call back
//! into the library on the same handle (`pcap_breakloop`, `pcap_geterr`, even `pcap_dispatch`)
//! or never return (`longjmp`).
//!
//! Thread cancellation: a program may `pthread_cancel` a thread blocked in the loop or running
//! a callback (iftop does, at exit). glibc then unwinds the thread with a forced unwind, which
//! passes through C frames as through libpcap's, but aborts the process if it meets Rust's
//! `catch_unwind`. So the loop's own frames are not behind the panic boundary: it waits in
//! `poll` itself ([`wait_for`]) and calls the callback itself, both declared "C-unwind", and
//! nothing with a destructor is alive in them; each call into the core is a separate,
//! non-blocking, boundary-protected step. The loop itself cannot panic (no indexing, no
//! unwrap, wrapping arithmetic), so no Rust panic reaches C either.

use std::ffi::{c_int, c_uchar};
use std::mem::{align_of, offset_of, size_of};
use std::ptr;

use super::{boundary, pcap_handler, pcap_pkthdr, with_pcap, PcapT};
use crate::error::status;
use crate::source::stage::{Fill, Polled, WaitPlan, WaitState};
use crate::source::{PacketHeader, SourceKind};

// Staged headers are handed to C as `struct pcap_pkthdr` without conversion.
const _: () = {
    assert!(size_of::<PacketHeader>() == size_of::<pcap_pkthdr>());
    assert!(align_of::<PacketHeader>() == align_of::<pcap_pkthdr>());
    assert!(offset_of!(PacketHeader, ts_sec) == offset_of!(pcap_pkthdr, ts));
    assert!(size_of::<libc::time_t>() == 8 && size_of::<libc::suseconds_t>() == 8);
    assert!(offset_of!(PacketHeader, ts_frac) == offset_of!(pcap_pkthdr, ts) + 8);
    assert!(offset_of!(PacketHeader, caplen) == offset_of!(pcap_pkthdr, caplen));
    assert!(offset_of!(PacketHeader, len) == offset_of!(pcap_pkthdr, len));
};

/// A C packet callback as the loop calls it: "C-unwind", because a thread cancellation may
/// unwind out of it (a cancellation point in the callback), through the loop, to the caller.
pub(crate) type Handler = unsafe extern "C-unwind" fn(*mut u8, *const pcap_pkthdr, *const u8);

extern "C-unwind" {
    /// glibc's `poll`, declared "C-unwind": it is a cancellation point, and a cancellation
    /// of the waiting thread unwinds out of it.
    #[link_name = "poll"]
    fn poll_cancellable(fds: *mut libc::pollfd, nfds: libc::nfds_t, timeout_ms: c_int) -> c_int;
}

/// Packets one staging call asks for at most: enough to amortise the call, few enough that
/// the frames just shaped are still close when the callback reads them. Measured on 60-byte
/// frames at 450 kpps (consumer CPU per packet): 1: 15.2 ns, 4: 9.9, 8: 9.4, 16: 8.8,
/// 32: 10.4, 64: 11.5, 512: 12.0 (the per-packet loop before staging: 11.9).
const CHUNK: usize = 16;

/// What a read step does after one call into the core.
#[derive(Clone, Copy)]
pub(crate) enum Next {
    /// Packets are staged.
    Deliver,
    /// Wait as planned, then call the core again.
    Wait(WaitPlan),
    /// The read step ends with this value.
    Return(c_int),
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

/// [`loop_gate`] behind the panic boundary.
pub(crate) fn gate(p: *mut PcapT, kind: SourceKind, delivered: c_int) -> Option<c_int> {
    // SAFETY: p is a live handle (the caller checked it).
    unsafe {
        with_pcap(p, Some(status::ERROR), |h| {
            Ok(loop_gate(h, kind, delivered))
        })
    }
}

/// One non-blocking call into the core, behind the panic boundary: the loop's gate, then
/// stages up to `max` packets or says what to wait for. `delivered` packets went out in this
/// step so far.
pub(crate) fn refill(
    p: *mut PcapT,
    kind: SourceKind,
    delivered: c_int,
    max: usize,
    file_batch: bool,
    wait: &mut WaitState,
) -> Next {
    // SAFETY: p is a live handle (the caller checked it).
    unsafe {
        with_pcap(p, Next::Return(status::ERROR), |h| {
            if let Some(result) = loop_gate(h, kind, delivered) {
                return Ok(Next::Return(result));
            }
            let fill = h.core().fill_stage(delivered == 0, max, file_batch, wait);
            Ok(match fill {
                Ok(Fill::Staged) => Next::Deliver,
                Ok(Fill::Wait(plan)) => Next::Wait(plan),
                // A live wait ended by pcap_breakloop reports the break at once.
                Ok(Fill::Idle) if kind == SourceKind::Live && h.signals().take_break() => {
                    Next::Return(status::BREAK)
                }
                Ok(Fill::Idle | Fill::Eof) => Next::Return(delivered),
                Err(err) => {
                    h.set_error(&err.msg);
                    Next::Return(err.status)
                }
            })
        })
    }
}

/// Does a planned wait, outside the panic boundary so that a cancellation may unwind out of
/// it. Holds nothing that needs dropping. `poll` with the descriptors in use and a timeout in
/// whole milliseconds (rounded up), as libpcap waits: the plans' timeouts are the handle's
/// millisecond timeout, and immediate mode's sub-millisecond tick is a timerfd among the
/// descriptors.
#[inline(never)]
pub(crate) fn wait_for(plan: WaitPlan) -> Polled {
    let mut fds = plan.fds;
    let used = fds
        .iter()
        .rposition(|f| f.fd >= 0)
        .map_or(0, |last| last + 1);
    let timeout_ms: c_int = match &plan.timeout {
        Some(ts) => {
            let ns = i128::from(ts.tv_sec) * 1_000_000_000 + i128::from(ts.tv_nsec);
            ((ns + 999_999) / 1_000_000).clamp(0, i128::from(c_int::MAX)) as c_int
        }
        None => -1,
    };
    // SAFETY: fds is an array of valid pollfds of which the first `used` are passed (an fd
    // of -1 among them is skipped by poll); no signal mask is changed.
    let result = unsafe { poll_cancellable(fds.as_mut_ptr(), used as libc::nfds_t, timeout_ms) };
    let errno = if result < 0 {
        // SAFETY: reads this thread's errno, which poll just set.
        unsafe { *libc::__errno_location() }
    } else {
        0
    };
    Polled {
        result,
        errno,
        revents: [fds[0].revents, fds[1].revents, fds[2].revents],
    }
}

/// libpcap's read step: delivers up to `cnt` packets (`cnt <= 0`: no limit) to `deliver`.
/// Returns the number delivered, 0 at the end of a file or when nothing came before the
/// timeout, `PCAP_ERROR_BREAK` after `pcap_breakloop`, `PCAP_ERROR` on failure.
///
/// Only the first packet may block; after it, a live source delivers what is ready and
/// returns, as libpcap does with one buffer's worth. Packets staged but not delivered (a
/// break or the count ended the step) are delivered first by the next step.
///
/// # Safety
/// `p` is the live handle `h` points to; `deliver` is safe to call with a staged packet.
#[inline(always)]
unsafe fn read_packets(
    p: *mut PcapT,
    h: &PcapT,
    cnt: c_int,
    mut deliver: impl FnMut(*const pcap_pkthdr, *const u8),
) -> c_int {
    let kind = h.core().source.kind();
    // A file stages a chunk of its read buffer, or a single record when only one is wanted.
    let file_batch = kind == SourceKind::File && cnt != 1;
    let mut delivered: c_int = 0;
    let mut wait = WaitState::default();
    // Whether the stage was filled in this step (the fill ran the gate just before).
    let mut fresh = false;
    loop {
        // The borrow of the core ends before the callback runs.
        let Some((header, data)) = h.core().stage.take() else {
            let max = if cnt > 0 {
                (cnt.wrapping_sub(delivered) as usize).min(CHUNK)
            } else {
                CHUNK
            };
            match refill(p, kind, delivered, max, file_batch, &mut wait) {
                Next::Deliver => fresh = true,
                Next::Wait(plan) => wait.polled = Some(wait_for(plan)),
                Next::Return(result) => return result,
            }
            continue;
        };
        // A pending break stops the step; packets left staged by an earlier step pass the
        // gate too. A packet the gate stops stays staged.
        if (delivered == 0 && !fresh) || h.signals().break_pending() {
            if let Some(result) = gate(p, kind, delivered) {
                h.core().stage.untake();
                return result;
            }
        }
        deliver(header.cast::<pcap_pkthdr>(), data);
        delivered = delivered.wrapping_add(1);
        if cnt > 0 && delivered >= cnt {
            return delivered;
        }
    }
}

/// The callback as the loop calls it, or None (with libpcap's message) when there is none.
fn handler(p: *mut PcapT, callback: pcap_handler) -> Option<Handler> {
    // SAFETY: p is NULL or a live handle, by the exported function's contract.
    unsafe {
        with_pcap(p, None, |h| {
            let Some(cb) = callback else {
                h.set_error("pcap_dispatch/pcap_loop: NULL callback");
                return Ok(None);
            };
            // SAFETY: "C" and "C-unwind" are the same calling convention; the latter only
            // admits that an unwind may leave the callee.
            Ok(Some(std::mem::transmute::<
                unsafe extern "C" fn(*mut u8, *const pcap_pkthdr, *const u8),
                Handler,
            >(cb)))
        })
    }
}

/// `pcap_dispatch`: processes one buffer's worth of packets (a file: up to `cnt`, or to its end
/// when `cnt <= 0`).
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `callback` is a valid handler for `user`.
#[no_mangle]
pub unsafe extern "C-unwind" fn pcap_dispatch(
    p: *mut PcapT,
    cnt: c_int,
    callback: pcap_handler,
    user: *mut c_uchar,
) -> c_int {
    // SAFETY: forwarded from the caller.
    let Some(h) = (unsafe { PcapT::from_ptr(p) }) else {
        return status::ERROR;
    };
    let Some(cb) = handler(p, callback) else {
        return status::ERROR;
    };
    // SAFETY: the caller vouches for the handler and its user pointer.
    unsafe { read_packets(p, h, cnt, |hdr, data| cb(user, hdr, data)) }
}

/// `pcap_loop`: processes packets until `cnt` have been delivered (`cnt <= 0`: forever), the end
/// of a file (returns 0), an error (-1) or `pcap_breakloop` (-2).
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `callback` is a valid handler for `user`.
#[no_mangle]
pub unsafe extern "C-unwind" fn pcap_loop(
    p: *mut PcapT,
    cnt: c_int,
    callback: pcap_handler,
    user: *mut c_uchar,
) -> c_int {
    // SAFETY: forwarded from the caller.
    let Some(h) = (unsafe { PcapT::from_ptr(p) }) else {
        return status::ERROR;
    };
    let Some(cb) = handler(p, callback) else {
        return status::ERROR;
    };
    let is_live = h.core().source.kind() == SourceKind::Live;
    let mut remaining = cnt;
    loop {
        // SAFETY: the caller vouches for the handler and its user pointer.
        let n = unsafe { read_packets(p, h, remaining, |hdr, data| cb(user, hdr, data)) };
        // A live timeout with nothing delivered just waits again.
        if n == 0 && is_live {
            continue;
        }
        if n <= 0 {
            return n;
        }
        if remaining > 0 {
            remaining = remaining.wrapping_sub(n);
            if remaining <= 0 {
                return 0;
            }
        }
    }
}

/// `pcap_next_ex`: one packet. 1 with a packet, 0 on a live timeout, `PCAP_ERROR_BREAK` at the
/// end of a file or after `pcap_breakloop`, `PCAP_ERROR` on failure.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `pkt_header` and `pkt_data` are NULL or writable.
#[no_mangle]
pub unsafe extern "C-unwind" fn pcap_next_ex(
    p: *mut PcapT,
    pkt_header: *mut *mut pcap_pkthdr,
    pkt_data: *mut *const c_uchar,
) -> c_int {
    // SAFETY: forwarded from the caller.
    let Some(h) = (unsafe { PcapT::from_ptr(p) }) else {
        return status::ERROR;
    };
    let is_live = h.core().source.kind() == SourceKind::Live;
    let slot = h.next_header_ptr();
    // libpcap points the caller at its header storage before reading.
    if !pkt_header.is_null() {
        // SAFETY: the caller gave a writable pointer.
        unsafe { *pkt_header = slot };
    }
    let mut data_ptr: *const u8 = ptr::null();
    // SAFETY: the closure copies a staged header into this handle's own header storage.
    let n = unsafe {
        read_packets(p, h, 1, |hdr, data| {
            *slot = *hdr;
            data_ptr = data;
        })
    };
    if n == 1 && !pkt_data.is_null() {
        // SAFETY: the caller gave a writable pointer.
        unsafe { *pkt_data = data_ptr };
    }
    // The end of a file is reported as PCAP_ERROR_BREAK.
    if n == 0 && !is_live {
        status::BREAK
    } else {
        n
    }
}

/// `pcap_next`: one packet, or NULL on timeout, end of file or error (the header is filled in
/// only with a packet).
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `h` is NULL or writable.
#[no_mangle]
pub unsafe extern "C-unwind" fn pcap_next(p: *mut PcapT, h: *mut pcap_pkthdr) -> *const c_uchar {
    // SAFETY: forwarded from the caller.
    let Some(handle) = (unsafe { PcapT::from_ptr(p) }) else {
        return ptr::null();
    };
    let mut data_ptr: *const u8 = ptr::null();
    // SAFETY: the closure copies a staged header into the caller's header, if any.
    let n = unsafe {
        read_packets(p, handle, 1, |hdr, data| {
            if !h.is_null() {
                *h = *hdr;
            }
            data_ptr = data;
        })
    };
    if n > 0 {
        data_ptr
    } else {
        ptr::null()
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
