//! The code generator: primitives -> control-flow graph of tests.
//!
//! [`Gen`] implements the parser's [`Sink`]: it receives each primitive as the parser
//! completes it, so errors come out in libpcap's order, and the link-layer offsets that
//! `vlan`/`mpls`/`pppoes`/`geneve` move apply to everything read after them. One `Gen`
//! compiles one expression and owns all its state; nothing is global.
//!
//! Submodules, one per family: [`link`] (link layers and their protocol fields),
//! [`varoff`] (offsets known only at run time, and the prologue computing them),
//! [`wlan`] (802.11), [`geneve`] (Geneve tunnels), [`inet`] (IPv4/IPv6/ARP hosts, nets,
//! protocols, ports), [`arith`] (loads, arithmetic, relations).

pub mod arith;
pub mod geneve;
pub mod inet;
pub mod link;
pub mod other;
pub mod protochain;
pub mod varoff;
pub mod vlan;
pub mod wlan;

use self::arith::Value;
use self::link::{ethertype, LinkState};
use super::ast::*;
use super::cfg::{Frag, Graph};
use super::parse::Sink;
use crate::bpf::insn::*;
use crate::bpf::Insn;

#[derive(PartialEq)]
enum PrimKind {
    Inbound,
    Other,
}

/// Compilation state for one expression.
/// Linux's ancillary-data loads (`SKF_AD_*`): outside the kernel such a load fails, so a
/// program using one rejects every packet, as libpcap's does.
const SKF_AD_PKTTYPE: u32 = 4;
const SKF_AD_IFINDEX: u32 = 8;

/// The Juniper link types, whose pseudo-header starts with a magic number and a flags byte.
fn is_juniper(dlt: i32) -> bool {
    matches!(dlt, 130..=137 | 164 | 167 | 168 | 178..=181 | 183 | 194 | 200 | 232..=234 | 238)
}

pub struct Gen {
    pub g: Graph,
    pub dlt: i32,
    pub link: LinkState,
    pub netmask: u32,
    /// `Some(swapped)` when compiling for a savefile handle (see `filter::Target`).
    pub savefile: Option<bool>,
    /// The link type named in "no VLAN support" once `pppoes` has made the payload PPP.
    vlan_name: Option<&'static str>,
    /// Where `vlan` looks for tags, and what it has done so far (see [`vlan`]).
    pub vlan: vlan::VlanState,
    regs_used: u32,
    next_reg: u32,
    /// The scratch words holding run-time link offsets, once something used them.
    var: varoff::VarRegs,
    /// "ports" or "port ranges", for the 802.11-direction message of the id being compiled.
    pub(crate) port_what: &'static str,
    /// Set by code the optimizer must not touch (`protochain`'s loop): libpcap then skips
    /// optimisation for the whole program.
    pub no_optimize: bool,
}

/// libpcap's name for a protocol qualifier, as it appears in messages.
pub fn proto_name(p: Proto) -> &'static str {
    match p {
        Proto::Default => "default",
        Proto::Link => "link",
        Proto::Ip => "ip",
        Proto::Arp => "arp",
        Proto::Rarp => "rarp",
        Proto::Sctp => "sctp",
        Proto::Tcp => "tcp",
        Proto::Udp => "udp",
        Proto::Icmp => "icmp",
        Proto::Igmp => "igmp",
        Proto::Igrp => "igrp",
        Proto::Pim => "pim",
        Proto::Vrrp => "vrrp",
        Proto::Carp => "carp",
        Proto::Atalk => "atalk",
        Proto::Aarp => "aarp",
        Proto::Decnet => "decnet",
        Proto::Lat => "lat",
        Proto::Sca => "sca",
        Proto::Moprc => "moprc",
        Proto::Mopdl => "mopdl",
        Proto::Ip6 => "ip6",
        Proto::Icmp6 => "icmp6",
        Proto::Ah => "ah",
        Proto::Esp => "esp",
        Proto::Iso => "iso",
        Proto::Esis => "esis",
        Proto::Isis => "isis",
        Proto::IsisL1 => "l1",
        Proto::IsisL2 => "l2",
        Proto::IsisIih => "iih",
        Proto::IsisLsp => "lsp",
        Proto::IsisSnp => "snp",
        Proto::IsisCsnp => "csnp",
        Proto::IsisPsnp => "psnp",
        Proto::Clnp => "clnp",
        Proto::Stp => "stp",
        Proto::Ipx => "ipx",
        Proto::Netbeui => "netbeui",
        Proto::Radio => "radio",
        Proto::Undef => "undefined",
    }
}

