//! Tables and strings libpcap exposes by value: status-code descriptions, `strerror`,
//! the library version string.

use std::ffi::CStr;

/// `pcap_lib_version()`: programs parse the leading "libpcap version 1.10.3".
pub const LIB_VERSION: &CStr = c"libpcap version 1.10.3 (oxpcap 0.1.0, with TPACKET_V3)";

/// `pcap_strerror(errnum)`: the C library's message for an errno value.
pub fn strerror(errnum: i32) -> String {
    let mut buf = [0 as libc::c_char; 256];
    // SAFETY: the XSI strerror_r writes at most buf.len() bytes, NUL-terminated, into buf.
    let rc = unsafe { libc::strerror_r(errnum, buf.as_mut_ptr(), buf.len()) };
    if rc != 0 {
        return format!("Unknown error {errnum}");
    }
    // SAFETY: strerror_r succeeded, so buf holds a NUL-terminated string.
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}
pub mod netdb;
