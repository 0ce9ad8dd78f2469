//! Fuzzes the classic pcap reader: inputs that start with a pcap magic number.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "savefile_common.rs"]
mod savefile_common;

fuzz_target!(|data: &[u8]| {
    let Some(magic) = data.get(..4) else { return };
    let magic = u32::from_le_bytes(magic.try_into().unwrap());
    let known = [0xa1b2_c3d4u32, 0xa1b2_cd34, 0xa1b2_3c4d];
    if known.iter().any(|&m| m == magic || m.swap_bytes() == magic) {
        savefile_common::read_everything(data);
    }
});
