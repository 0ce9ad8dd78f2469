//! One classic BPF instruction, laid out as C's `struct bpf_insn`, and the opcode fields.

/// `struct bpf_insn`: opcode, true/false jump offsets, and the generic field `k`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Insn {
    pub code: u16,
    pub jt: u8,
    pub jf: u8,
    pub k: u32,
}

impl Insn {
    /// A non-jump instruction.
    pub const fn stmt(code: u16, k: u32) -> Insn {
        Insn {
            code,
            jt: 0,
            jf: 0,
            k,
        }
    }

    /// A conditional jump.
    pub const fn jump(code: u16, k: u32, jt: u8, jf: u8) -> Insn {
        Insn { code, jt, jf, k }
    }
}

// Instruction classes (the low three bits).
pub const BPF_LD: u16 = 0x00;
pub const BPF_LDX: u16 = 0x01;
pub const BPF_ST: u16 = 0x02;
pub const BPF_STX: u16 = 0x03;
pub const BPF_ALU: u16 = 0x04;
pub const BPF_JMP: u16 = 0x05;
pub const BPF_RET: u16 = 0x06;
pub const BPF_MISC: u16 = 0x07;

/// The class of an opcode.
pub const fn class(code: u16) -> u16 {
    code & 0x07
}

// Load sizes.
pub const BPF_W: u16 = 0x00;
pub const BPF_H: u16 = 0x08;
pub const BPF_B: u16 = 0x10;

/// The size field of a load.
pub const fn size(code: u16) -> u16 {
    code & 0x18
}

// Load addressing modes.
pub const BPF_IMM: u16 = 0x00;
pub const BPF_ABS: u16 = 0x20;
pub const BPF_IND: u16 = 0x40;
pub const BPF_MEM: u16 = 0x60;
pub const BPF_LEN: u16 = 0x80;
pub const BPF_MSH: u16 = 0xa0;

/// The addressing mode of a load.
pub const fn mode(code: u16) -> u16 {
    code & 0xe0
}

// ALU and jump operations.
pub const BPF_ADD: u16 = 0x00;
pub const BPF_SUB: u16 = 0x10;
pub const BPF_MUL: u16 = 0x20;
pub const BPF_DIV: u16 = 0x30;
pub const BPF_OR: u16 = 0x40;
pub const BPF_AND: u16 = 0x50;
pub const BPF_LSH: u16 = 0x60;
pub const BPF_RSH: u16 = 0x70;
pub const BPF_NEG: u16 = 0x80;
pub const BPF_MOD: u16 = 0x90;
pub const BPF_XOR: u16 = 0xa0;

pub const BPF_JA: u16 = 0x00;
pub const BPF_JEQ: u16 = 0x10;
pub const BPF_JGT: u16 = 0x20;
pub const BPF_JGE: u16 = 0x30;
pub const BPF_JSET: u16 = 0x40;

/// The operation of an ALU or jump instruction.
pub const fn op(code: u16) -> u16 {
    code & 0xf0
}

// Operand source.
pub const BPF_K: u16 = 0x00;
pub const BPF_X: u16 = 0x08;

/// The operand source of an ALU or jump instruction.
pub const fn src(code: u16) -> u16 {
    code & 0x08
}

// Return value source.
pub const BPF_A: u16 = 0x10;

/// The value source of a return.
pub const fn rval(code: u16) -> u16 {
    code & 0x18
}

// Miscellaneous operations.
pub const BPF_TAX: u16 = 0x00;
pub const BPF_TXA: u16 = 0x80;

/// The operation of a miscellaneous instruction.
pub const fn miscop(code: u16) -> u16 {
    code & 0xf8
}

/// Scratch memory words.
pub const BPF_MEMWORDS: usize = 16;

/// The largest program the kernel and `bpf_validate` accept.
pub const BPF_MAXINSNS: usize = 4096;

/// Linux's ancillary data (`SKF_AD_OFF`): absolute loads at or past it read the kernel's
/// metadata about the packet, not its bytes.
pub const SKF_AD_OFF: u32 = 0xffff_f000;
/// `SKF_AD_VLAN_TAG`: the TCI of the VLAN tag the kernel stripped (libpcap: `vlan_tci`).
pub const SKF_AD_VLAN_TAG: u32 = 44;
/// `SKF_AD_VLAN_TAG_PRESENT`: 1 when the kernel stripped a VLAN tag (libpcap: `vlanp`).
pub const SKF_AD_VLAN_TAG_PRESENT: u32 = 48;
