//! Writing savefiles: `pcap_dump_open`, `pcap_dump_fopen`, `pcap_dump_open_append`,
//! `pcap_dump`, `pcap_dump_flush`, `pcap_dump_ftell`, `pcap_dump_ftell64`, `pcap_dump_file`,
//! `pcap_dump_close`.
//!
//! As in libpcap, a `pcap_dumper_t *` is the `FILE *` it writes to: programs pass it to
//! `pcap_dump` as its `u_char *user` argument and some use it as a stream, so every write goes
//! through stdio and the caller's own use of the stream stays consistent.

use std::ffi::{c_char, c_int, c_long, CStr};
use std::ptr;

use super::{boundary, cstr, pcap_pkthdr, with_pcap, PcapT};
use crate::error::{Error, Result};
use crate::savefile::writer::{self, FILE_HEADER_LEN};

/// `pcap_dumper_t`: opaque to C, and really a `FILE`.
pub type PcapDumperT = libc::FILE;

extern "C" {
    /// The C library's standard output stream.
    static mut stdout: *mut libc::FILE;
}

fn c_stdout() -> *mut libc::FILE {
    // SAFETY: reading the pointer value of a C global the C library initialised.
    unsafe { ptr::addr_of!(stdout).read() }
}

fn last_os_error(context: &str) -> Error {
    Error::os(context, &std::io::Error::last_os_error())
}

/// Writes all of `bytes` as one stdio item; false if the stream refused.
///
/// # Safety
/// `f` is a live writable stream.
unsafe fn write_item(f: *mut libc::FILE, bytes: &[u8]) -> bool {
    // SAFETY: bytes is readable for its length; f is live.
    unsafe { libc::fwrite(bytes.as_ptr().cast(), bytes.len(), 1, f) == 1 }
}

/// Writes the handle's file header to `f`; on failure closes `f` (unless stdout).
///
/// # Safety
/// `f` is a live writable stream.
unsafe fn setup(
    h: &PcapT,
    linktype: u32,
    f: *mut libc::FILE,
    fname: &str,
) -> Result<*mut PcapDumperT> {
    let core = h.core();
    let header = writer::file_header(linktype, core.snaplen, core.precision);
    // SAFETY: forwarded from the caller.
    if unsafe { write_item(f, &header) } {
        return Ok(f);
    }
    let err = last_os_error(&format!("Can't write to {fname}"));
    if f != c_stdout() {
        // SAFETY: the stream was opened for this dumper and is not stdout.
        unsafe { libc::fclose(f) };
    }
    Err(err)
}

fn name_of(fname: Option<&CStr>) -> String {
    fname.map_or_else(
        || "(null)".to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// `pcap_dump_open`: a new savefile for the handle's packets ("-": standard output).
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `fname` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn pcap_dump_open(p: *mut PcapT, fname: *const c_char) -> *mut PcapDumperT {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap(p, ptr::null_mut(), |h| {
            let name = cstr(fname);
            let core = h.core();
            // Only pcap_dump_open checks this (measured: fopen and open_append do not).
            if !core.activated {
                return Err(Error::new(format!(
                    "{}: not-yet-activated pcap_t passed to pcap_dump_open",
                    name_of(name)
                )));
            }
            let linktype =
                writer::linktype_field(core.linktype, core.linktype_ext, &name_of(name))?;
            let Some(name) = name else {
                return Err(Error::new("A null pointer was supplied as the file name"));
            };
            if name.to_bytes() == b"-" {
                return setup(h, linktype, c_stdout(), "standard output");
            }
            let f = libc::fopen(name.as_ptr(), c"wb".as_ptr());
            if f.is_null() {
                return Err(last_os_error(&name.to_string_lossy()));
            }
            setup(h, linktype, f, &name.to_string_lossy())
        })
    }
}

/// `pcap_dump_fopen`: a new savefile on the caller's stream, closed by `pcap_dump_close`.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `f` is a live writable stream.
#[no_mangle]
pub unsafe extern "C" fn pcap_dump_fopen(p: *mut PcapT, f: *mut libc::FILE) -> *mut PcapDumperT {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap(p, ptr::null_mut(), |h| {
            let core = h.core();
            let linktype = writer::linktype_field(core.linktype, core.linktype_ext, "stream")?;
            if f.is_null() {
                return Err(Error::new("A null pointer was supplied as the file"));
            }
            setup(h, linktype, f, "stream")
        })
    }
}