/// libpcap's name for a direction qualifier, as it appears in messages.
pub fn dir_name(d: Dir) -> &'static str {
    match d {
        Dir::Src => "src",
        Dir::Dst => "dst",
        Dir::Or => "src or dst",
        Dir::And => "src and dst",
        Dir::Addr1 => "addr1",
        Dir::Addr2 => "addr2",
        Dir::Addr3 => "addr3",
        Dir::Addr4 => "addr4",
        Dir::Ra => "ra",
        Dir::Ta => "ta",
        Dir::Default | Dir::Undef => "",
    }
}

impl Gen {
    /// A generator for a link type; Err with libpcap's message for types it has no code for.
    pub fn new(dlt: i32, netmask: u32) -> Result<Gen, String> {
        let link = LinkState::for_dlt(dlt)
            .ok_or_else(|| format!("unknown data link type {dlt} (min 104, max 289)"))?;
        Ok(Gen {
            g: Graph::default(),
            dlt,
            link,
            netmask,
            savefile: None,
            vlan_name: None,
            vlan: vlan::VlanState::default(),
            regs_used: 0,
            next_reg: 0,
            var: varoff::VarRegs::default(),
            port_what: "ports",
            no_optimize: false,
        })
    }

    /// `ldx 4*([ip header]&0xf)`: X = the IPv4 header length.
    pub fn ldx_iphdrlen(&self) -> Insn {
        Insn::stmt(BPF_LDX | BPF_B | BPF_MSH, self.nl())
    }

    /// Offset of the network-layer header (relative to the run-time payload offset when
    /// the link has one).
    pub fn nl(&self) -> u32 {
        self.link.off_linkpl.wrapping_add(self.link.off_nl)
    }

    fn prim(&mut self, p: Prim) -> Result<Frag, String> {
        let p_kind = if p == Prim::Inbound {
            PrimKind::Inbound
        } else {
            PrimKind::Other
        };
        match p.clone() {
            Prim::Id { q, id } => self.id(q, id),
            Prim::Proto(p) => self.proto_abbrev(p),
            Prim::Relation { .. } => unreachable!("relations arrive through Sink::relation"),
            Prim::Broadcast(p) => self.broadcast(p),
            Prim::Multicast(p) => self.multicast(p),
            Prim::Less(n) => {
                let t = self.g.test(
                    vec![Insn::stmt(BPF_LD | BPF_W | BPF_LEN, 0)],
                    BPF_JMP | BPF_JGT | BPF_K,
                    n,
                );
                Ok(self.g.not(t))
            }
            Prim::Greater(n) => Ok(self.g.test(
                vec![Insn::stmt(BPF_LD | BPF_W | BPF_LEN, 0)],
                BPF_JMP | BPF_JGE | BPF_K,
                n,
            )),
            Prim::Vlan(id) => self.vlan(id),
            Prim::Mpls(label) => self.mpls(label),
            Prim::Pppoed => self.linktype(ethertype::PPPOED),
            Prim::Inbound | Prim::Outbound if self.dlt == 8 && !self.in_tunnel() => {
                // SLIP: a direction byte, 0 for what came in, anything else went out. (libpcap
                // builds the constant it compares with first, so it gets the first word.)
                let c = self.arith_num(0)?;
                let a = self.arith_num(0)?;
                let b = self.arith_load(Proto::Link, a, 1)?;
                let came_in = self.arith_relation(RelOp::Eq, b, c)?;
                Ok(if matches!(p_kind, PrimKind::Inbound) {
                    came_in
                } else {
                    self.g.not(came_in)
                })
            }
            Prim::Inbound | Prim::Outbound => self.direction(matches!(p_kind, PrimKind::Inbound)),
            Prim::Ifindex(i) => self.ifindex(i),
            Prim::Pppoes(id) => self.pppoes(id),
            Prim::PfIfname(_)
            | Prim::PfRuleset(_)
            | Prim::PfRulenum(_)
            | Prim::PfSubrulenum(_)
            | Prim::PfReason(_)
            | Prim::PfAction(_) => self.pflog(&p),
            Prim::Mtp2(t) => self.mtp2(t),
            Prim::Mtp3Field { field, cond } => self.mtp3(field, &cond),
            Prim::AtmField { field, cond } => self.atm_field(field, &cond),
            Prim::Atm(kw) => self.atm_kw(kw),
            Prim::WlanType { ty, subtype } => self.wlan_type(&ty, subtype.as_ref()),
            Prim::WlanSubtype(s) => self.wlan_subtype(&s),
            Prim::WlanDir(d) => self.wlan_dir(&d),
            Prim::Llc(kind) => self.llc(kind.as_deref()),
            Prim::Geneve(vni) => self.geneve(vni),
            Prim::Byte { index, op, value } => Ok(self.byte_op(index, op, value)),
        }
    }

