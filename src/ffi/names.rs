//! Link-type and timestamp-type names, status strings, `pcap_init`, and what a handle offers
//! (`pcap_list_datalinks`, `pcap_set_datalink`, ...).
//!
//! Names and descriptions are static strings, returned by pointer as libpcap returns its
//! own. The two calls that format text for unknown values (`pcap_statustostr`,
//! `pcap_datalink_val_to_description_or_dlt`) write, like libpcap 1.10.3, into one buffer
//! per call shared by the whole process (measured: same address from every thread, each call
//! overwrites the previous text, the pointer stays valid after the thread that got it exits).
//! Lists are `malloc`ed, so `pcap_free_datalinks` and a plain `free()` both release them.

use std::ffi::{c_char, c_int, c_uint};
use std::ptr;
use std::sync::atomic::{AtomicU8, Ordering};

use super::{boundary, cstr, with_errbuf, with_pcap, with_pcap_status, PcapT};
use crate::error::{status, Error, Result};
use crate::names::{dlt, init, status as status_text, tstamp};

/// A process-wide text buffer handed to C, overwritten by each call that formats into it.
/// Bytes are atomics so that concurrent writers are defined behaviour on our side; a C reader
/// racing a writer sees mixed text, exactly as with libpcap's plain static buffer.
struct SharedText<const N: usize>([AtomicU8; N]);

impl<const N: usize> SharedText<N> {
    const fn new() -> Self {
        SharedText([const { AtomicU8::new(0) }; N])
    }

    /// Stores `text` (ASCII), cut to `N - 1` bytes and NUL-terminated; returns the buffer.
    fn set(&self, text: &str) -> *const c_char {
        let bytes = &text.as_bytes()[..text.len().min(N - 1)];
        // Relaxed: the buffer publishes nothing else; the caller reads it on its own thread.
        for (slot, &b) in self.0.iter().zip(bytes) {
            slot.store(b, Ordering::Relaxed);
        }
        self.0[bytes.len()].store(0, Ordering::Relaxed);
        self.0.as_ptr().cast()
    }
}

/// `pcap_statustostr`'s buffer: 26 bytes, measured by libpcap cutting
/// "Unknown error: -2147483648" to its first 25 characters.
static STATUS_TEXT: SharedText<26> = SharedText::new();

/// `pcap_datalink_val_to_description_or_dlt`'s buffer; holds the longest, "DLT -2147483648".
static DLT_TEXT: SharedText<16> = SharedText::new();

/// `pcap_datalink_name_to_val`: the value of a link-type name (no `DLT_` prefix, any ASCII
/// case), or -1. NULL gives -1 (libpcap would crash).
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn pcap_datalink_name_to_val(name: *const c_char) -> c_int {
    boundary(-1, || {
        // SAFETY: forwarded from the caller.
        let name = unsafe { cstr(name) };
        name.and_then(|n| dlt::by_name_bytes(n.to_bytes()))
            .map_or(-1, |t| t.value)
    })
}

/// `pcap_datalink_val_to_name`: the name of a link type, or NULL.
#[no_mangle]
pub extern "C" fn pcap_datalink_val_to_name(linktype: c_int) -> *const c_char {
    boundary(ptr::null(), || {
        dlt::by_value(linktype).map_or(ptr::null(), |t| t.name_ptr())
    })
}

/// `pcap_datalink_val_to_description`: the description of a link type, or NULL.
#[no_mangle]
pub extern "C" fn pcap_datalink_val_to_description(linktype: c_int) -> *const c_char {
    boundary(ptr::null(), || {
        dlt::by_value(linktype).map_or(ptr::null(), |t| t.description_ptr())
    })
}

/// `pcap_datalink_val_to_description_or_dlt`: the description (the same static string
/// `pcap_datalink_val_to_description` returns), or "DLT <n>" in the shared buffer.
#[no_mangle]
pub extern "C" fn pcap_datalink_val_to_description_or_dlt(linktype: c_int) -> *const c_char {
    boundary(ptr::null(), || match dlt::by_value(linktype) {
        Some(t) => t.description_ptr(),
        None => DLT_TEXT.set(&dlt::description_or_dlt(linktype)),
    })
}

/// `pcap_tstamp_type_name_to_val`: the value of a timestamp-type name (any ASCII case), or
/// `PCAP_ERROR`. NULL gives `PCAP_ERROR` (libpcap would crash).
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn pcap_tstamp_type_name_to_val(name: *const c_char) -> c_int {
    boundary(status::ERROR, || {
        // SAFETY: forwarded from the caller.
        let name = unsafe { cstr(name) };
        name.and_then(|n| tstamp::by_name_bytes(n.to_bytes()))
            .map_or(status::ERROR, |t| t.value)
    })
}

