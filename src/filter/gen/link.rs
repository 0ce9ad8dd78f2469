//! Link layers: where each link type keeps its protocol field and its payload, and how a
//! "the payload is protocol P" test looks on it (Ethernet type, Linux cooked protocol, BSD
//! address family, PPP protocol, raw IP version nibble...).
//!
//! `vlan`, `mpls` and `pppoes` move these offsets for everything compiled after them, as in
//! libpcap; [`LinkState`] carries the current values.

use super::Gen;
use crate::bpf::insn::*;
use crate::bpf::Insn;
use crate::filter::cfg::Frag;

/// Ethernet types used by the generator.
pub mod ethertype {
    pub const IP: u32 = 0x0800;
    pub const ARP: u32 = 0x0806;
    pub const REVARP: u32 = 0x8035;
    pub const IPV6: u32 = 0x86dd;
    pub const ATALK: u32 = 0x809b;
    pub const AARP: u32 = 0x80f3;
    pub const DN: u32 = 0x6003;
    pub const LAT: u32 = 0x6004;
    pub const SCA: u32 = 0x6007;
    pub const MOPRC: u32 = 0x6002;
    pub const MOPDL: u32 = 0x6001;
    pub const IPX: u32 = 0x8137;
    pub const VLAN: u32 = 0x8100;
    pub const QINQ: u32 = 0x88a8;
    pub const QINQ_OLD: u32 = 0x9100;
    pub const MPLS: u32 = 0x8847;
    pub const MPLS_MULTI: u32 = 0x8848;
    pub const PPPOED: u32 = 0x8863;
    pub const PPPOES: u32 = 0x8864;
}

/// How the link type's protocol field is tested.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Ethernet type / 802.3 length at `off_linktype`.
    Ether,
    /// Linux cooked capture (v1 and v2): protocol field, with 802.2 special values.
    Sll,
    /// BSD loopback: address family, host byte order (DLT_NULL) or network order (DLT_LOOP).
    Null { host_order: bool },
    /// Raw IP: the version nibble at `version_off`.
    Raw { version_off: u32 },
    /// Only IPv4 (DLT_IPV4) or only IPv6 (DLT_IPV6).
    OnlyIp { v6: bool },
    /// PPP protocol field.
    Ppp,
    /// Cisco HDLC: Ethernet type at `off_linktype`.
    Chdlc,
}

/// The offsets of the link layer as compilation proceeds.
#[derive(Clone, Copy, Debug)]
pub struct LinkState {
    pub kind: Kind,
    pub off_linktype: u32,
    pub off_linkpl: u32,
    /// Offset of the network header from the link payload (after LLC/SNAP for 802.2 links).
    pub off_nl: u32,
    /// `vlan` was seen: later `vlan`s test the inner tag.
    pub vlan_seen: bool,
    /// Depth of `mpls` primitives seen so far.
    pub mpls_depth: u32,
    /// `pppoes` was seen: the payload is PPP.
    pub pppoes: bool,
}

impl LinkState {
    /// The link layer of a DLT, or None for the types libpcap does not generate code for.
    pub fn for_dlt(dlt: i32) -> Option<LinkState> {
        let s = |kind, off_linktype, off_linkpl, off_nl| LinkState {
            kind,
            off_linktype,
            off_linkpl,
            off_nl,
            vlan_seen: false,
            mpls_depth: 0,
            pppoes: false,
        };
        Some(match dlt {
            1 => s(Kind::Ether, 12, 14, 0),
            113 => s(Kind::Sll, 14, 16, 0),
            276 => s(Kind::Sll, 0, 20, 0),
            0 => s(Kind::Null { host_order: true }, 0, 4, 0),
            108 => s(Kind::Null { host_order: false }, 0, 4, 0),
            12 | 14 => s(Kind::Raw { version_off: 0 }, 0, 0, 0),
            8 => s(Kind::Raw { version_off: 0 }, 0, 16, 0),
            15 => s(Kind::Raw { version_off: 0 }, 0, 24, 0),
            228 => s(Kind::OnlyIp { v6: false }, 0, 0, 0),
            229 => s(Kind::OnlyIp { v6: true }, 0, 0, 0),
            9 | 50 => s(Kind::Ppp, 2, 4, 0),
            104 => s(Kind::Chdlc, 2, 4, 0),
            _ => return None,
        })
    }

    /// Whether this link layer has Ethernet addresses.
    pub fn has_ether_addrs(&self) -> bool {
        self.kind == Kind::Ether
    }
}

fn ld(size: u16, off: u32) -> Insn {
    Insn::stmt(BPF_LD | size | BPF_ABS, off)
}

impl Gen {
    /// "The link payload is protocol `proto`" (an Ethernet type, or an LLC SAP when ≤ 1500).
    pub fn linktype(&mut self, proto: u32) -> Result<Frag, String> {
        let l = self.link;
        if l.pppoes {
            let ppp = ether_to_ppp(proto);
            return Ok(self.g.eq(vec![ld(BPF_H, l.off_linktype)], ppp));
        }
        Ok(match l.kind {
            Kind::Ether => self.ether_linktype(l.off_linktype, proto),
            Kind::Sll => self.sll_linktype(l.off_linktype, proto),
            Kind::Chdlc => self.g.eq(vec![ld(BPF_H, l.off_linktype)], proto),
            Kind::Ppp => {
                let ppp = ether_to_ppp(proto);
                self.g.eq(vec![ld(BPF_H, l.off_linktype)], ppp)
            }
            Kind::Null { host_order } => {
                let af = match proto {
                    ethertype::IP => 2u32,
                    ethertype::IPV6 => 10,
                    _ => return Ok(self.g.constant(false)),
                };
                let k = if host_order { af.swap_bytes() } else { af };
                self.g.eq(vec![ld(BPF_W, l.off_linktype)], k)
            }
            Kind::Raw { version_off } => {
                let v = match proto {
                    ethertype::IP => 0x40,
                    ethertype::IPV6 => 0x60,
                    _ => return Ok(self.g.constant(false)),
                };
                self.g.eq(
                    vec![
                        ld(BPF_B, version_off),
                        Insn::stmt(BPF_ALU | BPF_AND | BPF_K, 0xf0),
                    ],
                    v,
                )
            }
            Kind::OnlyIp { v6 } => {
                let want = if v6 { ethertype::IPV6 } else { ethertype::IP };
                self.g.constant(proto == want)
            }
        })
    }

