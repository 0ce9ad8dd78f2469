//! The C ABI: the only module with `#[no_mangle]` functions.
//!
//! Every exported function is boring on purpose: check pointers, borrow the handle, call the
//! safe core, map the result to libpcap's return value and error text. Three helpers do that,
//! and every function uses them the same way:
//!
//! - [`boundary`] runs a body and turns a panic into the call's error value, so no panic ever
//!   unwinds into C; [`with_pcap`] and [`with_errbuf`] are built on it.
//! - [`write_errbuf`] writes a message into a caller's `PCAP_ERRBUF_SIZE` buffer, truncated
//!   safely and always NUL-terminated.
//! - [`PcapT::from_ptr`] (via [`with_pcap`]) borrows a `pcap_t`; [`cstr`] borrows a C string.
//!
//! A `pcap_t *` points to a [`PcapT`]: the core [`Pcap`] in an `UnsafeCell` (used by one
//! thread at a time, as libpcap requires), the loop signals that `pcap_breakloop` may raise
//! from any thread, and the C-visible buffers libpcap hands out pointers to (the error
//! message, `pcap_next`'s header).

use std::cell::UnsafeCell;
use std::ffi::{c_char, c_int, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use crate::error::{status, Error, Result};
use crate::handle::{LoopSignals, Pcap};

pub mod capture;
pub mod compile;
pub mod devices;
pub mod dump;
pub mod ext;
pub mod filter;
pub mod handle;
pub mod live;
pub mod names;
pub mod nametab;
pub mod savefile;
pub mod types;

pub use types::*;

/// The size of every error buffer libpcap hands a caller, or takes from one.
pub const PCAP_ERRBUF_SIZE: usize = 256;

/// What a C `pcap_t *` points to.
pub struct PcapT {
    core: UnsafeCell<Pcap>,
    /// A second owner of the core's signals, reachable without borrowing the core, so that
    /// `pcap_breakloop` from another thread never aliases the loop's `&mut Pcap`.
    signals: Arc<LoopSignals>,
    errbuf: UnsafeCell<[c_char; PCAP_ERRBUF_SIZE]>,
    /// The header `pcap_next`/`pcap_next_ex` return a pointer to.
    next_header: UnsafeCell<pcap_pkthdr>,
}

impl PcapT {
    /// Boxes a core handle for C; the pointer is released by [`PcapT::free`].
    pub fn into_raw(core: Pcap) -> *mut PcapT {
        let signals = Arc::clone(&core.signals);
        Box::into_raw(Box::new(PcapT {
            core: UnsafeCell::new(core),
            signals,
            errbuf: UnsafeCell::new([0; PCAP_ERRBUF_SIZE]),
            next_header: UnsafeCell::new(pcap_pkthdr::default()),
        }))
    }

    /// Borrows the handle behind a C pointer; None for NULL.
    ///
    /// # Safety
    /// `p` is NULL or a pointer returned by [`PcapT::into_raw`] and not yet freed.
    pub unsafe fn from_ptr<'a>(p: *mut PcapT) -> Option<&'a PcapT> {
        // SAFETY: the caller guarantees p is NULL or live.
        unsafe { p.as_ref() }
    }

    /// Releases a handle made by [`PcapT::into_raw`]; NULL is ignored.
    ///
    /// # Safety
    /// `p` is NULL or a live pointer from `into_raw`, not used again afterwards.
    pub unsafe fn free(p: *mut PcapT) {
        if !p.is_null() {
            // SAFETY: the caller hands over ownership of a pointer made by Box::into_raw.
            drop(unsafe { Box::from_raw(p) });
        }
    }

    /// The core handle, mutably.
    ///
    /// A `pcap_t` is used by one thread at a time (libpcap's contract, which we inherit), and
    /// no caller in `ffi` keeps the returned borrow across a call into C code, so no two
    /// `&mut Pcap` to the same handle exist at once.
    #[allow(clippy::mut_from_ref)]
    pub fn core(&self) -> &mut Pcap {
        // SAFETY: see above: single-threaded use and no borrow held across callbacks.
        unsafe { &mut *self.core.get() }
    }

    /// The loop signals, shared with any thread.
    pub fn signals(&self) -> &LoopSignals {
        &self.signals
    }

    /// The handle's error buffer, as `pcap_geterr` returns it.
    pub fn errbuf_ptr(&self) -> *mut c_char {
        self.errbuf.get().cast()
    }

    /// Sets the text `pcap_geterr` returns.
    pub fn set_error(&self, msg: &str) {
        // SAFETY: errbuf is PCAP_ERRBUF_SIZE bytes owned by this handle.
        unsafe { write_errbuf(self.errbuf_ptr(), msg) }
    }

    /// The header storage `pcap_next`/`pcap_next_ex` point callers to.
    pub fn next_header_ptr(&self) -> *mut pcap_pkthdr {
        self.next_header.get()
    }
}

/// Runs `body`; a panic becomes `on_panic` instead of unwinding into C.
pub fn boundary<R>(on_panic: R, body: impl FnOnce() -> R) -> R {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(on_panic)
}

/// The message a panic leaves in an error buffer.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown panic");
    format!("oxpcap internal error: {what}")
}

