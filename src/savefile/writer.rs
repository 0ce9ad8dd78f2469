//! The bytes libpcap's `pcap_dump*` calls write: a pcap file header in host byte order
//! (version 2.4, nanosecond magic for nanosecond handles) and a 16-byte header before each
//! record; and libpcap's checks before appending to an existing file.
//!
//! The I/O itself goes through the caller's `FILE*` (see `ffi::dump`): libpcap's
//! `pcap_dumper_t *` *is* that stream, and programs rely on it.

use super::linktype;
use crate::error::{Error, Result};
use crate::handle::Precision;

const MAGIC_MICRO: u32 = 0xa1b2_c3d4;
const MAGIC_NANO: u32 = 0xa1b2_3c4d;
const MAGIC_KUZNETZOV: u32 = 0xa1b2_cd34;
/// A magic libpcap knows but never reads (Navtel's).
const MAGIC_NAVTEL: u32 = 0xa12b_3c4d;
pub const FILE_HEADER_LEN: usize = 24;
pub const RECORD_HEADER_LEN: usize = 16;

/// The link-type field a handle writes: LINKTYPE_ value plus extension bits, or libpcap's
/// error when files cannot carry the handle's link type.
pub fn linktype_field(dlt: i32, linktype_ext: i32, fname: &str) -> Result<u32> {
    linktype::dlt_to_linktype(dlt)
        .map(|lt| lt | linktype_ext as u32)
        .ok_or_else(|| unsupported_linktype(fname, dlt))
}

/// libpcap's error for a link type files cannot carry.
pub fn unsupported_linktype(fname: &str, shown: i32) -> Error {
    Error::new(format!(
        "{fname}: link-layer type {shown} isn't supported in savefiles"
    ))
}

fn magic_for(precision: Precision) -> u32 {
    match precision {
        Precision::Micro => MAGIC_MICRO,
        Precision::Nano => MAGIC_NANO,
    }
}

/// The file header for a handle.
pub fn file_header(
    linktype_field: u32,
    snaplen: i32,
    precision: Precision,
) -> [u8; FILE_HEADER_LEN] {
    let mut h = [0u8; FILE_HEADER_LEN];
    h[0..4].copy_from_slice(&magic_for(precision).to_ne_bytes());
    h[4..6].copy_from_slice(&2u16.to_ne_bytes());
    h[6..8].copy_from_slice(&4u16.to_ne_bytes());
    // thiszone and sigfigs stay 0.
    h[16..20].copy_from_slice(&(snaplen as u32).to_ne_bytes());
    h[20..24].copy_from_slice(&linktype_field.to_ne_bytes());
    h
}

/// A record header: the timestamp fields truncated to 32 bits, as libpcap writes them.
pub fn record_header(ts_sec: i64, ts_frac: i64, caplen: u32, len: u32) -> [u8; RECORD_HEADER_LEN] {
    let mut h = [0u8; RECORD_HEADER_LEN];
    h[0..4].copy_from_slice(&(ts_sec as u32).to_ne_bytes());
    h[4..8].copy_from_slice(&(ts_frac as u32).to_ne_bytes());
    h[8..12].copy_from_slice(&caplen.to_ne_bytes());
    h[12..16].copy_from_slice(&len.to_ne_bytes());
    h
}

/// libpcap's checks of an existing file's header before appending to it: same byte order,
/// precision, version 2.4, link type and snapshot length.
pub fn check_append(
    existing: &[u8; FILE_HEADER_LEN],
    linktype_field: u32,
    snaplen: i32,
    precision: Precision,
    fname: &str,
) -> Result<()> {
    let word = |at: usize| u32::from_ne_bytes(existing[at..at + 4].try_into().expect("4 bytes"));
    let half = |at: usize| u16::from_ne_bytes(existing[at..at + 2].try_into().expect("2 bytes"));
    let fail = |what: &str| Err(Error::new(format!("{fname}: {what}")));
    match word(0) {
        m @ (MAGIC_MICRO | MAGIC_NANO) => {
            if m != magic_for(precision) {
                return fail("different time stamp precision, cannot append to file");
            }
        }
        m if m == MAGIC_MICRO.swap_bytes() || m == MAGIC_NANO.swap_bytes() => {
            return fail("different byte order, cannot append to file");
        }
        m if [MAGIC_KUZNETZOV, MAGIC_NAVTEL]
            .iter()
            .any(|&k| m == k || m == k.swap_bytes()) =>
        {
            return fail("not a pcap file to which we can append");
        }
        _ => return fail("not a pcap file"),
    }
    let (major, minor) = (half(4), half(6));
    if (major, minor) != (2, 4) {
        return fail(&format!(
            "version is {major}.{minor}, cannot append to file"
        ));
    }
    if word(20) != linktype_field {
        return fail("different linktype, cannot append to file");
    }
    if word(16) != snaplen as u32 {
        return fail("different snaplen, cannot append to file");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn append_checks_compare_with_what_we_would_write() {
        let ours = file_header(1, 65535, Precision::Micro);
        assert_eq!(check_append(&ours, 1, 65535, Precision::Micro, "f"), Ok(()));
        let nano = check_append(&ours, 1, 65535, Precision::Nano, "f").unwrap_err();
        assert_eq!(
            nano.msg,
            "f: different time stamp precision, cannot append to file"
        );
        let snap = check_append(&ours, 1, 100, Precision::Micro, "f").unwrap_err();
        assert_eq!(snap.msg, "f: different snaplen, cannot append to file");
        let mut swapped = ours;
        swapped[..4].reverse();
        let e = check_append(&swapped, 1, 65535, Precision::Micro, "f").unwrap_err();
        assert_eq!(e.msg, "f: different byte order, cannot append to file");
    }
}