    fn broadcast(&mut self, p: Proto) -> Result<Frag, String> {
        match p {
            Proto::Default | Proto::Link => match self.link.mac {
                link::Mac::Six { dst, .. } => {
                    let has = self.has_mac_header()?;
                    let t = self.ether_addr_test(dst, [0xff; 6])?;
                    Ok(self.and_then(has, t))
                }
                link::Mac::Arcnet => Ok(self.arcnet_dst_is(0)),
                link::Mac::Wlan => self.wlan_broadcast(),
                link::Mac::None => Err("not a broadcast link".to_string()),
            },
            Proto::Ip => {
                if self.netmask == 0xffff_ffff {
                    return Err("netmask not known, so 'ip broadcast' not supported".to_string());
                }
                let ip = self.linktype(ethertype::IP)?;
                let hostmask = !self.netmask;
                let mut s = self.ld_nl(BPF_W, 16)?;
                if hostmask != 0xffff_ffff {
                    s.push(Insn::stmt(BPF_ALU | BPF_AND | BPF_K, hostmask));
                }
                let zero = self.g.eq(s.clone(), 0);
                let ones = self.g.eq(s, hostmask);
                let b = self.g.or(zero, ones);
                Ok(self.g.and(ip, b))
            }
            _ => Err("only link-layer/IP broadcast filters supported".to_string()),
        }
    }

    fn multicast(&mut self, p: Proto) -> Result<Frag, String> {
        match p {
            Proto::Default | Proto::Link => match self.link.mac {
                link::Mac::Six { dst, .. } => {
                    let has = self.has_mac_header()?;
                    let s = self.ld_hdr(BPF_B, dst)?;
                    let t = self.g.test(s, BPF_JMP | BPF_JSET | BPF_K, 1);
                    Ok(self.and_then(has, t))
                }
                link::Mac::Arcnet => Ok(self.arcnet_dst_is(0)),
                link::Mac::Wlan => self.wlan_multicast(),
                link::Mac::None => Err("link-layer multicast filters supported only on ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel".to_string()),
            },
            Proto::Ip => {
                let ip = self.linktype(ethertype::IP)?;
                let s = self.ld_nl(BPF_B, 16)?;
                let t = self.g.test(s, BPF_JMP | BPF_JGE | BPF_K, 0xe0);
                Ok(self.g.and(ip, t))
            }
            Proto::Ip6 => {
                let ip6 = self.linktype(ethertype::IPV6)?;
                let s = self.ld_nl(BPF_B, 24)?;
                let t = self.g.eq(s, 0xff);
                Ok(self.g.and(ip6, t))
            }
            // libpcap 1.10.3 names the link-layer case for every other protocol too.
            _ => Err("link-layer multicast filters supported only on ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel".to_string()),
        }
    }

