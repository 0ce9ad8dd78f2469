//! Creating, inspecting and closing handles; error text and version strings.

use std::ffi::{c_char, c_int, c_uint};
use std::io::Write;
use std::ptr;

use super::{boundary, cstr, with_pcap, PcapT};
use crate::handle::{Pcap, Precision};
use crate::names;

/// `pcap_open_dead`: a handle with no packets, for compiling filters and writing files.
#[no_mangle]
pub extern "C" fn pcap_open_dead(linktype: c_int, snaplen: c_int) -> *mut PcapT {
    pcap_open_dead_with_tstamp_precision(linktype, snaplen, Precision::Micro as c_uint)
}

/// `pcap_open_dead_with_tstamp_precision`: an unknown precision falls back to microseconds,
/// as libpcap's does.
#[no_mangle]
pub extern "C" fn pcap_open_dead_with_tstamp_precision(
    linktype: c_int,
    snaplen: c_int,
    precision: c_uint,
) -> *mut PcapT {
    boundary(ptr::null_mut(), || {
        let precision = Precision::from_raw(precision as i32).unwrap_or(Precision::Micro);
        PcapT::into_raw(Pcap::dead(linktype, snaplen, precision))
    })
}

/// `pcap_close`: releases the handle and everything it holds. NULL is ignored.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`, not used again afterwards.
#[no_mangle]
pub unsafe extern "C" fn pcap_close(p: *mut PcapT) {
    // SAFETY: forwarded from the caller.
    boundary((), || unsafe { PcapT::free(p) })
}

/// `pcap_geterr`: the handle's last error message (NULL for a NULL handle).
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_geterr(p: *mut PcapT) -> *mut c_char {
    // SAFETY: forwarded from the caller.
    unsafe { with_pcap(p, ptr::null_mut(), |h| Ok(h.errbuf_ptr())) }
}

/// `pcap_perror`: prints "prefix: message" on stderr.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `prefix` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn pcap_perror(p: *mut PcapT, prefix: *const c_char) {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap(p, (), |h| {
            // SAFETY: the handle's errbuf is always NUL-terminated.
            let msg = cstr(h.errbuf_ptr()).unwrap_or_default();
            // glibc prints a NULL %s as "(null)", and so did libpcap's fprintf.
            let prefix = cstr(prefix).map_or(b"(null)".as_slice(), |s| s.to_bytes());
            let mut line = Vec::with_capacity(prefix.len() + msg.count_bytes() + 3);
            line.extend_from_slice(prefix);
            line.extend_from_slice(b": ");
            line.extend_from_slice(msg.to_bytes());
            line.push(b'\n');
            // stderr is unbuffered in C too, so ordering with the caller's output holds.
            let _ = std::io::stderr().write_all(&line);
            Ok(())
        })
    }
}

/// `pcap_strerror`: the C library's `strerror`, pointer and all (measured: libpcap 1.10.3 on
/// glibc returns the very pointer `strerror` does; known errors are static text, unknown ones
/// share glibc's per-thread buffer with `strerror`).
#[no_mangle]
pub extern "C" fn pcap_strerror(errnum: c_int) -> *const c_char {
    // SAFETY: glibc's strerror (2.32 and later) is thread-safe and always returns a valid
    // NUL-terminated string.
    boundary(ptr::null(), || {
        unsafe { libc::strerror(errnum) }.cast_const()
    })
}

/// `pcap_lib_version`: "libpcap version 1.10.3 (oxpcap ...)".
#[no_mangle]
pub extern "C" fn pcap_lib_version() -> *const c_char {
    names::LIB_VERSION.as_ptr()
}

/// `pcap_version`: libpcap's exported data symbol holding its version number.
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static pcap_version: [u8; 7] = *b"1.10.3\0";

/// `value`, or PCAP_ERROR_NOT_ACTIVATED (without touching the error buffer, as libpcap) for a
/// handle `pcap_activate` has not activated yet.
fn activated_or(h: &PcapT, value: c_int) -> c_int {
    if h.core().activated {
        value
    } else {
        crate::error::status::NOT_ACTIVATED
    }
}

/// `pcap_datalink`: the handle's link type.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_datalink(p: *mut PcapT) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap(p, crate::error::status::ERROR, |h| {
            Ok(activated_or(h, h.core().linktype))
        })
    }
}

/// `pcap_snapshot`: the handle's snapshot length.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_snapshot(p: *mut PcapT) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap(p, crate::error::status::ERROR, |h| {
            Ok(activated_or(h, h.core().snaplen))
        })
    }
}

/// `pcap_get_tstamp_precision`: the precision of delivered timestamps.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_get_tstamp_precision(p: *mut PcapT) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap(p, crate::error::status::ERROR, |h| {
            Ok(h.core().precision as c_int)
        })
    }
}
