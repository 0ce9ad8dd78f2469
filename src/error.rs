//! The one error type of the core: libpcap's status code plus the message libpcap would put
//! in the handle's error buffer. `ffi` turns it into a return value and errbuf text.

use std::fmt;

/// libpcap's status codes (`PCAP_ERROR*` and `PCAP_WARNING*` in pcap/pcap.h).
pub mod status {
    pub const ERROR: i32 = -1;
    pub const BREAK: i32 = -2;
    pub const NOT_ACTIVATED: i32 = -3;
    pub const ACTIVATED: i32 = -4;
    pub const NO_SUCH_DEVICE: i32 = -5;
    pub const RFMON_NOTSUP: i32 = -6;
    pub const NOT_RFMON: i32 = -7;
    pub const PERM_DENIED: i32 = -8;
    pub const IFACE_NOT_UP: i32 = -9;
    pub const CANTSET_TSTAMP_TYPE: i32 = -10;
    pub const PROMISC_PERM_DENIED: i32 = -11;
    pub const TSTAMP_PRECISION_NOTSUP: i32 = -12;
    pub const WARNING: i32 = 1;
    pub const WARNING_PROMISC_NOTSUP: i32 = 2;
    pub const WARNING_TSTAMP_TYPE_NOTSUP: i32 = 3;
}

/// A failed call: the status libpcap returns and the text it leaves in the error buffer.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    pub status: i32,
    pub msg: String,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// A generic failure (`PCAP_ERROR`) with libpcap's message text.
    pub fn new(msg: impl Into<String>) -> Self {
        Error {
            status: status::ERROR,
            msg: msg.into(),
        }
    }

    /// A failure with a specific status code.
    pub fn with_status(status: i32, msg: impl Into<String>) -> Self {
        Error {
            status,
            msg: msg.into(),
        }
    }

    /// libpcap's "<context>: <strerror(errno)>" form for a failed system call.
    pub fn os(context: &str, err: &std::io::Error) -> Self {
        Error::new(format!(
            "{context}: {}",
            crate::names::strerror(os_errno(err))
        ))
    }
}

/// The errno of an I/O error, or EIO when it has none.
pub fn os_errno(err: &std::io::Error) -> i32 {
    err.raw_os_error().unwrap_or(libc::EIO)
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({}, {:?})", self.status, self.msg)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

impl std::error::Error for Error {}