    /// The ARCnet destination address is `a`.
    fn arcnet_dst_is(&mut self, a: u32) -> Frag {
        self.g.eq(vec![Insn::stmt(BPF_LD | BPF_B | BPF_ABS, 1)], a)
    }

    /// ARCnet address tests by direction.
    pub fn arcnet_host(&mut self, a: u32, dir: Dir) -> Result<Frag, String> {
        let at = |g: &mut Gen, off: u32| g.g.eq(vec![Insn::stmt(BPF_LD | BPF_B | BPF_ABS, off)], a);
        Ok(match dir {
            Dir::Src => at(self, 0),
            Dir::Dst => at(self, 1),
            Dir::And => {
                let s = at(self, 0);
                let d = at(self, 1);
                self.g.and(s, d)
            }
            Dir::Default | Dir::Or => {
                let s = at(self, 0);
                let d = at(self, 1);
                self.g.or(s, d)
            }
            Dir::Ra | Dir::Ta => {
                return Err(format!("'{}' is only supported on 802.11", dir_name(dir)))
            }
            _ => {
                let n = &dir_name(dir)[4..];
                return Err(format!(
                    "'addr{n}' and 'address{n}' are only supported on 802.11"
                ));
            }
        })
    }

    /// The six-byte MAC address at `off` in the link header equals `mac`.
    fn ether_addr_test(&mut self, off: u32, mac: [u8; 6]) -> Result<Frag, String> {
        let lo = u32::from_be_bytes([mac[2], mac[3], mac[4], mac[5]]);
        let hi = u16::from_be_bytes([mac[0], mac[1]]) as u32;
        let s = self.ld_hdr(BPF_W, off + 2)?;
        let a = self.g.eq(s, lo);
        let s = self.ld_hdr(BPF_H, off)?;
        let b = self.g.eq(s, hi);
        Ok(self.g.and(a, b))
    }

    /// "There is a MAC header": inside a Geneve tunnel that carries no Ethernet frame, the
    /// header and payload positions coincide. None (no test) elsewhere.
    fn has_mac_header(&mut self) -> Result<Option<Frag>, String> {
        if self.link.hdr_base != link::Base::Hdr {
            return Ok(None);
        }
        let hdr = self.var_reg(link::Base::Hdr)?;
        let pl = self.var_reg(link::Base::Pl)?;
        let same = self.g.test(
            vec![
                Insn::stmt(BPF_LD | BPF_MEM, hdr),
                Insn::stmt(BPF_LDX | BPF_MEM, pl),
            ],
            BPF_JMP | BPF_JEQ | BPF_X,
            0,
        );
        Ok(Some(self.g.not(same)))
    }

    /// `has && t`, or `t` when there is nothing to check first.
    fn and_then(&mut self, has: Option<Frag>, t: Frag) -> Frag {
        match has {
            Some(h) => self.g.and(h, t),
            None => t,
        }
    }

    /// MAC source/destination address tests by direction.
    pub fn ether_host(&mut self, mac: [u8; 6], dir: Dir) -> Result<Frag, String> {
        if self.link.mac == link::Mac::Wlan {
            return self.wlan_host(mac, dir);
        }
        let link::Mac::Six { dst, src } = self.link.mac else {
            return Err("ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel".into());
        };
        let has = self.has_mac_header()?;
        let t = match dir {
            Dir::Src => self.ether_addr_test(src, mac)?,
            Dir::Dst => self.ether_addr_test(dst, mac)?,
            Dir::And => {
                let s = self.ether_addr_test(src, mac)?;
                let d = self.ether_addr_test(dst, mac)?;
                self.g.and(s, d)
            }
            Dir::Default | Dir::Or => {
                let s = self.ether_addr_test(src, mac)?;
                let d = self.ether_addr_test(dst, mac)?;
                self.g.or(s, d)
            }
            _ => {
                let headers = if matches!(self.link.kind, link::Kind::Ether | link::Kind::Lane) {
                    " with 802.11 headers"
                } else {
                    ""
                };
                return match dir {
                    Dir::Ra | Dir::Ta => Err(format!(
                        "'{}' is only supported on 802.11{headers}",
                        dir_name(dir)
                    )),
                    _ => {
                        let n = &dir_name(dir)[4..];
                        Err(format!(
                            "'addr{n}' and 'address{n}' are only supported on 802.11{headers}"
                        ))
                    }
                };
            }
        };
        Ok(self.and_then(has, t))
    }

