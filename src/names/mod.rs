//! Tables and strings libpcap exposes by value: link types ([`dlt`]), timestamp types
//! ([`tstamp`]), status-code descriptions ([`status`]), `strerror`, the library version
//! string; the process-wide options of `pcap_init` ([`init`]); and what a handle offers to
//! choose from ([`offer`]: `pcap_list_datalinks`, `pcap_set_datalink`, ...).
//!
//! Every text here was measured against the system libpcap 1.10.3 and is re-checked by the
//! ctests; every name and description is static and NUL-terminated, so `ffi` can return
//! pointers to it as libpcap returns pointers to its own constant strings.

use std::ffi::{c_char, CStr};

pub mod dlt;
pub mod ethers;
pub mod init;
pub mod offer;
pub mod status;
pub mod tstamp;

/// `pcap_lib_version()`: programs parse the leading "libpcap version 1.10.3".
pub const LIB_VERSION: &CStr = c"libpcap version 1.10.3 (oxpcap 0.1.0, with TPACKET_V3)";

/// A value with a name and a description, both static and NUL-terminated.
#[derive(Debug)]
pub struct Named {
    /// The numeric value (`DLT_*`, `PCAP_TSTAMP_*`).
    pub value: i32,
    name_nul: &'static str,
    description_nul: &'static str,
}

impl Named {
    /// An entry; both strings must end in their only NUL (checked when the table is built,
    /// which happens at compile time for the static tables).
    pub const fn new(value: i32, name_nul: &'static str, description_nul: &'static str) -> Named {
        assert!(nul_terminated_once(name_nul) && nul_terminated_once(description_nul));
        Named {
            value,
            name_nul,
            description_nul,
        }
    }

    /// The name, as the `*_val_to_name` call gives it.
    pub fn name(&self) -> &'static str {
        &self.name_nul[..self.name_nul.len() - 1]
    }

    /// The description, as the `*_val_to_description` call gives it.
    pub fn description(&self) -> &'static str {
        &self.description_nul[..self.description_nul.len() - 1]
    }

    /// The name as a static NUL-terminated C string.
    pub fn name_ptr(&self) -> *const c_char {
        self.name_nul.as_ptr().cast()
    }

    /// The description as a static NUL-terminated C string.
    pub fn description_ptr(&self) -> *const c_char {
        self.description_nul.as_ptr().cast()
    }
}

/// True when `s` ends in a NUL and has no other.
const fn nul_terminated_once(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || b[b.len() - 1] != 0 {
        return false;
    }
    let mut i = 0;
    while i < b.len() - 1 {
        if b[i] == 0 {
            return false;
        }
        i += 1;
    }
    true
}

/// Finds an entry by name the way libpcap compares names: ASCII letters case-insensitively,
/// every other byte exactly (measured: no byte outside A-Z/a-z folds onto a letter).
fn find_by_name<'t>(table: &'t [Named], name: &[u8]) -> Option<&'t Named> {
    table
        .iter()
        .find(|t| t.name().as_bytes().eq_ignore_ascii_case(name))
}

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