/// `pcap_tstamp_type_val_to_name`: the name of a timestamp type, or NULL.
#[no_mangle]
pub extern "C" fn pcap_tstamp_type_val_to_name(tstamp_type: c_int) -> *const c_char {
    boundary(ptr::null(), || {
        tstamp::by_value(tstamp_type).map_or(ptr::null(), |t| t.name_ptr())
    })
}

/// `pcap_tstamp_type_val_to_description`: the description of a timestamp type, or NULL.
#[no_mangle]
pub extern "C" fn pcap_tstamp_type_val_to_description(tstamp_type: c_int) -> *const c_char {
    boundary(ptr::null(), || {
        tstamp::by_value(tstamp_type).map_or(ptr::null(), |t| t.description_ptr())
    })
}

/// `pcap_statustostr`: the text of a status code; unknown codes are formatted into the
/// shared buffer.
#[no_mangle]
pub extern "C" fn pcap_statustostr(code: c_int) -> *const c_char {
    boundary(ptr::null(), || match status_text::known(code) {
        Some(text) => text.as_ptr(),
        None => STATUS_TEXT.set(&status_text::describe(code)),
    })
}

/// `pcap_init`: the process-wide options; see [`crate::names::init`].
///
/// # Safety
/// `errbuf` is NULL or points to `PCAP_ERRBUF_SIZE` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn pcap_init(opts: c_uint, errbuf: *mut c_char) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { with_errbuf(errbuf, status::ERROR, || init::init(opts).map(|()| 0)) }
}

/// `pcap_datalink_ext`: the extension bits of the handle's link-type field.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_datalink_ext(p: *mut PcapT) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { with_pcap(p, status::ERROR, |h| Ok(h.core().linktype_ext)) }
}

/// `pcap_bufsize`: the handle's buffer size.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_bufsize(p: *mut PcapT) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { with_pcap(p, status::ERROR, |h| Ok(h.core().bufsize())) }
}

/// `pcap_set_datalink`: 0, or `PCAP_ERROR` with libpcap's message.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`.
#[no_mangle]
pub unsafe extern "C" fn pcap_set_datalink(p: *mut PcapT, linktype: c_int) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { with_pcap_status(p, |h| h.core().set_datalink(linktype).map(|()| 0)) }
}

/// `pcap_list_datalinks`: stores a `malloc`ed array of link types in `*list` and returns
/// its length.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `list` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn pcap_list_datalinks(p: *mut PcapT, list: *mut *mut c_int) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { with_pcap_status(p, |h| store_list(h.core().datalinks()?, list)) }
}

/// `pcap_free_datalinks`: releases a list from `pcap_list_datalinks`; NULL is ignored.
///
/// # Safety
/// `list` is NULL or a list from `pcap_list_datalinks`, not used again.
#[no_mangle]
pub unsafe extern "C" fn pcap_free_datalinks(list: *mut c_int) {
    // SAFETY: the list was malloc'ed by store_list (free(NULL) does nothing).
    boundary((), || unsafe { libc::free(list.cast()) })
}

/// `pcap_list_tstamp_types`: stores a `malloc`ed array of timestamp types in `*list` and
/// returns its length.
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `list` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn pcap_list_tstamp_types(p: *mut PcapT, list: *mut *mut c_int) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe { with_pcap_status(p, |h| store_list(h.core().tstamp_types()?, list)) }
}

/// `pcap_free_tstamp_types`: releases a list from `pcap_list_tstamp_types`; NULL is ignored.
///
/// # Safety
/// `list` is NULL or a list from `pcap_list_tstamp_types`, not used again.
#[no_mangle]
pub unsafe extern "C" fn pcap_free_tstamp_types(list: *mut c_int) {
    // SAFETY: the list was malloc'ed by store_list (free(NULL) does nothing).
    boundary((), || unsafe { libc::free(list.cast()) })
}

/// Copies `values` into a `malloc`ed array stored in `*out`; returns the count. A NULL `out`
/// gives `PCAP_ERROR` and leaves the error text alone (libpcap would crash).
///
/// # Safety
/// `out` is NULL or writable.
unsafe fn store_list(values: Vec<i32>, out: *mut *mut c_int) -> Result<c_int> {
    if out.is_null() {
        return Ok(status::ERROR);
    }
    let count = c_int::try_from(values.len()).map_err(|_| Error::new("too many entries"))?;
    // SAFETY: malloc of a non-zero size; the result is checked for NULL before use.
    let array = unsafe { libc::malloc(std::mem::size_of::<c_int>() * values.len().max(1)) };
    if array.is_null() {
        return Err(Error::new(format!(
            "malloc: {}",
            crate::names::strerror(libc::ENOMEM)
        )));
    }
    let array = array.cast::<c_int>();
    // SAFETY: array has room for values.len() ints; out is writable (caller's guarantee).
    unsafe {
        ptr::copy_nonoverlapping(values.as_ptr(), array, values.len());
        *out = array;
    }
    Ok(count)
}
