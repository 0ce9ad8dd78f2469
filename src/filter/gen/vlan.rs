//! `vlan [id]`: an 802.1Q / 802.1ad tag, and from then on the frame behind it.
//!
//! Two ways to find the tag, chosen per handle as libpcap 1.10.3 does:
//! - **in the packet** (dead and savefile handles, and every `vlan` after the first): the
//!   linktype field holds one of the three VLAN TPIDs, the tag follows it, and everything
//!   compiled afterwards is 4 bytes further on;
//! - **in the kernel's metadata** ([`VlanTags::Ancillary`], live Linux handles): Linux
//!   strips the outermost tag of received frames before a socket filter sees them and
//!   offers it as ancillary data (`SKF_AD_VLAN_TAG_PRESENT`, `SKF_AD_VLAN_TAG`). The first
//!   `vlan` on an Ethernet link whose header is at a fixed place then tests "a stripped tag
//!   is present, or the packet itself carries a TPID". Only the second case moves the rest
//!   of the frame by 4 bytes, so the offsets of the payload and of the linktype field
//!   become run-time values: two scratch words, set to 0 by a prologue in front of the
//!   program and increased by 4 where the in-packet TPID test starts.
//!
//! The tag's identifier is read from the metadata or from the packet, inside one block
//! whose statements jump over each other (`ldb [vlanp]; jeq #1, +0, +2; ldb [vlan_tci];
//! ja +1; ldh [tag]`), as libpcap lays it out; the optimizer keeps such a block as it is.
//! Linux's ancillary loads are byte loads in libpcap's code: the kernel returns the whole
//! value whatever the size, and libpcap's user-space filter only answers byte loads.

use super::link::{ethertype, Base, Kind};
use super::Gen;
use crate::bpf::insn::*;
use crate::bpf::Insn;
use crate::filter::cfg::Frag;

/// Where compiled code looks for VLAN tags; a property of the handle compiled for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum VlanTags {
    /// In the packet bytes only (dead and savefile handles, other systems).
    #[default]
    InPacket,
    /// Also in Linux's ancillary data (live Linux captures: libpcap's
    /// `BPF_SPECIAL_VLAN_HANDLING`).
    Ancillary,
}

/// What `vlan` needs to remember while one expression compiles.
#[derive(Clone, Copy, Debug, Default)]
pub struct VlanState {
    pub tags: VlanTags,
    /// `vlan` primitives compiled so far (only the first may use the metadata).
    depth: u32,
    /// A `vlan` used the metadata: the prologue must zero the run-time offsets.
    zero_offsets: bool,
}

fn stmt(code: u16, k: u32) -> Insn {
    Insn::stmt(code, k)
}

/// `ldb [SKF_AD_OFF + what]`.
fn ancillary_byte(what: u32) -> Insn {
    stmt(BPF_LD | BPF_B | BPF_ABS, SKF_AD_OFF + what)
}

impl Gen {
    pub(super) fn vlan(&mut self, id: Option<u32>) -> Result<Frag, String> {
        if self.link.mpls_depth > 0 {
            return Err("no VLAN match after MPLS".to_string());
        }
        if let Some(v) = id {
            if v > 4095 {
                return Err(format!("VLAN tag {v} greater than maximum 4095"));
            }
        }
        if !self.link.vlan_ok {
            let what = self
                .vlan_name
                .map(str::to_string)
                .unwrap_or_else(|| super::link::description(self.dlt));
            return Err(format!("no VLAN support for {what}"));
        }
        let l = self.link;
        let metadata = self.vlan.tags == VlanTags::Ancillary
            && self.vlan.depth == 0
            && l.kind == Kind::Ether
            && l.hdr_base == Base::Packet;
        self.vlan.depth += 1;
        if metadata {
            self.vlan_from_metadata(id)
        } else {
            self.vlan_in_packet(id)
        }
    }

