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

#[cfg(test)]
mod tests {
    use super::VlanTags;
    use crate::bpf::image::image;
    use crate::bpf::insn::{BPF_ABS, BPF_B, BPF_LD, SKF_AD_OFF};
    use crate::filter::{compile, compile_for, Target};

    fn listing(text: &str, tags: VlanTags, optimize: bool) -> Vec<String> {
        let target = Target {
            linktype: 1,
            snaplen: 262144,
            netmask: 0xffff_ffff,
            savefile: None,
        };
        let p = compile_for(text, target, tags, optimize).expect("compiles");
        p.insns()
            .iter()
            .enumerate()
            .map(|(n, i)| image(i, n as i32))
            .collect()
    }

    /// libpcap 1.10.3's unoptimised listing on a live Ethernet handle (tcpdump -O -d -i lo),
    /// whitespace aside.
    const VLAN_5_AND_IP: &str = "ld #0x0|st M[0]|st M[1]|ldb [vlanp]|jeq #0x1 jt 17 jf 5|\
        ld M[0]|add #4|st M[0]|ld M[1]|add #4|st M[1]|ldh [12]|jeq #0x8100 jt 17 jf 13|\
        ldh [12]|jeq #0x88a8 jt 17 jf 15|ldh [12]|jeq #0x9100 jt 17 jf 28|ldb [vlanp]|\
        jeq #0x1 jt 19 jf 21|ldb [vlan_tci]|ja 22|ldh [14]|and #0xfff|jeq #0x5 jt 24 jf 28|\
        ldx M[1]|ldh [x + 12]|jeq #0x800 jt 27 jf 28|ret #262144|ret #0";

    /// `ldb [k]` when k is an ancillary offset (anything else: a value no insn equals).
    fn ldb_ancillary(k: u32) -> crate::bpf::Insn {
        let code = if k >= SKF_AD_OFF {
            BPF_LD | BPF_B | BPF_ABS
        } else {
            0xffff
        };
        crate::bpf::Insn::stmt(code, k)
    }

    fn squeeze(line: &str) -> String {
        // Drop the "(nnn)" and collapse blanks.
        line[5..].split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn live_vlan_reads_the_metadata_as_libpcap_lays_it_out() {
        let got: Vec<String> = listing("vlan 5 and ip", VlanTags::Ancillary, false)
            .iter()
            .map(|l| squeeze(l))
            .collect();
        let want: Vec<&str> = VLAN_5_AND_IP.split('|').map(str::trim).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn the_prologue_zeroes_the_words_of_the_final_offsets() {
        // After `pppoes` the linktype offset is the payload's word: libpcap zeroes it twice.
        let got = listing("vlan and pppoes", VlanTags::Ancillary, false);
        let head: Vec<String> = got[..3].iter().map(|l| squeeze(l)).collect();
        assert_eq!(head, ["ld #0x0", "st M[0]", "st M[0]"]);
    }

    #[test]
    fn only_the_first_vlan_on_a_fixed_link_header_reads_the_metadata() {
        let count = |text: &str| {
            listing(text, VlanTags::Ancillary, false)
                .iter()
                .filter(|l| l.contains("[vlanp]"))
                .count()
        };
        assert_eq!(count("vlan and vlan"), 1);
        assert_eq!(count("vlan 1 or vlan 2"), 2); // the present test and the id block
        assert_eq!(count("geneve and vlan"), 0);
        // By link type, as measured on libpcap: NETANALYZER too, 802.11 not.
        for (linktype, uses) in [(240, true), (241, true), (105, false), (127, false)] {
            let target = Target {
                linktype,
                snaplen: 262144,
                netmask: 0xffff_ffff,
                savefile: None,
            };
            let p = compile_for("vlan", target, VlanTags::Ancillary, false).expect("compiles");
            let reads = p.insns().iter().any(|i| *i == ldb_ancillary(i.k));
            assert_eq!(reads, uses, "link type {linktype}");
        }
        // Dead and savefile handles: in the packet only, as before.
        let target = Target {
            linktype: 1,
            snaplen: 262144,
            netmask: 0xffff_ffff,
            savefile: None,
        };
        let dead = compile("vlan 5 and ip", target, false).expect("compiles");
        assert!(dead.insns().iter().all(|i| *i != ldb_ancillary(i.k)));
    }
}
