//! Opening savefiles and asking about them: `pcap_open_offline*`, `pcap_fopen_offline*`,
//! `pcap_file`, `pcap_is_swapped`, `pcap_major_version`, `pcap_minor_version`.
//!
//! A savefile reads through a C `FILE*`, as libpcap's does: `pcap_open_offline` opens one
//! (or takes `stdin` for "-"), and `pcap_file` hands it out. The handle closes it, except
//! `stdin`, when it is closed; a failed open closes only a stream it opened itself.

use std::ffi::{c_char, c_int, c_uint};
use std::ptr;

use super::{cstr, with_errbuf, with_pcap, PcapT};
use crate::error::{Error, Result};
use crate::handle::Precision;
use crate::savefile::Savefile;
use crate::source::Source;

extern "C" {
    /// The C library's standard input stream.
    static mut stdin: *mut libc::FILE;
}

/// The C library's `stdin`.
pub fn c_stdin() -> *mut libc::FILE {
    // SAFETY: reading the pointer value of a C global the C library initialised.
    unsafe { ptr::addr_of!(stdin).read() }
}

fn precision_from(raw: c_uint) -> Result<Precision> {
    match raw {
        0 => Ok(Precision::Micro),
        1 => Ok(Precision::Nano),
        _ => Err(Error::new(format!("unknown time stamp resolution {raw}"))),
    }
}

/// Opens a savefile on `stream`; on failure the stream is closed only if `close_on_error`.
///
/// # Safety
/// `stream` is a live readable stream.
unsafe fn open_stream(
    stream: *mut libc::FILE,
    precision: c_uint,
    close_on_error: bool,
) -> Result<*mut PcapT> {
    let closes = stream != c_stdin();
    let opened = precision_from(precision).and_then(|precision| {
        // SAFETY: forwarded from the caller; the handle keeps the stream until closed.
        unsafe { Savefile::open(stream, closes, precision) }.map(|sf| sf.into_pcap(precision))
    });
    match opened {
        Ok(pcap) => Ok(PcapT::into_raw(pcap)),
        Err(err) => {
            if close_on_error && closes {
                // SAFETY: the stream is ours (opened by pcap_open_offline) and not stdin.
                unsafe { libc::fclose(stream) };
            }
            Err(err)
        }
    }
}

/// `pcap_open_offline_with_tstamp_precision`: opens a pcap or pcapng file ("-": stdin)
/// delivering timestamps at `precision`.
///
/// # Safety
/// `fname` is NULL or a C string; `errbuf` is NULL or `PCAP_ERRBUF_SIZE` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn pcap_open_offline_with_tstamp_precision(
    fname: *const c_char,
    precision: c_uint,
    errbuf: *mut c_char,
) -> *mut PcapT {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_errbuf(errbuf, ptr::null_mut(), || {
            let Some(name) = cstr(fname) else {
                return Err(Error::new("A null pointer was supplied as the file name"));
            };
            let stream = if name.to_bytes() == b"-" {
                c_stdin()
            } else {
                let fp = libc::fopen(name.as_ptr(), c"rb".as_ptr());
                if fp.is_null() {
                    let err = std::io::Error::last_os_error();
                    return Err(Error::os(&name.to_string_lossy(), &err));
                }
                fp
            };
            open_stream(stream, precision, true)
        })
    }
}

/// `pcap_open_offline`: [`pcap_open_offline_with_tstamp_precision`] at microseconds.
///
/// # Safety
/// As [`pcap_open_offline_with_tstamp_precision`].
#[no_mangle]
pub unsafe extern "C" fn pcap_open_offline(
    fname: *const c_char,
    errbuf: *mut c_char,
) -> *mut PcapT {
    // SAFETY: forwarded from the caller.
    unsafe { pcap_open_offline_with_tstamp_precision(fname, Precision::Micro as c_uint, errbuf) }
}

/// `pcap_fopen_offline_with_tstamp_precision`: reads a savefile from the caller's stream,
/// which the handle closes when it is closed (not when the open fails).
///
/// # Safety
/// `fp` is NULL or a live readable stream; `errbuf` is NULL or `PCAP_ERRBUF_SIZE` bytes.
#[no_mangle]
pub unsafe extern "C" fn pcap_fopen_offline_with_tstamp_precision(
    fp: *mut libc::FILE,
    precision: c_uint,
    errbuf: *mut c_char,
) -> *mut PcapT {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_errbuf(errbuf, ptr::null_mut(), || {
            if fp.is_null() {
                return Err(Error::new("A null pointer was supplied as the file"));
            }
            open_stream(fp, precision, false)
        })
    }
}

/// `pcap_fopen_offline`: [`pcap_fopen_offline_with_tstamp_precision`] at microseconds.
///
/// # Safety
/// As [`pcap_fopen_offline_with_tstamp_precision`].
#[no_mangle]
pub unsafe extern "C" fn pcap_fopen_offline(
    fp: *mut libc::FILE,
    errbuf: *mut c_char,
) -> *mut PcapT {
    // SAFETY: forwarded from the caller.
    unsafe { pcap_fopen_offline_with_tstamp_precision(fp, Precision::Micro as c_uint, errbuf) }
}

/// The savefile behind a handle, if it reads one.
fn savefile(h: &PcapT) -> Option<&Savefile> {
    match &h.core().source {
        Source::Savefile(sf) => Some(sf),
        _ => None,
    }
}

/// `pcap_file`: the stream a savefile handle reads; NULL for other handles.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_file(p: *mut PcapT) -> *mut libc::FILE {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap(p, ptr::null_mut(), |h| {
            Ok(savefile(h).map_or(ptr::null_mut(), Savefile::stream))
        })
    }
}

/// The descriptor of a savefile handle's stream; None for other handles (and NULL).
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
pub unsafe fn stream_fd(p: *mut PcapT) -> Option<c_int> {
    // SAFETY: forwarded from the caller.
    let h = unsafe { PcapT::from_ptr(p) }?;
    // SAFETY: the stream stays open while the handle lives.
    savefile(h).map(|sf| unsafe { libc::fileno(sf.stream()) })
}

/// `pcap_is_swapped`: 1 if the savefile's byte order is not the host's.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_is_swapped(p: *mut PcapT) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap(p, 0, |h| {
            Ok(savefile(h).is_some_and(|sf| sf.info.swapped) as c_int)
        })
    }
}

/// `pcap_major_version`: the savefile format's major version (0 for other handles).
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_major_version(p: *mut PcapT) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap(p, 0, |h| {
            Ok(savefile(h).map_or(0, |sf| sf.info.version_major))
        })
    }
}

/// `pcap_minor_version`: the savefile format's minor version (0 for other handles).
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_minor_version(p: *mut PcapT) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap(p, 0, |h| {
            Ok(savefile(h).map_or(0, |sf| sf.info.version_minor))
        })
    }
}
