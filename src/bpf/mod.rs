//! Classic BPF: the instruction set shared by the kernel, libpcap and our filter compiler.
//!
//! [`Insn`] has the C layout of `struct bpf_insn`; [`Program`] owns a sequence of them.
//! [`interpret`] runs a program over a packet with libpcap's `bpf_filter` semantics.

pub mod insn;
pub mod interpret;

pub use insn::Insn;

/// A classic BPF program.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Program {
    pub insns: Vec<Insn>,
}

impl Program {
    pub fn new(insns: Vec<Insn>) -> Program {
        Program { insns }
    }

    /// The filter's verdict on a packet: the number of bytes to keep, 0 to reject.
    /// `wire_len` is the packet's length on the wire (`BPF_LEN` loads it); `data` holds the
    /// captured bytes.
    pub fn run(&self, data: &[u8], wire_len: u32) -> u32 {
        interpret::run(&self.insns, data, wire_len)
    }

    /// Whether the packet passes.
    pub fn accepts(&self, data: &[u8], wire_len: u32) -> bool {
        self.run(data, wire_len) != 0
    }
}
