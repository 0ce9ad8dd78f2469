//! Opening and configuring live captures: `pcap_create`, `pcap_activate`, `pcap_open_live`,
//! the `pcap_set_*` setters, and the calls that act on an activated capture (direction,
//! link type, non-blocking mode, descriptors, statistics, sending).

use std::ffi::{c_char, c_int, c_uint, c_void};
use std::ptr;

use super::{cstr, pcap_direction_t, pcap_stat, with_errbuf, with_pcap, with_pcap_status, PcapT};
use crate::error::{status, Error};
use crate::handle::{Pcap, Precision};

/// libpcap's text for the statuses `pcap_open_live` spells out.
fn status_text(st: c_int) -> &'static str {
    match st {
        status::NO_SUCH_DEVICE => "No such device exists",
        status::PERM_DENIED => "You don't have permission to perform this capture on that device",
        status::PROMISC_PERM_DENIED => "You don't have permission to capture in promiscuous mode",
        status::IFACE_NOT_UP => "That device is not up",
        status::RFMON_NOTSUP => "That device doesn't support monitor mode",
        _ => "Generic error",
    }
}

/// The device a C caller named: NULL means "any".
///
/// # Safety
/// `source` is NULL or a C string.
unsafe fn device_name(source: *const c_char) -> Option<String> {
    // SAFETY: forwarded from the caller.
    unsafe { cstr(source) }.map(|s| s.to_string_lossy().into_owned())
}

/// `pcap_create`: a handle for `source` (NULL or "any": all interfaces) to configure, then
/// activate. It never fails for an unknown device; `pcap_activate` does.
///
/// # Safety
/// `source` is NULL or a C string; `errbuf` is NULL or PCAP_ERRBUF_SIZE writable bytes.
#[no_mangle]
pub unsafe extern "C" fn pcap_create(source: *const c_char, errbuf: *mut c_char) -> *mut PcapT {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_errbuf(errbuf, ptr::null_mut(), || {
            Ok(PcapT::into_raw(Pcap::created(device_name(source))))
        })
    }
}

/// `pcap_activate`: 0, a warning (> 0, text in `pcap_geterr`), or an error status (< 0).
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_activate(p: *mut PcapT) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap_status(p, |h| {
            let (warning, text) = h.core().activate()?;
            if let Some(text) = text {
                h.set_error(&text);
            }
            Ok(warning)
        })
    }
}

/// `pcap_open_live`: create, set snapshot length, promiscuous mode and timeout, activate.
/// Failures are written to `errbuf` as "device: reason", as libpcap words them.
///
/// # Safety
/// `device` is NULL or a C string; `errbuf` is NULL or PCAP_ERRBUF_SIZE writable bytes.
#[no_mangle]
pub unsafe extern "C" fn pcap_open_live(
    device: *const c_char,
    snaplen: c_int,
    promisc: c_int,
    to_ms: c_int,
    errbuf: *mut c_char,
) -> *mut PcapT {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_errbuf(errbuf, ptr::null_mut(), || {
            let name = device_name(device);
            let mut core = Pcap::created(name.clone());
            core.config.snaplen = snaplen;
            core.config.promisc = promisc != 0;
            core.config.timeout_ms = to_ms;
            match core.activate() {
                Ok(_) => Ok(PcapT::into_raw(core)),
                Err(err) => {
                    let dev = name.as_deref().unwrap_or("(null)");
                    let msg = match err.status {
                        status::NO_SUCH_DEVICE
                        | status::PERM_DENIED
                        | status::PROMISC_PERM_DENIED => {
                            format!("{dev}: {} ({})", status_text(err.status), err.msg)
                        }
                        status::ERROR => format!("{dev}: {}", err.msg),
                        other => format!("{dev}: {}", status_text(other)),
                    };
                    Err(Error::new(msg))
                }
            }
        })
    }
}

/// Applies a setter to a not-yet-activated handle (PCAP_ERROR_ACTIVATED afterwards).
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
unsafe fn set(p: *mut PcapT, apply: impl FnOnce(&mut Pcap) -> c_int) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap_status(p, |h| {
            let core = h.core();
            core.config_mut()?;
            Ok(apply(core))
        })
    }
}

/// `pcap_set_snaplen`.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_set_snaplen(p: *mut PcapT, snaplen: c_int) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        set(p, |c| {
            c.config.snaplen = snaplen;
            0
        })
    }
}

/// `pcap_set_promisc`.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_set_promisc(p: *mut PcapT, promisc: c_int) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        set(p, |c| {
            c.config.promisc = promisc != 0;
            0
        })
    }
}

/// `pcap_set_rfmon`.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_set_rfmon(p: *mut PcapT, rfmon: c_int) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        set(p, |c| {
            c.config.rfmon = rfmon != 0;
            0
        })
    }
}

/// `pcap_set_timeout` (milliseconds; 0 waits for ever).
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_set_timeout(p: *mut PcapT, to_ms: c_int) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        set(p, |c| {
            c.config.timeout_ms = to_ms;
            0
        })
    }
}

/// `pcap_set_buffer_size` (bytes of ring; a non-positive size is ignored).
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_set_buffer_size(p: *mut PcapT, size: c_int) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        set(p, |c| {
            if size > 0 {
                c.config.buffer_size = size;
            }
            0
        })
    }
}

/// `pcap_set_immediate_mode`.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_set_immediate_mode(p: *mut PcapT, immediate: c_int) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        set(p, |c| {
            c.config.immediate = immediate != 0;
            0
        })
    }
}