/// `pcap_dump_open_append`: appends to a savefile whose header matches the handle (byte
/// order, precision, version 2.4, link type, snapshot length), or starts one.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `fname` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn pcap_dump_open_append(
    p: *mut PcapT,
    fname: *const c_char,
) -> *mut PcapDumperT {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap(p, ptr::null_mut(), |h| {
            let name = cstr(fname);
            let core = h.core();
            // Unlike pcap_dump_open, libpcap leaves the extension bits (FCS length) out of
            // both the header it writes and the one it compares with, and names the failed
            // conversion's -1 instead of the link type (measured).
            let linktype = writer::linktype_field(core.linktype, 0, &name_of(name))
                .map_err(|_| writer::unsupported_linktype(&name_of(name), -1))?;
            let Some(name) = name else {
                return Err(Error::new("A null pointer was supplied as the file name"));
            };
            if name.to_bytes() == b"-" {
                return setup(h, linktype, c_stdout(), "standard output");
            }
            let shown = name.to_string_lossy();
            let f = libc::fopen(name.as_ptr(), c"ab+".as_ptr());
            if f.is_null() {
                return Err(last_os_error(&shown));
            }
            let checked = append_to(h, f, linktype, &shown);
            if checked.is_err() {
                libc::fclose(f);
            }
            checked
        })
    }
}

/// Checks (or writes) the header of a stream opened for appending, then seeks to its end.
///
/// # Safety
/// `f` is a live stream opened "ab+".
unsafe fn append_to(
    h: &PcapT,
    f: *mut libc::FILE,
    linktype: u32,
    fname: &str,
) -> Result<*mut PcapDumperT> {
    // SAFETY: f is live (all calls below).
    unsafe {
        if libc::fseek(f, 0, libc::SEEK_SET) == -1 {
            return Err(last_os_error(&format!(
                "Can't seek to the beginning of {fname}"
            )));
        }
        let mut existing = [0u8; FILE_HEADER_LEN];
        let got = libc::fread(existing.as_mut_ptr().cast(), 1, FILE_HEADER_LEN, f);
        if got != FILE_HEADER_LEN {
            if libc::ferror(f) != 0 {
                return Err(last_os_error(fname));
            }
            if libc::feof(f) != 0 && got > 0 {
                return Err(Error::new(format!("{fname}: truncated pcap file header")));
            }
        }
        let core = h.core();
        if got > 0 {
            writer::check_append(&existing, linktype, core.snaplen, core.precision, fname)?;
        } else {
            let header = writer::file_header(linktype, core.snaplen, core.precision);
            if !write_item(f, &header) {
                return Err(last_os_error(&format!("Can't write to {fname}")));
            }
        }
        if libc::fseek(f, 0, libc::SEEK_END) == -1 {
            return Err(last_os_error(&format!("Can't seek to the end of {fname}")));
        }
        Ok(f)
    }
}

/// `pcap_dump`: appends one record; `user` is the dumper. Nothing is written once the
/// stream has an error, and the data only if its header was written.
///
/// # Safety
/// `user` is a dumper; `h` a valid header; `sp` points to `h->caplen` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn pcap_dump(user: *mut u8, h: *const pcap_pkthdr, sp: *const u8) {
    boundary((), || {
        let f = user.cast::<libc::FILE>();
        // SAFETY: the caller passes a live dumper and a valid header and data.
        unsafe {
            if f.is_null() || h.is_null() || libc::ferror(f) != 0 {
                return;
            }
            let h = &*h;
            // time_t and suseconds_t are i64 here but not on every target.
            #[allow(clippy::unnecessary_cast)]
            let header =
                writer::record_header(h.ts.tv_sec as i64, h.ts.tv_usec as i64, h.caplen, h.len);
            if write_item(f, &header) {
                libc::fwrite(sp.cast(), h.caplen as usize, 1, f);
            }
        }
    })
}

/// `pcap_dump_flush`: 0, or -1 if the stream could not be flushed.
///
/// # Safety
/// `p` is a live dumper.
#[no_mangle]
pub unsafe extern "C" fn pcap_dump_flush(p: *mut PcapDumperT) -> c_int {
    // SAFETY: forwarded from the caller.
    boundary(-1, || {
        if unsafe { libc::fflush(p) } == libc::EOF {
            -1
        } else {
            0
        }
    })
}

/// `pcap_dump_ftell`: the stream's position.
///
/// # Safety
/// `p` is a live dumper.
#[no_mangle]
pub unsafe extern "C" fn pcap_dump_ftell(p: *mut PcapDumperT) -> c_long {
    // SAFETY: forwarded from the caller.
    boundary(-1, || unsafe { libc::ftell(p) })
}

/// `pcap_dump_ftell64`: the stream's position, 64-bit.
///
/// # Safety
/// `p` is a live dumper.
#[no_mangle]
pub unsafe extern "C" fn pcap_dump_ftell64(p: *mut PcapDumperT) -> i64 {
    // SAFETY: forwarded from the caller.
    boundary(-1, || unsafe { libc::ftello(p) })
}

/// `pcap_dump_file`: the dumper's stream.
#[no_mangle]
pub extern "C" fn pcap_dump_file(p: *mut PcapDumperT) -> *mut libc::FILE {
    p
}

/// `pcap_dump_close`: flushes and closes the stream.
///
/// # Safety
/// `p` is a live dumper, not used again.
#[no_mangle]
pub unsafe extern "C" fn pcap_dump_close(p: *mut PcapDumperT) {
    // SAFETY: forwarded from the caller.
    boundary((), || {
        unsafe { libc::fclose(p) };
    })
}
