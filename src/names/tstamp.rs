//! Timestamp types (`PCAP_TSTAMP_*`): their names and descriptions as libpcap 1.10.3 gives
//! them (measured: six types, values 0-5, names compared case-insensitively like link types).

pub use super::Named as TimestampType;

/// `PCAP_TSTAMP_HOST`: the host's clock, precision unspecified.
pub const HOST: i32 = 0;
/// `PCAP_TSTAMP_HOST_LOWPREC`.
pub const HOST_LOWPREC: i32 = 1;
/// `PCAP_TSTAMP_HOST_HIPREC`.
pub const HOST_HIPREC: i32 = 2;
/// `PCAP_TSTAMP_ADAPTER`.
pub const ADAPTER: i32 = 3;
/// `PCAP_TSTAMP_ADAPTER_UNSYNCED`.
pub const ADAPTER_UNSYNCED: i32 = 4;
/// `PCAP_TSTAMP_HOST_HIPREC_UNSYNCED`.
pub const HOST_HIPREC_UNSYNCED: i32 = 5;

/// Every timestamp type libpcap names, in value order.
pub static TABLE: &[TimestampType] = &[
    TimestampType::new(HOST, "host\0", "Host\0"),
    TimestampType::new(HOST_LOWPREC, "host_lowprec\0", "Host, low precision\0"),
    TimestampType::new(HOST_HIPREC, "host_hiprec\0", "Host, high precision\0"),
    TimestampType::new(ADAPTER, "adapter\0", "Adapter\0"),
    TimestampType::new(
        ADAPTER_UNSYNCED,
        "adapter_unsynced\0",
        "Adapter, not synced with system time\0",
    ),
    TimestampType::new(
        HOST_HIPREC_UNSYNCED,
        "host_hiprec_unsynced\0",
        "Host, high precision, not synced with system time\0",
    ),
];

/// The timestamp type with this value, if libpcap names it.
pub fn by_value(value: i32) -> Option<&'static TimestampType> {
    TABLE.iter().find(|t| t.value == value)
}

/// The timestamp type with this name (ASCII case-insensitive).
pub fn by_name(name: &str) -> Option<&'static TimestampType> {
    by_name_bytes(name.as_bytes())
}

/// [`by_name`] for bytes that need not be UTF-8 (a C caller's string).
pub fn by_name_bytes(name: &[u8]) -> Option<&'static TimestampType> {
    super::find_by_name(TABLE, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_fold_case() {
        for t in TABLE {
            assert_eq!(by_value(t.value).map(|x| x.name()), Some(t.name()));
            assert_eq!(
                by_name(&t.name().to_ascii_uppercase()).map(|x| x.value),
                Some(t.value)
            );
        }
        assert_eq!(
            by_value(ADAPTER_UNSYNCED).map(|t| t.description()),
            Some("Adapter, not synced with system time")
        );
        assert!(by_value(6).is_none() && by_value(-1).is_none());
        assert!(by_name("hosts").is_none() && by_name("host ").is_none() && by_name("").is_none());
    }
}
