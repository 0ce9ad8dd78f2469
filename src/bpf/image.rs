//! `bpf_image` and `bpf_dump`: the text libpcap prints for a program (`tcpdump -d`, `-dd`,
//! `-ddd`), byte for byte. The forms were measured on the system libpcap 1.10.3 for all
//! 65536 opcodes (tests/bpf_differential.rs keeps comparing them):
//! - `(NNN) op       operand` with the index as `%03d`, the mnemonic padded to 8 columns;
//!   conditional jumps pad the operand to 16 columns and add `jt T\tjf F` with absolute
//!   targets; `ja` shows its absolute target, all in C `int` arithmetic;
//! - opcodes libpcap does not name (including `ldx len`, which its interpreter does run) are
//!   `unimp    0x<code>`, and every jump-class opcode but `ja` shows `jt`/`jf`, named or not;
//! - absolute loads at Linux's ancillary-data offsets show the offset's name (`[vlan_tci]`).

use std::fmt::Write;

use super::insn::{class, op, Insn, BPF_JA, BPF_JMP};

/// How an instruction's operand is shown.
enum Operand {
    /// Nothing (`ret a`, `tax`...).
    None,
    /// `x`.
    X,
    /// `#0x..`: hexadecimal immediate.
    Hex,
    /// `#..`: signed decimal immediate.
    Dec,
    /// `M[..]`: scratch slot.
    Mem,
    /// `[..]`, or the name of an ancillary-data offset.
    Abs,
    /// `[x + ..]`.
    Ind,
    /// `4*([..]&0xf)`.
    Msh,
    /// `#pktlen`.
    PktLen,
    /// An absolute jump target.
    Target,
}

/// Linux's ancillary-data offsets (SKF_AD_OFF + SKF_AD_*) and the names libpcap prints.
const ANCILLARY_NAMES: [(u32, &str); 16] = [
    (0xfffff000, "proto"),
    (0xfffff004, "type"),
    (0xfffff008, "ifidx"),
    (0xfffff00c, "nla"),
    (0xfffff010, "nlan"),
    (0xfffff014, "mark"),
    (0xfffff018, "queue"),
    (0xfffff01c, "hatype"),
    (0xfffff020, "rxhash"),
    (0xfffff024, "cpu"),
    (0xfffff028, "xor_x"),
    (0xfffff02c, "vlan_tci"),
    (0xfffff030, "vlanp"),
    (0xfffff034, "poff"),
    (0xfffff038, "random"),
    (0xfffff03c, "vlan_tpid"),
];

/// The mnemonic and the operand form of a named opcode.
fn describe(code: u16) -> Option<(&'static str, Operand)> {
    use Operand::*;
    let described = match code {
        0x06 => ("ret", Dec),
        0x16 => ("ret", None),
        0x20 => ("ld", Abs),
        0x28 => ("ldh", Abs),
        0x30 => ("ldb", Abs),
        0x80 => ("ld", PktLen),
        0x40 => ("ld", Ind),
        0x48 => ("ldh", Ind),
        0x50 => ("ldb", Ind),
        0x00 => ("ld", Hex),
        0x01 => ("ldx", Hex),
        0xb1 => ("ldxb", Msh),
        0x60 => ("ld", Mem),
        0x61 => ("ldx", Mem),
        0x02 => ("st", Mem),
        0x03 => ("stx", Mem),
        0x05 => ("ja", Target),
        0x15 => ("jeq", Hex),
        0x25 => ("jgt", Hex),
        0x35 => ("jge", Hex),
        0x45 => ("jset", Hex),
        0x1d => ("jeq", X),
        0x2d => ("jgt", X),
        0x3d => ("jge", X),
        0x4d => ("jset", X),
        0x04 => ("add", Dec),
        0x14 => ("sub", Dec),
        0x24 => ("mul", Dec),
        0x34 => ("div", Dec),
        0x94 => ("mod", Dec),
        0x54 => ("and", Hex),
        0x44 => ("or", Hex),
        0xa4 => ("xor", Hex),
        0x64 => ("lsh", Dec),
        0x74 => ("rsh", Dec),
        0x0c => ("add", X),
        0x1c => ("sub", X),
        0x2c => ("mul", X),
        0x3c => ("div", X),
        0x9c => ("mod", X),
        0x5c => ("and", X),
        0x4c => ("or", X),
        0xac => ("xor", X),
        0x6c => ("lsh", X),
        0x7c => ("rsh", X),
        0x84 => ("neg", None),
        0x07 => ("tax", None),
        0x87 => ("txa", None),
        _ => return Option::None,
    };
    Some(described)
}

