//! Fuzzes the pcapng reader: inputs that start with a Section Header Block.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "savefile_common.rs"]
mod savefile_common;

fuzz_target!(|data: &[u8]| {
    if data.starts_with(&[0x0a, 0x0d, 0x0d, 0x0a]) {
        savefile_common::read_everything(data);
    }
});
