//! Classic BPF: the instruction set shared by the kernel, libpcap and our filter compiler.
//!
//! [`Insn`] has the C layout of `struct bpf_insn`; [`Program`] owns a sequence of them plus
//! their decoded form, so filtering a packet never decodes or allocates.
//! [`validate`] is libpcap's `bpf_validate`, [`interpret`] its `bpf_filter` for handles,
//! [`raw`] the same for the C entry points (a bare instruction pointer), [`image`] its
//! `bpf_image`/`bpf_dump` text.

pub mod image;
pub mod insn;
pub mod interpret;
pub mod raw;
pub mod validate;

pub use insn::Insn;

/// A classic BPF program, ready to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    insns: Vec<Insn>,
    /// Decoded once from `insns`; immutable with it.
    exec: interpret::Executable,
}

impl Default for Program {
    fn default() -> Program {
        Program::new(Vec::new())
    }
}

impl Program {
    /// Takes any instruction sequence; validity is a separate question ([`Program::is_valid`]):
    /// whatever libpcap could not run rejects packets.
    pub fn new(insns: Vec<Insn>) -> Program {
        let exec = interpret::Executable::new(&insns);
        Program { insns, exec }
    }

    /// The instructions, as given.
    pub fn insns(&self) -> &[Insn] {
        &self.insns
    }

    /// Whether libpcap's `bpf_validate` accepts the program.
    pub fn is_valid(&self) -> bool {
        validate::is_valid(&self.insns)
    }

    /// The filter's verdict on a packet: the number of bytes to keep, 0 to reject.
    /// `wire_len` is the packet's length on the wire (`BPF_LEN` loads it); `data` holds the
    /// captured bytes.
    #[inline]
    pub fn run(&self, data: &[u8], wire_len: u32) -> u32 {
        self.exec.run(data, wire_len)
    }

    /// [`Program::run`] on a live packet with the VLAN metadata the kernel gave for it
    /// (the ancillary loads `ldb [vlanp]` / `ldb [vlan_tci]` read it instead of rejecting).
    #[inline]
    pub fn run_with_aux(&self, data: &[u8], wire_len: u32, aux: interpret::VlanAux) -> u32 {
        self.exec.run_with_aux(data, wire_len, aux)
    }

    /// Whether the packet passes.
    #[inline]
    pub fn accepts(&self, data: &[u8], wire_len: u32) -> bool {
        self.run(data, wire_len) != 0
    }
}