/// `pcap_set_tstamp_type`: only host timestamps (`PCAP_TSTAMP_HOST`, 0) are offered; any other
/// type gives PCAP_WARNING_TSTAMP_TYPE_NOTSUP and is not applied, as in libpcap.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_set_tstamp_type(p: *mut PcapT, tstamp_type: c_int) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        set(p, |_| {
            if tstamp_type == 0 {
                0
            } else {
                status::WARNING_TSTAMP_TYPE_NOTSUP
            }
        })
    }
}

/// `pcap_set_tstamp_precision`: micro- or nanoseconds.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_set_tstamp_precision(p: *mut PcapT, precision: c_int) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        set(p, |c| match Precision::from_raw(precision) {
            Some(precision) => {
                c.precision = precision;
                0
            }
            None => status::TSTAMP_PRECISION_NOTSUP,
        })
    }
}

/// `pcap_set_protocol_linux`: the ethertype the socket binds to (0: all).
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_set_protocol_linux(p: *mut PcapT, protocol: c_int) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        set(p, |c| {
            c.config.protocol = protocol;
            0
        })
    }
}

/// `pcap_can_set_rfmon`: monitor mode is not offered (no interface here is mac80211 capable
/// for us), so 0, whether or not the handle is activated.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_can_set_rfmon(p: *mut PcapT) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { with_pcap_status(p, |_| Ok(0)) }
}

/// `pcap_setdirection`: PCAP_D_INOUT, PCAP_D_IN or PCAP_D_OUT.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_setdirection(p: *mut PcapT, direction: pcap_direction_t) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap_status(p, |h| {
            h.core().set_direction(direction)?;
            Ok(0)
        })
    }
}

/// `pcap_setnonblock`: before activation the choice is kept for `pcap_activate`.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `errbuf` is NULL or PCAP_ERRBUF_SIZE writable bytes.
#[no_mangle]
pub unsafe extern "C" fn pcap_setnonblock(
    p: *mut PcapT,
    nonblock: c_int,
    errbuf: *mut c_char,
) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap(p, status::ERROR, |h| {
            with_errbuf(errbuf, Ok(status::ERROR), || {
                h.core().set_nonblock(nonblock != 0)?;
                Ok(Ok(0))
            })
        })
    }
}

/// `pcap_getnonblock`: 1 or 0; PCAP_ERROR_NOT_ACTIVATED before activation.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `errbuf` is NULL or PCAP_ERRBUF_SIZE writable bytes.
#[no_mangle]
pub unsafe extern "C" fn pcap_getnonblock(p: *mut PcapT, _errbuf: *mut c_char) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { with_pcap_status(p, |h| Ok(c_int::from(h.core().nonblock()?))) }
}

/// The descriptor of a live handle, -1 with the not-activated message before activation.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
unsafe fn descriptor(p: *mut PcapT) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { with_pcap(p, status::ERROR, |h| Ok(h.core().live_fd()?.unwrap_or(-1))) }
}

/// `pcap_fileno`: the capture socket.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_fileno(p: *mut PcapT) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { descriptor(p) }
}

/// `pcap_get_selectable_fd`: the capture socket, readable when packets are ready.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_get_selectable_fd(p: *mut PcapT) -> c_int {
    // A savefile's stream descriptor is selectable (its pcap_fileno is -1, as in libpcap).
    // SAFETY: forwarded from the caller.
    if let Some(fd) = unsafe { super::savefile::stream_fd(p) } {
        return fd;
    }
    // SAFETY: forwarded from the caller.
    unsafe { descriptor(p) }
}

/// `pcap_get_required_select_timeout`: NULL — the socket becomes readable whenever a
/// `pcap_dispatch` would deliver something, so no select timeout is required (libpcap 1.10.3
/// says the same on Linux).
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_get_required_select_timeout(p: *mut PcapT) -> *const libc::timeval {
    let _ = p;
    ptr::null()
}

/// `pcap_stats`: packets received and dropped since activation.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `ps` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn pcap_stats(p: *mut PcapT, ps: *mut pcap_stat) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap_status(p, |h| {
            let Some(stats) = h.core().live_stats()? else {
                return Err(Error::new(
                    "Statistics aren't available from a pcap_open_dead pcap_t",
                ));
            };
            if !ps.is_null() {
                (*ps).ps_recv = stats.received as c_uint;
                (*ps).ps_drop = stats.dropped as c_uint;
                (*ps).ps_ifdrop = stats.if_dropped as c_uint;
            }
            Ok(0)
        })
    }
}

/// `pcap_inject`: sends a frame; the number of bytes sent or PCAP_ERROR.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `buf` points to `size` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn pcap_inject(p: *mut PcapT, buf: *const c_void, size: usize) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap_status(p, |h| {
            let bytes: &[u8] = if buf.is_null() || size == 0 {
                &[]
            } else {
                std::slice::from_raw_parts(buf.cast(), size)
            };
            Ok(h.core().inject(bytes)? as c_int)
        })
    }
}

/// `pcap_sendpacket`: 0 when sent, -1 when `pcap_inject` gives -1 (like libpcap, other
/// statuses pass as success).
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `buf` points to `size` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn pcap_sendpacket(p: *mut PcapT, buf: *const u8, size: c_int) -> c_int {
    if size < 0 {
        // SAFETY: forwarded from the caller.
        return unsafe {
            with_pcap(p, status::ERROR, |_| {
                Err(Error::new("The number of bytes to be sent must be >= 0"))
            })
        };
    }
    // SAFETY: forwarded from the caller.
    let sent = unsafe { pcap_inject(p, buf.cast(), size as usize) };
    if sent == status::ERROR {
        status::ERROR
    } else {
        0
    }
}