    /// `inbound` / `outbound`: the direction field of link types that record one; elsewhere
    /// Linux's packet-type ancillary load, which only a live capture can answer, so a
    /// savefile handle refuses it with libpcap's message.
    fn direction(&mut self, inbound: bool) -> Result<Frag, String> {
        let ld = |size, k| Insn::stmt(BPF_LD | size | BPF_ABS, k);
        // (inbound value, outbound value) for link types whose header holds the direction.
        let exact = |g: &mut Graph, stmts: Vec<Insn>, values: (u32, u32)| {
            g.eq(stmts, if inbound { values.0 } else { values.1 })
        };
        // Linux's PACKET_OUTGOING (4) marks what this host sent; anything else came in.
        let outgoing = |gen: &mut Gen, stmts: Vec<Insn>| {
            let out = gen.g.eq(stmts, 4);
            if inbound {
                gen.g.not(out)
            } else {
                out
            }
        };
        if (self.in_tunnel() || self.link.pppoes) && self.savefile.is_none() {
            // Inside a Geneve tunnel or after `pppoes` libpcap compiles for Ethernet or
            // PPP, and measures the ancillary offset from the inner link header (which the
            // kernel does not recognise either).
            let s = self.ld_hdr(BPF_H, SKF_AD_OFF + SKF_AD_PKTTYPE)?;
            return Ok(outgoing(self, s));
        }
        Ok(match self.dlt {
            113 => outgoing(self, vec![ld(BPF_H, 0)]),
            276 => outgoing(self, vec![ld(BPF_B, 10)]),
            166 => exact(&mut self.g, vec![ld(BPF_B, 0)], (0, 1)),
            117 => exact(&mut self.g, vec![ld(BPF_B, 60)], (1, 2)),
            226 => exact(&mut self.g, vec![ld(BPF_H, 2)], (2, 1)),
            dlt if is_juniper(dlt) => exact(
                &mut self.g,
                vec![ld(BPF_B, 3), Insn::stmt(BPF_ALU | BPF_AND | BPF_K, 1)],
                (1, 0),
            ),
            _ if self.savefile.is_some() => return Err(self.not_on_savefiles("inbound/outbound")),
            _ => {
                // Measured from the link header, even at a run-time position, as libpcap.
                let s = self.ld_hdr(BPF_H, SKF_AD_OFF + SKF_AD_PKTTYPE)?;
                outgoing(self, s)
            }
        })
    }

    /// `ifindex N`: SLL2 records the interface index; elsewhere only a live capture knows it.
    fn ifindex(&mut self, index: u32) -> Result<Frag, String> {
        if self.dlt == 276 {
            return Ok(self
                .g
                .eq(vec![Insn::stmt(BPF_LD | BPF_W | BPF_ABS, 4)], index));
        }
        if self.savefile.is_some() {
            return Err(self.not_on_savefiles("ifindex"));
        }
        let s = self.ld_hdr(BPF_W, SKF_AD_OFF + SKF_AD_IFINDEX)?;
        Ok(self.g.eq(s, index))
    }

    fn not_on_savefiles(&self, what: &str) -> String {
        format!(
            "{what} not supported on {} when reading savefiles",
            crate::names::dlt::description_or_dlt(self.dlt)
        )
    }

