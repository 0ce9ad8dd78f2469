//! Arbitrary bytes as a classic BPF program plus a packet: `bpf_validate`, the image text of
//! every instruction, and both interpreters over the packet, valid program or not. Must never
//! panic or read out of bounds (the sanitizer checks the latter), and the two interpreters
//! must agree.
//!
//! Input layout: byte 0 = number of instructions (at most 255, cut to what the input holds),
//! then 8 bytes per instruction (code u16, jt, jf, k u32, little-endian), then 4 bytes of
//! wire length, then the packet.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcap::bpf::raw;
use pcap::bpf::{image, validate, Insn, Program};

fuzz_target!(|input: &[u8]| {
    let Some((&count, rest)) = input.split_first() else {
        return;
    };
    let count = (count as usize).min(rest.len() / 8);
    let (code, rest) = rest.split_at(count * 8);
    let insns: Vec<Insn> = code
        .chunks_exact(8)
        .map(|c| Insn {
            code: u16::from_le_bytes([c[0], c[1]]),
            jt: c[2],
            jf: c[3],
            k: u32::from_le_bytes([c[4], c[5], c[6], c[7]]),
        })
        .collect();
    let (wire_len, packet) = match rest.split_first_chunk::<4>() {
        Some((w, p)) => (u32::from_le_bytes(*w), p),
        None => (rest.len() as u32, rest),
    };

    let valid = validate::is_valid(&insns);
    // SAFETY: a live slice of that length.
    let valid_c = unsafe { pcap::ffi::filter::bpf_validate(insns.as_ptr(), insns.len() as i32) };
    assert_eq!(valid, valid_c != 0);
    for (n, insn) in insns.iter().enumerate() {
        let _ = image::image(insn, n as i32);
    }
    let _ = image::dump_lines(&insns, 2);

    let program = Program::new(insns.clone());
    let fast = program.run(packet, wire_len);
    let fetched = raw::run(&insns[..], packet, wire_len);
    assert_eq!(fast, fetched, "interpreters disagree (valid: {valid})");
    if valid {
        // A valid program never runs past its end, so the C entry point may run it too.
        // SAFETY: validated program; packet is a live slice.
        let c = unsafe {
            pcap::ffi::filter::bpf_filter(
                insns.as_ptr(),
                packet.as_ptr(),
                wire_len,
                packet.len() as u32,
            )
        };
        assert_eq!(c, fast);
    }
});
