//! `pcap_statustostr`: the text libpcap 1.10.3 gives each `PCAP_ERROR*`/`PCAP_WARNING*` code
//! (measured over -20..=5 and the extremes of `int`).

use std::borrow::Cow;
use std::ffi::CStr;

use crate::error::status;

/// The fixed description of a status code libpcap knows, as a static C string; None for any other value
/// (including 0, which libpcap treats as unknown).
pub fn known(code: i32) -> Option<&'static CStr> {
    Some(match code {
        status::WARNING => c"Generic warning",
        status::WARNING_TSTAMP_TYPE_NOTSUP => {
            c"That type of time stamp is not supported by that device"
        }
        status::WARNING_PROMISC_NOTSUP => c"That device doesn't support promiscuous mode",
        status::ERROR => c"Generic error",
        status::BREAK => c"Loop terminated by pcap_breakloop",
        status::NOT_ACTIVATED => c"The pcap_t has not been activated",
        status::ACTIVATED => c"The setting can't be changed after the pcap_t is activated",
        status::NO_SUCH_DEVICE => c"No such device exists",
        status::RFMON_NOTSUP => c"That device doesn't support monitor mode",
        status::NOT_RFMON => c"That operation is supported only in monitor mode",
        status::PERM_DENIED => c"You don't have permission to perform this capture on that device",
        status::IFACE_NOT_UP => c"That device is not up",
        status::CANTSET_TSTAMP_TYPE => c"That device doesn't support setting the time stamp type",
        status::PROMISC_PERM_DENIED => {
            c"You don't have permission to capture in promiscuous mode on that device"
        }
        status::TSTAMP_PRECISION_NOTSUP => c"That device doesn't support that time stamp precision",
        _ => return None,
    })
}

/// The whole text for any code: the fixed description, or "Unknown error: <code>" (which
/// libpcap then cuts to fit its buffer; `ffi` does the same).
pub fn describe(code: i32) -> Cow<'static, str> {
    match known(code) {
        Some(text) => text.to_string_lossy(),
        None => format!("Unknown error: {code}").into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_codes() {
        assert_eq!(
            describe(-12),
            "That device doesn't support that time stamp precision"
        );
        assert_eq!(
            describe(3),
            "That type of time stamp is not supported by that device"
        );
        assert_eq!(describe(0), "Unknown error: 0");
        assert_eq!(describe(-13), "Unknown error: -13");
        assert_eq!(describe(i32::MIN), "Unknown error: -2147483648");
        assert_eq!((-12..=3).filter(|&c| known(c).is_some()).count(), 15);
    }
}