    /// One of the VLAN TPIDs at the linktype field.
    fn vlan_tpid(&mut self) -> Result<Frag, String> {
        let mut f = None;
        for t in [ethertype::VLAN, ethertype::QINQ, ethertype::QINQ_OLD] {
            let b = self.linktype(t)?;
            f = Some(match f {
                None => b,
                Some(a) => self.g.or(a, b),
            });
        }
        Ok(f.expect("three tests"))
    }

    fn vlan_in_packet(&mut self, id: Option<u32>) -> Result<Frag, String> {
        let mut f = self.vlan_tpid()?;
        if let Some(v) = id {
            // The tag follows the VLAN type, where the network header would be.
            let mut s = self.ld_nl(BPF_H, 0)?;
            s.push(stmt(BPF_ALU | BPF_AND | BPF_K, 0xfff));
            let t = self.g.eq(s, v);
            f = self.g.and(f, t);
        }
        self.link.off_linktype += 4;
        self.link.off_linkpl += 4;
        Ok(f)
    }

    /// The first `vlan` of a live Linux capture on Ethernet: a stripped tag, or a tag in
    /// the packet (which moves the frame's payload and linktype field by 4 at run time).
    fn vlan_from_metadata(&mut self, id: Option<u32>) -> Result<Frag, String> {
        let present = self.g.eq(vec![ancillary_byte(SKF_AD_VLAN_TAG_PRESENT)], 1);
        let pl = self.vlan_offset_reg(Base::Pl)?;
        let ty = self.vlan_offset_reg(Base::Type)?;
        let tpid = self.vlan_tpid()?;
        let mut add4 = Vec::with_capacity(6);
        for r in [pl, ty] {
            add4.extend([
                stmt(BPF_LD | BPF_MEM, r),
                stmt(BPF_ALU | BPF_ADD | BPF_K, 4),
                stmt(BPF_ST, r),
            ]);
        }
        self.g.prepend(&tpid, add4);
        let mut f = self.g.or(present, tpid);
        if let Some(v) = id {
            // The identifier from the metadata when a tag was stripped, else from the
            // packet, where the network header is now.
            let mut s = vec![
                ancillary_byte(SKF_AD_VLAN_TAG_PRESENT),
                Insn::jump(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 2),
                ancillary_byte(SKF_AD_VLAN_TAG),
                stmt(BPF_JMP | BPF_JA, 1),
            ];
            s.extend(self.ld_nl(BPF_H, 0)?);
            s.push(stmt(BPF_ALU | BPF_AND | BPF_K, 0xfff));
            let t = self.g.eq(s, v);
            f = self.g.and(f, t);
        }
        let l = &mut self.link;
        l.pl_base = Base::Pl;
        l.type_base = Base::Type;
        self.var.pl = Some(pl);
        self.var.ty = Some(ty);
        self.vlan.zero_offsets = true;
        Ok(f)
    }

    /// The scratch word holding the run-time part of an offset that `vlan` moves: the one
    /// it already has, or a new one.
    fn vlan_offset_reg(&mut self, base: Base) -> Result<u32, String> {
        let current = match base {
            Base::Pl => self.link.pl_base,
            _ => self.link.type_base,
        };
        match current {
            Base::Packet => self.alloc_reg_pub(),
            b => self.var_reg(b),
        }
    }

    /// The statements zeroing the run-time offsets `vlan` moves, in front of the program:
    /// the words of the payload and linktype offsets as they are once the expression ends
    /// (a later `pppoes` or `geneve` changes them, and libpcap zeroes those).
    pub(super) fn vlan_prologue(&self) -> Option<Vec<Insn>> {
        if !self.vlan.zero_offsets {
            return None;
        }
        let l = self.link;
        let mut s = vec![stmt(BPF_LD | BPF_IMM, 0)];
        for base in [l.pl_base, l.type_base] {
            let reg = match base {
                Base::Packet => None,
                Base::Hdr => self.var.hdr,
                Base::Type => self.var.ty,
                Base::Pl => self.var.pl,
            };
            s.extend(reg.map(|r| stmt(BPF_ST, r)));
        }
        Some(s)
    }
}
