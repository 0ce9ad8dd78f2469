//! oxpcap's own extensions, declared by `<pcap/oxpcap.h>`: fanout groups
//! (`pcap_set_fanout_linux` and friends) and batch delivery (`pcap_dispatch_batch`).
//!
//! Batch delivery hands a callback a whole ring block (or a chunk of a file) as two arrays,
//! headers and packet pointers, that live in the handle and are reused from call to call: no
//! allocation once they have grown to a block's packet count. Like `pcap_dispatch`, the
//! callback runs with no borrow of the core held, and the loop re-checks the handle's signals
//! after every callback.

use std::ffi::{c_int, c_uchar, c_uint};

use super::{pcap_pkthdr, pcap_stat, with_pcap, with_pcap_status, PcapT};
use crate::error::status;
use crate::ffi::types::bpf_program;
use crate::source::batch::Batch;
use crate::source::SourceKind;

/// `pcap_batch_handler`: called once per ring block (or file chunk) with `n` headers and
/// the `n` matching packet pointers, valid until the callback returns.
#[allow(non_camel_case_types)]
pub type pcap_batch_handler = Option<
    unsafe extern "C" fn(user: *mut u8, hdrs: *const pcap_pkthdr, pkts: *const *const u8, n: c_int),
>;

/// The arrays a batch is handed over in; they keep their capacity between calls.
#[derive(Debug, Default)]
pub struct BatchArrays {
    headers: Vec<pcap_pkthdr>,
    packets: Vec<*const u8>,
}

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
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `callback` is a valid handler for `user`.
#[no_mangle]
pub unsafe extern "C" fn pcap_dispatch_batch(
    p: *mut PcapT,
    cnt: c_int,
    callback: pcap_batch_handler,
    user: *mut c_uchar,
) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap(p, status::ERROR, |h| {
            let Some(cb) = callback else {
                h.set_error("pcap_dispatch_batch: NULL callback");
                return Ok(status::ERROR);
            };
            // SAFETY: the caller vouches for the handler and its user pointer.
            Ok(read_batches(h, cnt, |hdrs, pkts, n| {
                cb(user, hdrs, pkts, n)
            }))
        })
    }
}

/// `pcap_dispatch`'s read step (see `ffi::capture`), a batch at a time.
fn read_batches(
    handle: &PcapT,
    cnt: c_int,
    mut deliver: impl FnMut(*const pcap_pkthdr, *const *const u8, c_int),
) -> c_int {
    let kind = handle.core().source.kind();
    let mut delivered: c_int = 0;
    loop {
        if let Some(result) = super::capture::loop_gate(handle, kind, delivered) {
            return result;
        }
        let max = if cnt > 0 {
            (cnt - delivered) as usize
        } else {
            usize::MAX
        };
        let (hdrs, pkts, result) = {
            // SAFETY: the arrays belong to this handle, used by one thread at a time; this
            // borrow ends before the callback runs (which may even re-enter this function).
            let arrays = unsafe { &mut *handle.batch_arrays() };
            arrays.headers.clear();
            arrays.packets.clear();
            let result = handle.core().next_batch(delivered == 0, max, |hdr, bytes| {
                arrays.headers.push(pcap_pkthdr::from(hdr));
                arrays.packets.push(bytes.as_ptr());
            });
            (arrays.headers.as_ptr(), arrays.packets.as_ptr(), result)
        };
        match result {
            Ok(Batch::Packets(n)) => {
                let n = n as c_int;
                deliver(hdrs, pkts, n);
                delivered += n;
                if cnt > 0 && delivered >= cnt {
                    return delivered;
                }
            }
            Ok(Batch::Idle) if kind == SourceKind::Live && handle.signals().take_break() => {
                return status::BREAK
            }
            Ok(Batch::Idle | Batch::Eof) => return delivered,
            Err(err) => {
                handle.set_error(&err.msg);
                return err.status;
            }
        }
    }
}
