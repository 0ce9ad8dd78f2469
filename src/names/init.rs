//! `pcap_init`'s process-wide options, as libpcap 1.10.3 keeps them (measured):
//!
//! - options other than `PCAP_CHAR_ENC_LOCAL` (0) and `PCAP_CHAR_ENC_UTF_8` (1) fail with
//!   "Unknown options specified" and change nothing, whatever came before;
//! - the first valid call fixes the encoding; repeating it succeeds, a different one fails
//!   with "Multiple pcap_init calls with different character encodings";
//! - once any valid call was made the program uses the "new API": `pcap_lookupdev` refuses
//!   ("pcap_lookupdev() is deprecated and is not supported in programs calling pcap_init()").
//! - On Linux the encoding changes no message libpcap produces (strerror texts, file errors
//!   were compared under both settings); [`utf8`] records it for callers that care.
//!
//! The state is one atomic, so concurrent first calls agree on a single winner.

use std::sync::atomic::{AtomicU8, Ordering};

use crate::error::{Error, Result};

/// `PCAP_CHAR_ENC_LOCAL`.
pub const CHAR_ENC_LOCAL: u32 = 0;
/// `PCAP_CHAR_ENC_UTF_8`.
pub const CHAR_ENC_UTF_8: u32 = 1;

const NOT_CALLED: u8 = 0;
const LOCAL: u8 = 1;
const UTF8: u8 = 2;

static STATE: AtomicU8 = AtomicU8::new(NOT_CALLED);

/// `pcap_init(opts)`.
pub fn init(opts: u32) -> Result<()> {
    let wanted = match opts {
        CHAR_ENC_LOCAL => LOCAL,
        CHAR_ENC_UTF_8 => UTF8,
        _ => return Err(Error::new("Unknown options specified")),
    };
    // AcqRel/Acquire: a thread that sees the state also sees everything its setter did first.
    match STATE.compare_exchange(NOT_CALLED, wanted, Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => Ok(()),
        Err(current) if current == wanted => Ok(()),
        Err(_) => Err(Error::new(
            "Multiple pcap_init calls with different character encodings",
        )),
    }
}

/// Whether `pcap_init` succeeded at least once (the program uses the "new API").
pub fn called() -> bool {
    STATE.load(Ordering::Acquire) != NOT_CALLED
}

/// Whether the program asked for UTF-8 strings.
pub fn utf8() -> bool {
    STATE.load(Ordering::Acquire) == UTF8
}

#[cfg(test)]
mod tests {
    use super::*;

    // One test, because the state is process-wide.
    #[test]
    fn first_valid_call_wins() {
        assert_eq!(init(2).unwrap_err().msg, "Unknown options specified");
        assert!(!called());
        init(CHAR_ENC_UTF_8).unwrap();
        init(CHAR_ENC_UTF_8).unwrap();
        assert!(called() && utf8());
        let err = init(CHAR_ENC_LOCAL).unwrap_err();
        assert_eq!(
            err.msg,
            "Multiple pcap_init calls with different character encodings"
        );
        assert_eq!(init(u32::MAX).unwrap_err().msg, "Unknown options specified");
        assert!(utf8());
    }
}
