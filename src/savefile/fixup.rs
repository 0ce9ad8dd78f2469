//! What libpcap changes in a record after reading it, so programs see the same bytes:
//!
//! - Pseudo-headers written in the capturing host's byte order (Linux USB, NFLOG's TLV
//!   type/length) are byte-swapped when the file came from a host of the other byte order.
//! - Linux USB memory-mapped captures made by old libpcaps under-stated `len` for completed
//!   incoming isochronous transfers; it is recomputed from the isochronous descriptors.
//!
//! Each field is touched only if it lies entirely within the captured bytes.

use crate::source::PacketHeader;

const DLT_USB_LINUX: i32 = 189;
const DLT_USB_LINUX_MMAPPED: i32 = 220;
const DLT_NFLOG: i32 = 239;

const URB_ISOCHRONOUS: u8 = 0;
const URB_COMPLETE: u8 = b'C';
const URB_TRANSFER_IN: u8 = 0x80;
/// `pcap_usb_header_mmapped`, and one `usb_isodesc`.
const USB_MMAPPED_HEADER: usize = 64;
const USB_ISODESC: usize = 16;

/// Whether records of this link type may need changes after reading.
pub fn applies(dlt: i32) -> bool {
    matches!(dlt, DLT_USB_LINUX | DLT_USB_LINUX_MMAPPED | DLT_NFLOG)
}

/// Applies libpcap's post-read changes to one record.
#[inline]
pub fn after_read(dlt: i32, swapped: bool, header: &mut PacketHeader, data: &mut [u8]) {
    match dlt {
        DLT_USB_LINUX | DLT_USB_LINUX_MMAPPED => {
            if swapped {
                swap_usb(data, dlt == DLT_USB_LINUX_MMAPPED);
            }
            if dlt == DLT_USB_LINUX_MMAPPED {
                fix_usb_mmapped_len(header, data);
            }
        }
        DLT_NFLOG if swapped => swap_nflog(header.len, data),
        _ => {}
    }
}

/// Reverses the bytes of `data[at..at + n]` if they are all captured; false if not.
fn swap_field(data: &mut [u8], at: usize, n: usize) -> bool {
    match data.get_mut(at..at + n) {
        Some(field) => {
            field.reverse();
            true
        }
        None => false,
    }
}

fn swap_usb(data: &mut [u8], mmapped: bool) {
    // (offset, size) of the host-order fields of pcap_usb_header, in order.
    const FIELDS: [(usize, usize); 7] =
        [(0, 8), (12, 2), (16, 8), (24, 4), (28, 4), (32, 4), (36, 4)];
    for (at, n) in FIELDS {
        if !swap_field(data, at, n) {
            return;
        }
    }
    let isochronous = data.get(9) == Some(&URB_ISOCHRONOUS);
    // The setup packet is little-endian by the USB spec; the isochronous counters are not.
    if isochronous && !(swap_field(data, 40, 4) && swap_field(data, 44, 4)) {
        return;
    }
    if !mmapped {
        return;
    }
    for at in [48, 52, 56, 60] {
        if !swap_field(data, at, 4) {
            return;
        }
    }
    if !isochronous {
        return;
    }
    let ndesc = u32::from_ne_bytes([data[60], data[61], data[62], data[63]]);
    for i in 0..ndesc as usize {
        let base = USB_MMAPPED_HEADER + i * USB_ISODESC;
        for at in [base, base + 4, base + 8] {
            if !swap_field(data, at, 4) {
                return;
            }
        }
    }
}

fn ne_u32(data: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]])
}

fn fix_usb_mmapped_len(header: &mut PacketHeader, data: &[u8]) {
    if (header.caplen as usize) < USB_MMAPPED_HEADER || data.len() < USB_MMAPPED_HEADER {
        return;
    }
    let has_data = data[15] == 0;
    let ndesc = ne_u32(data, 60);
    let urb_len = ne_u32(data, 32);
    let claimed = USB_MMAPPED_HEADER as u64 + ndesc as u64 * USB_ISODESC as u64 + urb_len as u64;
    if !(has_data
        && data[9] == URB_ISOCHRONOUS
        && data[8] == URB_COMPLETE
        && data[10] & URB_TRANSFER_IN != 0
        && header.len as u64 == claimed)
    {
        return;
    }
    // The data really ends where the furthest descriptor that carries bytes ends.
    let captured_descs = (data.len() - USB_MMAPPED_HEADER) / USB_ISODESC;
    let data_end = (0..(ndesc as usize).min(captured_descs))
        .map(|i| USB_MMAPPED_HEADER + i * USB_ISODESC)
        .filter(|&d| ne_u32(data, d + 8) != 0)
        .map(|d| ne_u32(data, d + 4).wrapping_add(ne_u32(data, d + 8)))
        .max()
        .unwrap_or(0);
    let len =
        (USB_MMAPPED_HEADER as u64 + ndesc as u64 * USB_ISODESC as u64 + data_end as u64) as u32;
    if len >= header.caplen {
        header.len = len;
    }
    header.len = header.len.max(header.caplen);
}

fn swap_nflog(wire_len: u32, data: &mut [u8]) {
    const NFLOG_HEADER: usize = 4;
    if data.len() < NFLOG_HEADER || (wire_len as usize) < NFLOG_HEADER || data[1] != 0 {
        return;
    }
    let mut at = NFLOG_HEADER;
    let mut wire_left = wire_len as usize - NFLOG_HEADER;
    while data.len() - at >= 4 {
        data.swap(at, at + 1);
        data.swap(at + 2, at + 3);
        let size = u16::from_ne_bytes([data[at], data[at + 1]]) as usize;
        let size = size.next_multiple_of(4);
        if size < 4 || data.len() - at < size || wire_left < size {
            return;
        }
        at += size;
        wire_left -= size;
    }
}
