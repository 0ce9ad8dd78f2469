//! What follows an MPLS label stack: libpcap 1.10.3 has no protocol field there, so after
//! `mpls` a test for IPv4 or IPv6 looks at the bottom-of-stack bit of the last label and
//! at the IP version nibble, and any other protocol is refused.

use super::link::ethertype;
use super::Gen;
use crate::bpf::insn::*;
use crate::bpf::Insn;
use crate::filter::cfg::Frag;

impl Gen {
    /// "The payload after the label stack is `proto`" (called by `linktype` once `mpls`
    /// has been seen).
    pub fn mpls_linktype(&mut self, proto: u32) -> Result<Frag, String> {
        let version = match proto {
            ethertype::IP => 0x40,
            ethertype::IPV6 => 0x60,
            _ => return Err("unsupported protocol over mpls".into()),
        };
        // The last label's bottom-of-stack bit is in the byte 2 before the payload.
        let mut s = self.ld_pl(BPF_B, self.link.off_nl - 2)?;
        s.push(Insn::stmt(BPF_ALU | BPF_AND | BPF_K, 1));
        let bottom = self.g.eq(s, 1);
        let mut s = self.ld_nl(BPF_B, 0)?;
        s.push(Insn::stmt(BPF_ALU | BPF_AND | BPF_K, 0xf0));
        let v = self.g.eq(s, version);
        Ok(self.g.and(bottom, v))
    }
}
