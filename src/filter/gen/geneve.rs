//! `geneve [vni]`: a Geneve tunnel (UDP port 6081 over IPv4 or IPv6, version 0), and from
//! then on the frame inside it.
//!
//! The inner frame's position depends on the tunnel header's options length, so the test
//! ends with code that stores three run-time positions in fresh scratch words: the inner
//! linktype field, the inner link header and the inner payload (when the tunnel carries an
//! Ethernet frame, protocol 0x6558, the linktype field is 12 bytes into it and the payload
//! 14; otherwise the linktype is the tunnel's protocol field and header and payload both
//! start after the tunnel header). Everything compiled afterwards reads through those
//! words, as in libpcap 1.10.3.

use super::link::{Kind, LinkState};
use super::varoff::VarRegs;
use super::Gen;
use crate::bpf::insn::*;
use crate::bpf::Insn;
use crate::filter::cfg::{Frag, Target};
use crate::names::netdb::IPPROTO_UDP;

const GENEVE_PORT: u32 = 6081;
/// Transparent Ethernet bridging: the tunnel carries an Ethernet frame.
const ETHERTYPE_TEB: u32 = 0x6558;
const MAX_VNI: u32 = 0xff_ffff;

/// A load of a size at an offset from the UDP header.
type UdpLoad = dyn FnMut(&mut Gen, u16, u32) -> Result<Vec<Insn>, String>;

fn stmt(code: u16, k: u32) -> Insn {
    Insn::stmt(code, k)
}

impl Gen {
    pub fn geneve(&mut self, vni: Option<u32>) -> Result<Frag, String> {
        if let Some(v) = vni {
            if v > MAX_VNI {
                return Err(format!("Geneve VNI {v} greater than maximum {MAX_VNI}"));
            }
        }
        let v4 = self.geneve_over_ipv4(vni)?;
        let v6 = self.geneve_over_ipv6(vni)?;
        let tunnel = self.g.or(v4, v6);
        let inner = self.geneve_inner()?;
        Ok(self.g.and(tunnel, inner))
    }

    /// The tunnel header's version (the top two bits of its first byte) is 0, and its VNI
    /// (the top 24 bits of its second word) is `vni`; `at` loads from the UDP header.
    fn geneve_header(&mut self, vni: Option<u32>, at: &mut UdpLoad) -> Result<Frag, String> {
        let mut s = at(self, BPF_B, 8)?;
        s.push(stmt(BPF_ALU | BPF_AND | BPF_K, 0xc0));
        let mut f = self.g.eq(s, 0);
        if let Some(v) = vni {
            let mut s = at(self, BPF_W, 12)?;
            s.push(stmt(BPF_ALU | BPF_AND | BPF_K, 0xffff_ff00));
            let t = self.g.eq(s, v << 8);
            f = self.g.and(f, t);
        }
        Ok(f)
    }

    /// IPv4, UDP, not a later fragment, destination port 6081, a Geneve header; then
    /// A = X = the UDP header's offset from the network header.
    fn geneve_over_ipv4(&mut self, vni: Option<u32>) -> Result<Frag, String> {
        let ip = self.linktype(super::link::ethertype::IP)?;
        let s = self.ld_nl(BPF_B, 9)?;
        let udp = self.g.eq(s, IPPROTO_UDP);
        let nofrag = self.ipv4_not_fragment()?;
        let mut at = |g: &mut Gen, size: u16, off: u32| -> Result<Vec<Insn>, String> {
            let mut s = g.ipv4_payload_x()?;
            s.push(stmt(BPF_LD | size | BPF_IND, g.nl().wrapping_add(off)));
            Ok(s)
        };
        let s = at(self, BPF_H, 2)?;
        let port = self.g.eq(s, GENEVE_PORT);
        let hdr = self.geneve_header(vni, &mut at)?;
        let mut s = self.ipv4_payload_x()?;
        s.push(stmt(BPF_MISC | BPF_TXA, 0));
        let offset = self.g.test(s, BPF_JMP | BPF_JEQ | BPF_X, 0);
        let mut f = self.g.and(ip, udp);
        for t in [nofrag, port, hdr, offset] {
            f = self.g.and(f, t);
        }
        Ok(f)
    }

