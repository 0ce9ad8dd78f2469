//! oxpcap's own extensions, declared by `<pcap/oxpcap.h>`: fanout groups
//! (`pcap_set_fanout_linux` and friends) and batch delivery (`pcap_dispatch_batch`).
//!
//! Batch delivery hands a callback a whole ring block (or a chunk of a file) as two arrays,
//! headers and packet pointers: the handle's stage (`source::stage`), reused from call to
//! call, so no allocation once it has grown to a block's packet count. Like `pcap_dispatch`,
//! the callback runs with no borrow of the core held, outside the panic boundary, and the
//! loop re-checks the handle's signals after every callback.

use std::ffi::{c_int, c_uchar, c_uint};

use super::capture::{gate, refill, wait_for, Next};
use super::{pcap_pkthdr, pcap_stat, with_pcap, with_pcap_status, PcapT};
use crate::error::status;
use crate::ffi::types::bpf_program;
use crate::source::stage::WaitState;

/// `pcap_batch_handler`: called once per ring block (or file chunk) with `n` headers and
/// the `n` matching packet pointers, valid until the callback returns.
#[allow(non_camel_case_types)]
pub type pcap_batch_handler = Option<
    unsafe extern "C" fn(user: *mut u8, hdrs: *const pcap_pkthdr, pkts: *const *const u8, n: c_int),
>;

/// A batch callback as the loop calls it ("C-unwind": see `ffi::capture`).
type BatchHandler =
    unsafe extern "C-unwind" fn(*mut u8, *const pcap_pkthdr, *const *const u8, c_int);

/// `pcap_set_fanout_linux`: between `pcap_create` and `pcap_activate`, asks to join fanout
/// group `group_id` with `mode` (a `PCAP_FANOUT_*` mode ORed with `PCAP_FANOUT_FLAG_*` flags);
/// `enable` 0 joins no group even if `OXPCAP_FANOUT` is set. 0, `PCAP_ERROR_ACTIVATED`, or
/// `PCAP_ERROR` for a mode or flag we do not know.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_set_fanout_linux(
    p: *mut PcapT,
    enable: c_int,
    mode: u16,
    group_id: u16,
) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap_status(p, |h| {
            h.core().set_fanout(enable != 0, mode, group_id)?;
            Ok(0)
        })
    }
}

/// `pcap_set_fanout_program_linux`: the classic BPF program of `PCAP_FANOUT_CBPF` (its
/// return value modulo the group's size picks the member); NULL forgets it. Copied, so the
/// caller may free `prog` afterwards. Between create and activate, like the mode.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `prog` is NULL or a valid `struct bpf_program`.
#[no_mangle]
pub unsafe extern "C" fn pcap_set_fanout_program_linux(
    p: *mut PcapT,
    prog: *const bpf_program,
) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap_status(p, |h| {
            let insns = match prog.as_ref() {
                None => None,
                Some(fp) if fp.bf_insns.is_null() || fp.bf_len == 0 => Some(Vec::new()),
                // SAFETY: the caller vouches for bf_len instructions at bf_insns.
                Some(fp) => {
                    Some(std::slice::from_raw_parts(fp.bf_insns, fp.bf_len as usize).to_vec())
                }
            };
            h.core().set_fanout_program(insns)?;
            Ok(0)
        })
    }
}

/// `pcap_fanout_group_linux`: the fanout group an activated handle is in (the id the kernel
/// chose, with `PCAP_FANOUT_FLAG_UNIQUEID`), or `PCAP_ERROR` if it is in none.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_fanout_group_linux(p: *mut PcapT) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { with_pcap_status(p, |h| Ok(c_int::from(h.core().fanout_group()?))) }
}

/// `pcap_fanout_stats_linux`: the totals of the handle's fanout group over its members open
/// in this process (`ps_recv`, `ps_drop` summed since each joined; `ps_ifdrop` the
/// interface's), as `pcap_stats` reports one member. Returns the number of members counted
/// (at least 1), or `PCAP_ERROR`.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `ps` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn pcap_fanout_stats_linux(p: *mut PcapT, ps: *mut pcap_stat) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap_status(p, |h| {
            let (members, received, dropped, if_dropped) = h.core().fanout_totals()?;
            if let Some(out) = ps.as_mut() {
                *out = pcap_stat {
                    ps_recv: received as c_uint,
                    ps_drop: dropped as c_uint,
                    ps_ifdrop: if_dropped,
                };
            }
            Ok(members as c_int)
        })
    }
}

/// `pcap_dispatch_batch`: like `pcap_dispatch`, but `callback` gets a whole ring block (or a
/// chunk of a file) per call. Returns the number of packets delivered, 0 at the end of a file
/// or when nothing came, `PCAP_ERROR_BREAK` after `pcap_breakloop`, `PCAP_ERROR` on failure.
/// `cnt` limits the packets over all callbacks (`cnt <= 0`: what is ready; a file to its end).
/// Like `pcap_dispatch`, it waits and calls back outside the panic boundary, so that a
/// thread cancellation may unwind through it (see `ffi::capture`).
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `callback` is a valid handler for `user`.
#[no_mangle]
pub unsafe extern "C-unwind" fn pcap_dispatch_batch(
    p: *mut PcapT,
    cnt: c_int,
    callback: pcap_batch_handler,
    user: *mut c_uchar,
) -> c_int {
    // SAFETY: forwarded from the caller.
    let Some(h) = (unsafe { PcapT::from_ptr(p) }) else {
        return status::ERROR;
    };
    // SAFETY: as above.
    let cb = unsafe {
        with_pcap(p, None, |h| {
            let Some(cb) = callback else {
                h.set_error("pcap_dispatch_batch: NULL callback");
                return Ok(None);
            };
            // SAFETY: "C" and "C-unwind" are the same calling convention; the latter only
            // admits that an unwind may leave the callee.
            Ok(Some(std::mem::transmute::<
                unsafe extern "C" fn(*mut u8, *const pcap_pkthdr, *const *const u8, c_int),
                BatchHandler,
            >(cb)))
        })
    };
    let Some(cb) = cb else {
        return status::ERROR;
    };
    let kind = h.core().source.kind();
    let mut delivered: c_int = 0;
    let mut wait = WaitState::default();
    loop {
        // Packets left staged by an earlier step pass the gate too (a fill runs it itself).
        if h.core().stage.remaining() > 0 {
            if let Some(result) = gate(p, kind, delivered) {
                return result;
            }
        }
        // The borrow of the core ends before the callback runs.
        let (hdrs, pkts, n) = h.core().stage.take_all();
        if n > 0 {
            let n = n as c_int;
            // SAFETY: the caller vouches for the handler; the arrays hold n staged packets,
            // valid until the next call on the handle.
            unsafe { cb(user, hdrs.cast::<pcap_pkthdr>(), pkts, n) };
            delivered = delivered.wrapping_add(n);
            if cnt > 0 && delivered >= cnt {
                return delivered;
            }
            continue;
        }
        let max = if cnt > 0 {
            cnt.wrapping_sub(delivered) as usize
        } else {
            usize::MAX
        };
        match refill(p, kind, delivered, max, true, &mut wait) {
            Next::Deliver => {}
            Next::Wait(plan) => wait.polled = Some(wait_for(plan)),
            Next::Return(result) => return result,
        }
    }
}