    fn mpls(&mut self, label: Option<u32>) -> Result<Frag, String> {
        if let Some(v) = label {
            if v > 0xfffff {
                return Err(format!("MPLS label {v} greater than maximum 1048575"));
            }
        }
        if !self.link.mpls_ok {
            return Err(format!(
                "no MPLS support for {}",
                link::description(self.dlt)
            ));
        }
        let l = self.link;
        let mut f = if l.mpls_depth == 0 {
            self.linktype(ethertype::MPLS)?
        } else {
            // The previous label is not the bottom of the stack.
            // (`off_nl` is at least 4 here: it moved past that label.)
            let mut s = self.ld_pl(BPF_B, l.off_nl - 2)?;
            s.push(Insn::stmt(BPF_ALU | BPF_AND | BPF_K, 1));
            self.g.eq(s, 0)
        };
        if let Some(v) = label {
            let mut s = self.ld_nl(BPF_W, 0)?;
            s.push(Insn::stmt(BPF_ALU | BPF_AND | BPF_K, 0xffff_f000));
            let t = self.g.eq(s, v << 12);
            f = self.g.and(f, t);
        }
        self.link.off_nl += 4;
        self.link.mpls_depth += 1;
        Ok(f)
    }

    fn pppoes(&mut self, id: Option<u32>) -> Result<Frag, String> {
        if let Some(v) = id {
            if v > 0xffff {
                return Err(format!(
                    "PPPoE session number {v} greater than maximum 65535"
                ));
            }
        }
        let mut f = self.linktype(ethertype::PPPOES)?;
        if let Some(v) = id {
            let mut s = self.ld_nl(BPF_W, 0)?;
            s.push(Insn::stmt(BPF_ALU | BPF_AND | BPF_K, 0xffff));
            let t = self.g.eq(s, v);
            f = self.g.and(f, t);
        }
        // The payload is now PPP: its protocol field follows the 6-byte PPPoE header, and
        // libpcap takes that field as the link header from then on (no MAC addresses), in
        // the payload's scratch word: the link header's word, if one was used before, is
        // left to code compiled before (and never filled, as in libpcap).
        let l = &mut self.link;
        l.pppoes = true;
        l.vlan_ok = false;
        l.mpls_ok = true;
        l.mac = link::Mac::None;
        self.vlan_name = Some("PPP");
        l.type_base = l.pl_base;
        l.off_linktype = l.off_linkpl.wrapping_add(l.off_nl).wrapping_add(6);
        l.hdr_base = l.pl_base;
        l.off_linkhdr = l.off_linktype;
        if l.pl_base != link::Base::Packet {
            self.var.hdr = self.var.pl;
        }
        l.off_linkpl = l.off_linkpl.wrapping_add(l.off_nl).wrapping_add(8);
        l.off_nl = 0;
        Ok(f)
    }
}

impl Sink for Gen {
    type F = Frag;
    type A = Value;

    fn prim(&mut self, p: Prim) -> Result<Frag, String> {
        Gen::prim(self, p)
    }
    fn and(&mut self, a: Frag, b: Frag) -> Frag {
        self.g.and(a, b)
    }
    fn or(&mut self, a: Frag, b: Frag) -> Frag {
        self.g.or(a, b)
    }
    fn not(&mut self, a: Frag) -> Frag {
        self.g.not(a)
    }
    fn num(&mut self, v: u32) -> Result<Value, String> {
        self.arith_num(v)
    }
    fn length(&mut self) -> Result<Value, String> {
        self.arith_len()
    }
    fn load(&mut self, proto: Proto, index: Value, size: u32) -> Result<Value, String> {
        self.arith_load(proto, index, size)
    }
    fn neg(&mut self, a: Value) -> Result<Value, String> {
        self.arith_neg(a)
    }
    fn bin(&mut self, op: ArithOp, a: Value, b: Value) -> Result<Value, String> {
        self.arith_bin(op, a, b)
    }
    fn relation(&mut self, op: RelOp, a: Value, b: Value) -> Result<Frag, String> {
        self.arith_relation(op, a, b)
    }
}
