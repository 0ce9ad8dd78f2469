//! The system libpcap inside a test binary that also holds ours: opened with
//! `dlopen("libpcap.so.0.8", RTLD_NOW | RTLD_LOCAL)` so that its symbols never mix with ours,
//! and its functions looked up by name with their C types.
#![allow(dead_code)]

use std::ffi::{c_void, CStr};

/// The system library's handle (never closed: kept for the process), or None when it is not
/// installed.
pub fn open_system_libpcap() -> Option<*mut c_void> {
    // SAFETY: dlopen with a valid C string; RTLD_LOCAL keeps its symbols out of ours.
    let lib = unsafe {
        libc::dlopen(
            c"libpcap.so.0.8".as_ptr(),
            libc::RTLD_NOW | libc::RTLD_LOCAL,
        )
    };
    (!lib.is_null()).then_some(lib)
}

/// `name` from `lib`, as the function pointer type `T`; panics when the symbol is missing
/// (the oracle is unusable then).
///
/// # Safety
/// `lib` is a live dlopen handle and `T` is the function pointer type pcap.h declares for
/// `name`.
pub unsafe fn sym<T: Copy>(lib: *mut c_void, name: &CStr) -> T {
    // SAFETY: lib is a live dlopen handle.
    let p = unsafe { libc::dlsym(lib, name.as_ptr()) };
    assert!(!p.is_null(), "system libpcap lacks {name:?}");
    assert_eq!(std::mem::size_of::<T>(), std::mem::size_of::<*mut c_void>());
    // SAFETY: T is a pointer-sized function pointer type for this symbol (caller's promise).
    unsafe { std::mem::transmute_copy(&p) }
}
