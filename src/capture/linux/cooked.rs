//! Kernel filters for cooked captures. A program compiled for `DLT_LINUX_SLL`/`SLL2` reads
//! packets that start with the synthesised header, but the kernel runs it on packets that
//! start at the network header. [`translate`] shifts every packet load past the header by its
//! length and turns loads of the header's fields into the kernel's ancillary loads (packet
//! type, protocol, interface, hardware type); a program that reads the header any other way
//! cannot run in the kernel (None), and is run in user space instead.

use crate::bpf::Insn;

const BPF_LD: u16 = 0x00;
const BPF_LDX: u16 = 0x01;
const BPF_ABS: u16 = 0x20;
const BPF_IND: u16 = 0x40;
const BPF_MSH: u16 = 0xa0;
const BPF_W: u16 = 0x00;
const BPF_H: u16 = 0x08;
const BPF_B: u16 = 0x10;

/// The kernel's ancillary data area (SKF_AD_OFF = -0x1000) and its fields.
const SKF_AD_OFF: u32 = 0xffff_f000;
const SKF_AD_PROTOCOL: u32 = 0;
const SKF_AD_PKTTYPE: u32 = 4;
const SKF_AD_IFINDEX: u32 = 8;
const SKF_AD_HATYPE: u32 = 28;

/// The ancillary load replacing a load of `size` at `offset` in a `header`-byte SLL header.
fn header_field(header: u32, offset: u32, size: u16) -> Option<u32> {
    let field = match (header, offset, size) {
        (16, 0, BPF_H) => SKF_AD_PKTTYPE,
        (16, 2, BPF_H) => SKF_AD_HATYPE,
        (16, 14, BPF_H) => SKF_AD_PROTOCOL,
        (20, 0, BPF_H) => SKF_AD_PROTOCOL,
        (20, 4, BPF_W) => SKF_AD_IFINDEX,
        (20, 8, BPF_H) => SKF_AD_HATYPE,
        (20, 10, BPF_B) => SKF_AD_PKTTYPE,
        _ => return None,
    };
    Some(SKF_AD_OFF + field)
}

/// `insns` rewritten to run on packets without their `header`-byte cooked header.
pub fn translate(insns: &[Insn], header: u32) -> Option<Vec<Insn>> {
    insns
        .iter()
        .map(|insn| {
            let class = insn.code & 0x07;
            let mode = insn.code & 0xe0;
            let size = insn.code & 0x18;
            let loads_packet = (class == BPF_LD && (mode == BPF_ABS || mode == BPF_IND))
                || (class == BPF_LDX && mode == BPF_MSH);
            if !loads_packet {
                return Some(*insn);
            }
            let k = if insn.k >= header {
                insn.k - header
            } else if class == BPF_LD && mode == BPF_ABS {
                header_field(header, insn.k, size)?
            } else {
                return None;
            };
            Some(Insn { k, ..*insn })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ld(code: u16, k: u32) -> Insn {
        Insn {
            code,
            jt: 0,
            jf: 0,
            k,
        }
    }

    #[test]
    fn loads_shift_and_header_fields_become_ancillary() {
        let prog = [
            ld(BPF_LD | BPF_H | BPF_ABS, 14),
            ld(BPF_LD | BPF_B | BPF_ABS, 25),
            ld(BPF_LDX | BPF_B | BPF_MSH, 16),
            ld(BPF_LD | BPF_H | BPF_IND, 18),
            ld(0x06, 262144),
        ];
        let out = translate(&prog, 16).unwrap();
        assert_eq!(out[0].k, SKF_AD_OFF + SKF_AD_PROTOCOL);
        assert_eq!(out[1].k, 9);
        assert_eq!(out[2].k, 0);
        assert_eq!(out[3].k, 2);
        assert_eq!(out[4].k, 262144);
        assert!(translate(&[ld(BPF_LD | BPF_B | BPF_ABS, 7)], 16).is_none());
        assert!(translate(&[ld(BPF_LD | BPF_H | BPF_IND, 2)], 16).is_none());
    }
}