/// The calls that take a `pcap_t`: NULL gives `fail`; an `Err` or a panic leaves its message
/// in the handle's error buffer and gives `fail`.
///
/// # Safety
/// `p` is NULL or a live `pcap_t` from this library.
#[inline]
pub unsafe fn with_pcap<R: Copy>(
    p: *mut PcapT,
    fail: R,
    body: impl FnOnce(&PcapT) -> Result<R>,
) -> R {
    // SAFETY: forwarded from the caller.
    let Some(handle) = (unsafe { PcapT::from_ptr(p) }) else {
        return fail;
    };
    match catch_unwind(AssertUnwindSafe(|| body(handle))) {
        Ok(Ok(value)) => value,
        Ok(Err(err)) => {
            handle.set_error(&err.msg);
            fail
        }
        Err(payload) => {
            handle.set_error(&panic_message(&*payload));
            fail
        }
    }
}

/// Like [`with_pcap`] for calls that return libpcap's status codes: an `Err` gives its own
/// status (PCAP_ERROR for a panic or a NULL handle).
///
/// # Safety
/// `p` is NULL or a live `pcap_t` from this library.
pub unsafe fn with_pcap_status(p: *mut PcapT, body: impl FnOnce(&PcapT) -> Result<c_int>) -> c_int {
    // SAFETY: forwarded from the caller.
    let Some(handle) = (unsafe { PcapT::from_ptr(p) }) else {
        return status::ERROR;
    };
    match catch_unwind(AssertUnwindSafe(|| body(handle))) {
        Ok(Ok(value)) => value,
        Ok(Err(err)) => {
            handle.set_error(&err.msg);
            err.status
        }
        Err(payload) => {
            handle.set_error(&panic_message(&*payload));
            status::ERROR
        }
    }
}

/// The calls that take a caller's error buffer: an `Err` or a panic writes its message there
/// (when the buffer is not NULL) and gives `fail`.
///
/// # Safety
/// `errbuf` is NULL or points to at least `PCAP_ERRBUF_SIZE` writable bytes.
pub unsafe fn with_errbuf<R>(errbuf: *mut c_char, fail: R, body: impl FnOnce() -> Result<R>) -> R {
    let err = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => return value,
        Ok(Err(err)) => err,
        Err(payload) => Error::new(panic_message(&*payload)),
    };
    // SAFETY: forwarded from the caller.
    unsafe { write_errbuf(errbuf, &err.msg) };
    fail
}

/// Copies `msg` into a `PCAP_ERRBUF_SIZE` buffer: truncated to 255 bytes, NUL-terminated.
/// A NULL buffer is ignored.
///
/// # Safety
/// `buf` is NULL or points to at least `PCAP_ERRBUF_SIZE` writable bytes.
pub unsafe fn write_errbuf(buf: *mut c_char, msg: &str) {
    if buf.is_null() {
        return;
    }
    let bytes = msg.as_bytes();
    let n = bytes.len().min(PCAP_ERRBUF_SIZE - 1);
    // SAFETY: buf has room for PCAP_ERRBUF_SIZE bytes and n < PCAP_ERRBUF_SIZE; msg and the
    // caller's buffer cannot overlap (msg is a Rust string).
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), buf.cast::<u8>(), n);
        *buf.add(n) = 0;
    }
}

/// Borrows a C string; None for NULL.
///
/// # Safety
/// `s` is NULL or a NUL-terminated string that outlives `'a`.
pub unsafe fn cstr<'a>(s: *const c_char) -> Option<&'a CStr> {
    if s.is_null() {
        None
    } else {
        // SAFETY: non-NULL and NUL-terminated, by the caller's guarantee.
        Some(unsafe { CStr::from_ptr(s) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errbuf_is_truncated_and_terminated() {
        let mut buf = [1 as c_char; PCAP_ERRBUF_SIZE + 8];
        let long = "x".repeat(1000);
        unsafe { write_errbuf(buf.as_mut_ptr(), &long) };
        assert_eq!(buf[PCAP_ERRBUF_SIZE - 1], 0);
        assert_eq!(buf[PCAP_ERRBUF_SIZE - 2], b'x' as c_char);
        assert_eq!(buf[PCAP_ERRBUF_SIZE], 1, "wrote past the buffer");
    }

    #[test]
    fn panic_becomes_error_value() {
        let r = boundary(-1, || -> i32 { panic!("boom") });
        assert_eq!(r, -1);
        let mut buf = [0 as c_char; PCAP_ERRBUF_SIZE];
        let r: i32 =
            unsafe { with_errbuf(buf.as_mut_ptr(), -1, || -> Result<i32> { panic!("kaboom") }) };
        assert_eq!(r, -1);
        let text = unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap();
        assert_eq!(text, "oxpcap internal error: kaboom");
    }
}
