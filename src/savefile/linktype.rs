//! Link types in files versus DLT_ values in handles, and libpcap's per-link-type limit on
//! packet size. The tables were observed from libpcap 1.10.3 (every value written and read
//! back), not copied from anywhere.

/// The bits of a file's link-type field that name the link type; the rest (FCS length and
/// reserved bits) is the extension `pcap_datalink_ext` reports.
pub const LINKTYPE_MASK: u32 = 0x03FF_FFFF;

/// The LINKTYPE_ values whose DLT_ value differs, as (DLT_, LINKTYPE_).
const RENUMBERED: [(i32, u32); 5] = [(11, 100), (12, 101), (15, 102), (16, 103), (19, 106)];

/// DLT_ values written unchanged to files, besides those of [`RENUMBERED`].
fn writes_unchanged(dlt: i32) -> bool {
    matches!(dlt, 0..=10 | 50 | 51 | 99 | 104..=289)
}

/// The DLT_ value a handle reports for a file's link type (extension bits removed).
pub fn linktype_to_dlt(linktype: u32) -> i32 {
    RENUMBERED
        .iter()
        .find(|&&(_, lt)| lt == linktype)
        .map_or(linktype as i32, |&(dlt, _)| dlt)
}

/// The LINKTYPE_ value a file records for a handle's DLT_ value; None if files cannot carry it.
pub fn dlt_to_linktype(dlt: i32) -> Option<u32> {
    if writes_unchanged(dlt) {
        return Some(dlt as u32);
    }
    RENUMBERED
        .iter()
        .find(|&&(d, _)| d == dlt)
        .map(|&(_, lt)| lt)
}

/// libpcap's largest packet for a link type: a caplen above it marks a damaged file, and a
/// snapshot length of 0 or above it is replaced by it.
pub fn max_snaplen_for_dlt(dlt: i32) -> u32 {
    match dlt {
        231 => 128 * 1024 * 1024, // DLT_DBUS
        279 => 8 * 1024 * 1024,   // DLT_EBHSCR
        249 => 1024 * 1024,       // DLT_USBPCAP
        _ => 262_144,
    }
}

/// The snapshot length a handle reports for a file's: libpcap replaces a value that is not
/// positive as a C `int` by the link type's maximum, and keeps every other (measured: 300000
/// stays 300000 on Ethernet).
pub fn effective_snaplen(file_snaplen: u32, dlt: i32) -> i32 {
    let snap = file_snaplen as i32;
    if snap <= 0 {
        max_snaplen_for_dlt(dlt) as i32
    } else {
        snap
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_of_renumbered_types() {
        for (dlt, lt) in RENUMBERED {
            assert_eq!(dlt_to_linktype(dlt), Some(lt));
            assert_eq!(linktype_to_dlt(lt), dlt);
        }
        assert_eq!(dlt_to_linktype(13), None);
        assert_eq!(dlt_to_linktype(290), None);
        assert_eq!(linktype_to_dlt(13), 13);
        assert_eq!(effective_snaplen(0, 1), 262_144);
        assert_eq!(effective_snaplen(0x8000_0000, 1), 262_144);
        assert_eq!(effective_snaplen(300_000, 1), 300_000);
        assert_eq!(effective_snaplen(300_000, 231), 300_000);
    }
}