    /// IPv6 with UDP as the next header, destination port 6081, a Geneve header; then
    /// A = X = the UDP header's offset from the network header.
    fn geneve_over_ipv6(&mut self, vni: Option<u32>) -> Result<Frag, String> {
        let ip6 = self.linktype(super::link::ethertype::IPV6)?;
        let s = self.ld_nl(BPF_B, 6)?;
        let udp = self.g.eq(s, IPPROTO_UDP);
        let mut at = |g: &mut Gen, size: u16, off: u32| g.ld_nl(size, 40 + off);
        let s = at(self, BPF_H, 2)?;
        let port = self.g.eq(s, GENEVE_PORT);
        let hdr = self.geneve_header(vni, &mut at)?;
        let s = match self.payload_x()? {
            None => vec![stmt(BPF_LD | BPF_IMM, 40), stmt(BPF_MISC | BPF_TAX, 0)],
            Some(r) => vec![
                stmt(BPF_LDX | BPF_MEM, r),
                stmt(BPF_LD | BPF_IMM, 40),
                stmt(BPF_ALU | BPF_ADD | BPF_X, 0),
                stmt(BPF_MISC | BPF_TAX, 0),
            ],
        };
        let offset = self.g.test(s, BPF_JMP | BPF_JEQ | BPF_X, 0);
        let mut f = self.g.and(ip6, udp);
        for t in [port, hdr, offset] {
            f = self.g.and(f, t);
        }
        Ok(f)
    }

    /// Where this link layer puts OSI packets relative to its payload, when that is not
    /// after a 3-byte LLC header (None): libpcap keeps it for a tunnel's inner frame.
    fn osi_offset(&self) -> Option<u32> {
        let l = &self.link;
        if l.tunnel_osi.is_some() {
            return l.tunnel_osi;
        }
        if l.pppoes {
            return Some(0);
        }
        match l.kind {
            Kind::Ether | Kind::Lane | Kind::Wlan | Kind::Llc | Kind::Sunatm => None,
            Kind::Magic { osi, .. } => Some(osi),
            Kind::Ipnet => Some(0u32.wrapping_sub(1)),
            _ => Some(0),
        }
    }

    /// With A = the UDP header's offset from the network header: the inner positions into
    /// fresh scratch words, and the link layer switched to the inner frame. Always true.
    fn geneve_inner(&mut self) -> Result<Frag, String> {
        let ty = self.alloc_reg_pub()?;
        let hdr = self.alloc_reg_pub()?;
        let pl = self.alloc_reg_pub()?;
        let udp = self.nl().wrapping_add(8);
        // X = the tunnel header; its protocol field 2 into it; its options length (in
        // words) in the low 6 bits of its first byte, after 8 fixed bytes.
        let tunnel = self.g.test(
            vec![
                stmt(BPF_ALU | BPF_ADD | BPF_K, udp),
                stmt(BPF_MISC | BPF_TAX, 0),
                stmt(BPF_ALU | BPF_ADD | BPF_K, 2),
                stmt(BPF_ST, ty),
                stmt(BPF_LD | BPF_B | BPF_IND, 0),
                stmt(BPF_ALU | BPF_AND | BPF_K, 0x3f),
                stmt(BPF_ALU | BPF_MUL | BPF_K, 4),
                stmt(BPF_ALU | BPF_ADD | BPF_K, 8),
                stmt(BPF_ALU | BPF_ADD | BPF_X, 0),
                stmt(BPF_ST, hdr),
                stmt(BPF_LD | BPF_H | BPF_IND, 2),
                stmt(BPF_LDX | BPF_MEM, hdr),
            ],
            BPF_JMP | BPF_JEQ | BPF_K,
            ETHERTYPE_TEB,
        );
        // An inner Ethernet frame: its type field at 12, its payload at 14 (into X).
        let ether = self.g.test(
            vec![
                stmt(BPF_MISC | BPF_TXA, 0),
                stmt(BPF_ALU | BPF_ADD | BPF_K, 12),
                stmt(BPF_ST, ty),
                stmt(BPF_ALU | BPF_ADD | BPF_K, 2),
                stmt(BPF_MISC | BPF_TAX, 0),
            ],
            BPF_JMP | BPF_JEQ | BPF_K,
            0,
        );
        let done = self
            .g
            .eq(vec![stmt(BPF_STX, pl), stmt(BPF_LD | BPF_IMM, 0)], 0);
        let to_done = Target::Block(done.entry);
        self.g.blocks[tunnel.entry].jt = Target::Block(ether.entry);
        self.g.blocks[tunnel.entry].jf = to_done;
        self.g.blocks[ether.entry].jt = to_done;
        self.g.blocks[ether.entry].jf = to_done;
        self.var = VarRegs {
            ty: Some(ty),
            hdr: Some(hdr),
            pl: Some(pl),
        };
        let tunnel_osi = self.osi_offset();
        self.link = LinkState {
            tunnel_osi,
            ..LinkState::geneve_inner()
        };
        Ok(Frag {
            entry: tunnel.entry,
            ..done
        })
    }
}