/// `bpf_image(insn, n)`: the text of one instruction at index `n`.
pub fn image(insn: &Insn, n: i32) -> String {
    let k = insn.k;
    let mut text = String::with_capacity(64);
    // `(%03d)`: at least three characters including a sign, zero-padded.
    let _ = if n < 0 {
        write!(text, "(-{:02}) ", n.unsigned_abs())
    } else {
        write!(text, "({n:03}) ")
    };
    // Every jump-class opcode except `ja` shows its two targets, even an unnamed one.
    let cond = class(insn.code) == BPF_JMP && op(insn.code) != BPF_JA;
    let (name, operand) = match describe(insn.code) {
        Some((name, operand)) => (name, render(operand, k, n)),
        None => ("unimp", format!("0x{:x}", insn.code)),
    };
    if cond {
        let jt = n.wrapping_add(1).wrapping_add(insn.jt as i32);
        let jf = n.wrapping_add(1).wrapping_add(insn.jf as i32);
        let _ = write!(text, "{name:<8} {operand:<16} jt {jt}\tjf {jf}");
    } else {
        let _ = write!(text, "{name:<8} {operand}");
    }
    text
}

/// The operand text of instruction `n` with constant `k`.
fn render(operand: Operand, k: u32, n: i32) -> String {
    let signed = k as i32;
    match operand {
        Operand::None => String::new(),
        Operand::X => "x".to_string(),
        Operand::Hex => format!("#0x{k:x}"),
        Operand::Dec => format!("#{signed}"),
        Operand::Mem => format!("M[{signed}]"),
        Operand::Abs => match ANCILLARY_NAMES.iter().find(|(off, _)| *off == k) {
            Some((_, name)) => format!("[{name}]"),
            None => format!("[{signed}]"),
        },
        Operand::Ind => format!("[x + {signed}]"),
        Operand::Msh => format!("4*([{signed}]&0xf)"),
        Operand::PktLen => "#pktlen".to_string(),
        Operand::Target => n.wrapping_add(1).wrapping_add(signed).to_string(),
    }
}

/// `bpf_dump(program, option)`: the lines it prints, each without its newline.
/// Option > 2 is `tcpdump -ddd` (decimal, with the length first), 2 is `-dd` (C initialisers),
/// anything else `-d` (one `bpf_image` per instruction).
pub fn dump_lines(insns: &[Insn], option: i32) -> Vec<String> {
    let mut lines = Vec::with_capacity(insns.len() + 1);
    if option > 2 {
        lines.push((insns.len() as i32).to_string());
        lines.extend(
            insns
                .iter()
                .map(|i| format!("{} {} {} {}", i.code, i.jt, i.jf, i.k)),
        );
    } else if option > 1 {
        lines.extend(
            insns
                .iter()
                .map(|i| format!("{{ 0x{:x}, {}, {}, 0x{:08x} }},", i.code, i.jt, i.jf, i.k)),
        );
    } else {
        lines.extend(insns.iter().enumerate().map(|(n, i)| image(i, n as i32)));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bpf::insn::*;

    #[test]
    fn forms_measured_on_libpcap() {
        let cases: [(Insn, i32, &str); 9] = [
            (Insn::stmt(0x28, 12), 0, "(000) ldh      [12]"),
            (
                Insn::jump(0x15, 0x86dd, 0, 10),
                1,
                "(001) jeq      #0x86dd          jt 2\tjf 12",
            ),
            (Insn::stmt(0x07, 5), 7, "(007) tax      "),
            (Insn::stmt(0x05, u32::MAX), 7, "(007) ja       7"),
            (Insn::stmt(0x20, 0xfffff02c), 7, "(007) ld       [vlan_tci]"),
            (Insn::stmt(0x02, u32::MAX), 7, "(007) st       M[-1]"),
            (Insn::stmt(0x81, 0), 1000, "(1000) unimp    0x81"),
            (Insn::stmt(0xb1, 14), -1, "(-01) ldxb     4*([14]&0xf)"),
            (
                Insn::stmt(BPF_RET | BPF_K, 262144),
                3,
                "(003) ret      #262144",
            ),
        ];
        for (insn, n, text) in cases {
            assert_eq!(image(&insn, n), text);
        }
    }

    #[test]
    fn dump_levels() {
        let prog = [Insn::jump(0x15, u32::MAX, 200, 255), Insn::stmt(0x06, 0)];
        assert_eq!(
            dump_lines(&prog, 2),
            [
                "{ 0x15, 200, 255, 0xffffffff },",
                "{ 0x6, 0, 0, 0x00000000 },"
            ]
        );
        assert_eq!(
            dump_lines(&prog, 3),
            ["2", "21 200 255 4294967295", "6 0 0 0"]
        );
        assert_eq!(dump_lines(&[], 3), ["0"]);
        assert!(dump_lines(&[], 0).is_empty());
    }
}