    fn ether_linktype(&mut self, off: u32, proto: u32) -> Frag {
        let l = self.link;
        match proto {
            // LLC SAPs: an 802.3 length field, then the SAP.
            0xfe | 0x42 => {
                let len = self
                    .g
                    .test(vec![ld(BPF_H, off)], BPF_JMP | BPF_JGT | BPF_K, 1500);
                let len = self.g.not(len);
                let sap = if proto == 0xfe { 0xfefe } else { 0 };
                let t = if proto == 0xfe {
                    self.g.eq(vec![ld(BPF_H, l.off_linkpl)], sap)
                } else {
                    self.g.eq(vec![ld(BPF_B, l.off_linkpl)], proto)
                };
                self.g.and(len, t)
            }
            0xf0 => {
                let len = self
                    .g
                    .test(vec![ld(BPF_H, off)], BPF_JMP | BPF_JGT | BPF_K, 1500);
                let len = self.g.not(len);
                let t = self.g.eq(vec![ld(BPF_H, l.off_linkpl)], 0xf0f0);
                self.g.and(len, t)
            }
            ethertype::IPX => {
                let a = self.g.eq(vec![ld(BPF_H, off)], ethertype::IPX);
                let len = self
                    .g
                    .test(vec![ld(BPF_H, off)], BPF_JMP | BPF_JGT | BPF_K, 1500);
                let len = self.g.not(len);
                let snap = self.snap(l.off_linkpl, 0x000000, ethertype::IPX);
                let sap = self.g.eq(vec![ld(BPF_B, l.off_linkpl)], 0xe0);
                let raw = self.g.eq(vec![ld(BPF_H, l.off_linkpl)], 0xffff);
                let o = self.g.or(snap, sap);
                let o = self.g.or(o, raw);
                let b = self.g.and(len, o);
                self.g.or(a, b)
            }
            ethertype::ATALK | ethertype::AARP => {
                let a = self.g.eq(vec![ld(BPF_H, off)], proto);
                let len = self
                    .g
                    .test(vec![ld(BPF_H, off)], BPF_JMP | BPF_JGT | BPF_K, 1500);
                let len = self.g.not(len);
                let oui = if proto == ethertype::ATALK {
                    0x080007
                } else {
                    0
                };
                let snap = self.snap(l.off_linkpl, oui, proto);
                let b = self.g.and(len, snap);
                self.g.or(a, b)
            }
            p if p <= 1500 => {
                let len = self
                    .g
                    .test(vec![ld(BPF_H, off)], BPF_JMP | BPF_JGT | BPF_K, 1500);
                let len = self.g.not(len);
                let t = self.g.eq(vec![ld(BPF_B, l.off_linkpl)], p);
                self.g.and(len, t)
            }
            p => self.g.eq(vec![ld(BPF_H, off)], p),
        }
    }

    /// An 802.2 SNAP header with this OUI and type at `off`.
    fn snap(&mut self, off: u32, oui: u32, ty: u32) -> Frag {
        let t = self.g.eq(vec![ld(BPF_W, off + 4)], oui << 16 | ty);
        let h = self.g.eq(vec![ld(BPF_W, off)], 0xaaaa_0300 | (oui >> 16));
        self.g.and(t, h)
    }

    fn sll_linktype(&mut self, off: u32, proto: u32) -> Frag {
        let l = self.link;
        match proto {
            0xfe | 0x42 | 0xf0 => {
                let llc = self.g.eq(vec![ld(BPF_H, off)], 4);
                let t = match proto {
                    0xfe => self.g.eq(vec![ld(BPF_H, l.off_linkpl)], 0xfefe),
                    0xf0 => self.g.eq(vec![ld(BPF_H, l.off_linkpl)], 0xf0f0),
                    _ => self.g.eq(vec![ld(BPF_B, l.off_linkpl)], proto),
                };
                self.g.and(llc, t)
            }
            p if p <= 1500 => {
                let llc = self.g.eq(vec![ld(BPF_H, off)], 4);
                let t = self.g.eq(vec![ld(BPF_B, l.off_linkpl)], p);
                self.g.and(llc, t)
            }
            p => self.g.eq(vec![ld(BPF_H, off)], p),
        }
    }
}

/// The PPP protocol number for an Ethernet type (libpcap's mapping).
fn ether_to_ppp(proto: u32) -> u32 {
    match proto {
        ethertype::IP => 0x0021,
        ethertype::IPV6 => 0x0057,
        ethertype::DN => 0x0027,
        ethertype::ATALK => 0x0029,
        ethertype::IPX => 0x002b,
        ethertype::MPLS => 0x0281,
        0xfe => 0x0023,
        0x42 => 0x0031,
        0xf0 => 0x003f,
        p => p,
    }
}
