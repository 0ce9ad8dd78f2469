//! IPv4, IPv6 and ARP: hosts, networks, protocol numbers and TCP/UDP/SCTP ports, with
//! libpcap's rules for which qualifiers fit which address, and its messages when they don't.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::link::ethertype;
use super::{dir_name, proto_name, Gen};
use crate::bpf::insn::*;
use crate::bpf::Insn;
use crate::filter::ast::*;
use crate::filter::cfg::Frag;
use crate::filter::parse::QUAL_SYNTAX;
use crate::names::netdb;

const IPPROTO_TCP: u32 = 6;
const IPPROTO_UDP: u32 = 17;
const IPPROTO_SCTP: u32 = 132;

fn ld(size: u16, off: u32) -> Insn {
    Insn::stmt(BPF_LD | size | BPF_ABS, off)
}

/// A dotted IPv4 text with 1 to 4 parts: its value (parts packed from the top byte) and the
/// number of bits given. Err for a part above 255.
fn parse_hid(text: &str) -> Result<(u32, u32), String> {
    let mut v: u32 = 0;
    let mut n = 0;
    for part in text.split('.') {
        let p: u32 = part
            .parse()
            .map_err(|_| format!("invalid IPv4 address '{text}'"))?;
        if p > 255 {
            return Err(format!("invalid IPv4 address '{text}'"));
        }
        v = (v << 8) | p;
        n += 1;
    }
    Ok((v << (8 * (4 - n)), 8 * n))
}

/// A DECnet address `area.node` as libpcap 1.10.3 reads it: the first two numbers only
/// (`1.2.3` is 1.2), area in the top 6 bits and node in the low 10, each cut to its field
/// (`17.1024` is 17.0, `64.1` is 0.1). The scanner only hands over dotted digits.
fn parse_decnet(text: &str) -> u32 {
    // Like C's `%d`: an overflowing number saturates and is then cut to an int.
    let num = |p: Option<&str>| -> u32 {
        p.map_or(0, |p| p.parse::<i64>().unwrap_or(i64::MAX) as i32 as u32)
    };
    let mut parts = text.split('.');
    let area = num(parts.next());
    let node = num(parts.next());
    ((area << 10) & 0xfc00) | (node & 0x3ff)
}

fn mask_of(bits: u32) -> u32 {
    if bits == 0 {
        0
    } else {
        u32::MAX << (32 - bits)
    }
}

impl Gen {
    /// `A & mask == value` for the word at `off` of the network-layer header (no `and`
    /// for a full mask).
    fn masked_word(&mut self, off: u32, value: u32, mask: u32) -> Result<Frag, String> {
        let mut s = self.ld_nl(BPF_W, off)?;
        if mask != 0xffff_ffff {
            s.push(Insn::stmt(BPF_ALU | BPF_AND | BPF_K, mask));
        }
        Ok(self.g.eq(s, value))
    }

    /// One direction-combined host/net test on a protocol whose source and destination
    /// addresses sit at `src_off`/`dst_off` of the network header.
    fn hostop(
        &mut self,
        addr: u32,
        mask: u32,
        dir: Dir,
        proto: u32,
        src_off: u32,
        dst_off: u32,
    ) -> Result<Frag, String> {
        self.check_wlan_dir_of(dir, "addresses other than 802.11 MAC addresses")?;
        let one = |g: &mut Gen, off: u32| -> Result<Frag, String> {
            let lt = g.linktype(proto)?;
            let t = g.masked_word(off, addr & mask, mask)?;
            Ok(g.g.and(lt, t))
        };
        match dir {
            Dir::Src => one(self, src_off),
            Dir::Dst => one(self, dst_off),
            Dir::And => {
                let a = one(self, src_off)?;
                let b = one(self, dst_off)?;
                Ok(self.g.and(a, b))
            }
            _ => {
                let a = one(self, src_off)?;
                let b = one(self, dst_off)?;
                Ok(self.g.or(a, b))
            }
        }
    }

    /// IPv4 host or net on the protocols a qualifier allows.
    fn host4(&mut self, addr: u32, mask: u32, q: Qual, is_net: bool) -> Result<Frag, String> {
        let what = if is_net { "net" } else { "host" };
        match q.proto {
            Proto::Default => {
                let a = self.hostop(addr, mask, q.dir, ethertype::IP, 12, 16)?;
                // Under MPLS only IP can follow the label stack.
                if self.link.mpls_depth > 0 {
                    return Ok(a);
                }
                let b = self.hostop(addr, mask, q.dir, ethertype::ARP, 14, 24)?;
                let c = self.hostop(addr, mask, q.dir, ethertype::REVARP, 14, 24)?;
                let ab = self.g.or(a, b);
                Ok(self.g.or(ab, c))
            }
            Proto::Ip => self.hostop(addr, mask, q.dir, ethertype::IP, 12, 16),
            Proto::Arp => self.hostop(addr, mask, q.dir, ethertype::ARP, 14, 24),
            Proto::Rarp => self.hostop(addr, mask, q.dir, ethertype::REVARP, 14, 24),
            Proto::Link => Err(format!("link-layer modifier applied to {what}")),
            Proto::Ip6 => Err("'ip6' modifier applied to ip host".into()),
            Proto::Atalk => Err("AppleTalk host filtering not implemented".into()),
            Proto::Aarp => Err("AARP host filtering not implemented".into()),
            Proto::Lat => Err("LAT host filtering not implemented".into()),
            Proto::Sca => Err("SCA host filtering not implemented".into()),
            Proto::Moprc => Err("MOPRC host filtering not implemented".into()),
            Proto::Mopdl => Err("MOPDL host filtering not implemented".into()),
            Proto::Iso => Err("ISO host filtering not implemented".into()),
            Proto::Ipx => Err("IPX host filtering not implemented".into()),
            p => Err(format!("'{}' modifier applied to {what}", proto_name(p))),
        }
    }

    /// IPv6 host or net.
    fn host6(
        &mut self,
        addr: [u8; 16],
        mask: [u8; 16],
        q: Qual,
        is_net: bool,
    ) -> Result<Frag, String> {
        let what = if is_net { "ip6 net" } else { "ip6 host" };
        match q.proto {
            Proto::Default | Proto::Ip6 => {}
            Proto::Atalk => return Err(format!("AppleTalk modifier applied to {what}")),
            Proto::Link => return Err(format!("link-layer modifier applied to {what}")),
            p => return Err(format!("'{}' modifier applied to {what}", proto_name(p))),
        }
        self.check_wlan_dir_of(q.dir, "addresses other than 802.11 MAC addresses")?;
        let one = |g: &mut Gen, off: u32| -> Result<Frag, String> {
            let lt = g.linktype(ethertype::IPV6)?;
            let mut f: Option<Frag> = None;
            for i in 0..4 {
                let w = u32::from_be_bytes([
                    addr[4 * i],
                    addr[4 * i + 1],
                    addr[4 * i + 2],
                    addr[4 * i + 3],
                ]);
                let m = u32::from_be_bytes([
                    mask[4 * i],
                    mask[4 * i + 1],
                    mask[4 * i + 2],
                    mask[4 * i + 3],
                ]);
                let t = g.masked_word(off + 4 * i as u32, w & m, m)?;
                f = Some(match f {
                    None => t,
                    Some(a) => g.g.and(a, t),
                });
            }
            let f = f.expect("four words");
            Ok(g.g.and(lt, f))
        };
        match q.dir {
            Dir::Src => one(self, 8),
            Dir::Dst => one(self, 24),
            Dir::And => {
                let a = one(self, 8)?;
                let b = one(self, 24)?;
                Ok(self.g.and(a, b))
            }
            _ => {
                let a = one(self, 8)?;
                let b = one(self, 24)?;
                Ok(self.g.or(a, b))
            }
        }
    }

    /// One DECnet address field, in its four layouts (short or long header, with or
    /// without one padding byte).
    fn decnet_addr(&mut self, addr: u32, short: u32, long: u32) -> Result<Frag, String> {
        let dn = self.linktype(ethertype::DN)?;
        let k = ((addr & 0xff) << 8) | (addr >> 8);
        let mut f: Option<Frag> = None;
        for (flags, padded, off) in [
            (2, false, short),
            (2, true, short + 1),
            (6, false, long),
            (6, true, long + 1),
        ] {
            // The routing header follows a 2-byte length field.
            let mut s = if padded {
                self.ld_nl(BPF_H, 2)?
            } else {
                self.ld_nl(BPF_B, 2)?
            };
            let (m, v) = if padded {
                (0xff07, 0x8100 | flags)
            } else {
                (0x7, flags)
            };
            s.push(Insn::stmt(BPF_ALU | BPF_AND | BPF_K, m));
            let hdr = self.g.eq(s, v);
            let a = self.ld_nl(BPF_H, off + 2)?;
            let t = self.g.eq(a, k);
            let x = self.g.and(hdr, t);
            f = Some(match f {
                None => x,
                Some(p) => self.g.or(p, x),
            });
        }
        Ok(self.g.and(dn, f.expect("four layouts")))
    }

    fn decnet_host(&mut self, addr: u32, dir: Dir) -> Result<Frag, String> {
        self.check_wlan_dir_of(dir, "addresses other than 802.11 MAC addresses")?;
        Ok(match dir {
            Dir::Src => self.decnet_addr(addr, 3, 15)?,
            Dir::Dst => self.decnet_addr(addr, 1, 7)?,
            Dir::And => {
                let s = self.decnet_addr(addr, 3, 15)?;
                let d = self.decnet_addr(addr, 1, 7)?;
                self.g.and(s, d)
            }
            _ => {
                let s = self.decnet_addr(addr, 3, 15)?;
                let d = self.decnet_addr(addr, 1, 7)?;
                self.g.or(s, d)
            }
        })
    }

    /// `ip proto n`: IPv4 with protocol field n.
    pub fn ip_proto(&mut self, n: u32) -> Result<Frag, String> {
        let ip = self.linktype(ethertype::IP)?;
        let s = self.ld_nl(BPF_B, 9)?;
        let t = self.g.eq(s, n);
        Ok(self.g.and(ip, t))
    }

    /// The IPv6 next header is n, directly or after a fragment header.
    pub fn ip6_nexthdr(&mut self, n: u32) -> Result<Frag, String> {
        let s = self.ld_nl(BPF_B, 6)?;
        let direct = self.g.eq(s, n);
        let s = self.ld_nl(BPF_B, 6)?;
        let frag = self.g.eq(s, 44);
        let s = self.ld_nl(BPF_B, 40)?;
        let inner = self.g.eq(s, n);
        let viafrag = self.g.and(frag, inner);
        Ok(self.g.or(direct, viafrag))
    }

    /// `ip6 proto n`.
    pub fn ip6_proto(&mut self, n: u32) -> Result<Frag, String> {
        let ip6 = self.linktype(ethertype::IPV6)?;
        let t = self.ip6_nexthdr(n)?;
        Ok(self.g.and(ip6, t))
    }

    /// Protocol n over IPv4 or IPv6.
    fn ip_or_ip6_proto(&mut self, n: u32) -> Result<Frag, String> {
        let a = self.ip_proto(n)?;
        let b = self.ip6_proto(n)?;
        Ok(self.g.or(a, b))
    }

    /// A load at `off` from the 802.2 LLC header (OSI packets follow its 3 bytes). Links
    /// without LLC put the OSI packet right at the payload (C-HDLC after one byte).
    fn ld_llc(&mut self, size: u16, off: u32) -> Result<Vec<Insn>, String> {
        use super::link::Kind;
        let l = self.link;
        if l.pppoes {
            // PPP (here inside PPPoE) carries OSI packets without an LLC header.
            return self.ld_pl(size, off - 3);
        }
        if let Some(at) = l.tunnel_osi {
            return self.ld_pl(size, at.wrapping_add(off - 3));
        }
        match l.kind {
            Kind::Llc | Kind::Sunatm => Ok(vec![ld(size, l.off_linkpl - 8 + off)]),
            Kind::Ether | Kind::Lane | Kind::Wlan => self.ld_pl(size, off),
            Kind::Direct if matches!(self.dlt, 104 | 112) => self.ld_pl(size, off - 2),
            Kind::Magic { osi, .. } => self.ld_pl(size, osi.wrapping_add(off - 3)),
            _ => self.ld_pl(size, off - 3),
        }
    }

    /// `iso proto n`.
    pub fn iso_proto(&mut self, n: u32) -> Result<Frag, String> {
        if self.link.kind == super::link::Kind::Frelay && !self.link.pppoes {
            // Frame Relay: the Q.922 UI control byte and the NLPID together, as libpcap.
            let s = self.ld_type(BPF_H, 0)?;
            return Ok(self.g.eq(s, 0x0300 | n));
        }
        let iso = self.linktype(0xfe)?;
        let s = self.ld_llc(BPF_B, 3)?;
        let t = self.g.eq(s, n);
        Ok(self.g.and(iso, t))
    }

    /// `isis proto n`: the IS-IS PDU type.
    pub fn isis_proto(&mut self, n: u32) -> Result<Frag, String> {
        let isis = self.iso_proto(0x83)?;
        // The PDU type: 4 bytes past the LLC header, or 4 past a payload without one.
        let s = match self.link.kind {
            super::link::Kind::Llc
            | super::link::Kind::Sunatm
            | super::link::Kind::Ether
            | super::link::Kind::Lane
            | super::link::Kind::Wlan
            | super::link::Kind::Magic { .. } => self.ld_llc(BPF_B, 7)?,
            _ => self.ld_pl(BPF_B, 4)?,
        };
        let t = self.g.eq(s, n);
        Ok(self.g.and(isis, t))
    }

    fn isis_pdus(&mut self, types: &[u32]) -> Result<Frag, String> {
        let mut f: Option<Frag> = None;
        for &t in types {
            let x = self.isis_proto(t)?;
            f = Some(match f {
                None => x,
                Some(a) => self.g.or(a, x),
            });
        }
        Ok(f.expect("a PDU type"))
    }

    /// Not a non-first IPv4 fragment.
    pub fn ipv4_not_fragment(&mut self) -> Result<Frag, String> {
        let s = self.ld_nl(BPF_H, 6)?;
        let t = self.g.test(s, BPF_JMP | BPF_JSET | BPF_K, 0x1fff);
        Ok(self.g.not(t))
    }

    /// A protocol name used alone.
    pub fn proto_abbrev(&mut self, p: Proto) -> Result<Frag, String> {
        match p {
            Proto::Ip => self.linktype(ethertype::IP),
            Proto::Ip6 => self.linktype(ethertype::IPV6),
            Proto::Arp => self.linktype(ethertype::ARP),
            Proto::Rarp => self.linktype(ethertype::REVARP),
            Proto::Atalk => self.linktype(ethertype::ATALK),
            Proto::Aarp => self.linktype(ethertype::AARP),
            Proto::Decnet => self.linktype(ethertype::DN),
            Proto::Lat => self.linktype(ethertype::LAT),
            Proto::Sca => self.linktype(ethertype::SCA),
            Proto::Moprc => self.linktype(ethertype::MOPRC),
            Proto::Mopdl => self.linktype(ethertype::MOPDL),
            Proto::Ipx => self.linktype(ethertype::IPX),
            Proto::Iso => self.linktype(0xfe),
            Proto::Esis => self.iso_proto(0x82),
            Proto::Isis => self.iso_proto(0x83),
            Proto::Clnp => self.iso_proto(0x81),
            Proto::IsisL1 => self.isis_pdus(&[0x1a, 0x18, 0x12, 0x0f, 0x11]),
            Proto::IsisL2 => self.isis_pdus(&[0x1b, 0x19, 0x14, 0x10, 0x11]),
            Proto::IsisIih => self.isis_pdus(&[0x11, 0x0f, 0x10]),
            Proto::IsisLsp => self.isis_pdus(&[0x12, 0x14]),
            Proto::IsisSnp => self.isis_pdus(&[0x1b, 0x1a, 0x18, 0x19]),
            Proto::IsisCsnp => self.isis_pdus(&[0x18, 0x19]),
            Proto::IsisPsnp => self.isis_pdus(&[0x1a, 0x1b]),
            Proto::Stp => self.linktype(0x42),
            Proto::Netbeui => self.linktype(0xf0),
            Proto::Tcp => self.ip_or_ip6_proto(IPPROTO_TCP),
            Proto::Udp => self.ip_or_ip6_proto(IPPROTO_UDP),
            Proto::Sctp => self.ip_or_ip6_proto(IPPROTO_SCTP),
            Proto::Icmp => self.ip_proto(1),
            Proto::Igmp => self.ip_proto(2),
            Proto::Igrp => self.ip_proto(9),
            Proto::Pim => self.ip_or_ip6_proto(103),
            Proto::Vrrp | Proto::Carp => self.ip_proto(112),
            Proto::Icmp6 => self.ip6_proto(58),
            Proto::Ah => self.ip_or_ip6_proto(51),
            Proto::Esp => self.ip_or_ip6_proto(50),
            Proto::Link => Err("link layer applied in wrong context".into()),
            Proto::Radio => Err("'radio' is not a valid protocol type".into()),
            p => Err(format!(
                "'{}' is not supported by this compiler yet",
                proto_name(p)
            )),
        }
    }

    /// The port test on one protocol given the header offsets (IPv4 uses X = header length).
    fn port_tests(
        &mut self,
        v6: bool,
        dir: Dir,
        test: &mut dyn FnMut(&mut Gen, Vec<Insn>) -> Frag,
    ) -> Result<Frag, String> {
        let mut at = |g: &mut Gen, off: u32| -> Result<Frag, String> {
            if v6 {
                let s = g.ld_nl(BPF_H, 40 + off)?;
                Ok(test(g, s))
            } else {
                let mut s = g.ipv4_payload_x()?;
                s.push(Insn::stmt(
                    BPF_LD | BPF_H | BPF_IND,
                    g.nl().wrapping_add(off),
                ));
                Ok(test(g, s))
            }
        };
        Ok(match dir {
            Dir::Src => at(self, 0)?,
            Dir::Dst => at(self, 2)?,
            Dir::And => {
                let a = at(self, 0)?;
                let b = at(self, 2)?;
                self.g.and(a, b)
            }
            _ => {
                let a = at(self, 0)?;
                let b = at(self, 2)?;
                self.g.or(a, b)
            }
        })
    }

    /// Ports over IPv6 then IPv4 for the given IP protocols.
    /// Ports `lo..=hi` (a range test for `portrange`, even of one port, as in libpcap).
    fn ports(&mut self, protos: &[u32], dir: Dir, lo: u32, hi: u32) -> Result<Frag, String> {
        self.check_wlan_dir_of(dir, self.port_what)?;
        let range = self.port_what == "port ranges";
        let mut test = move |g: &mut Gen, s: Vec<Insn>| -> Frag {
            if range {
                let a = g.g.test(s.clone(), BPF_JMP | BPF_JGE | BPF_K, lo);
                let b = g.g.test(s, BPF_JMP | BPF_JGT | BPF_K, hi);
                let b = g.g.not(b);
                g.g.and(a, b)
            } else {
                g.g.eq(s, lo)
            }
        };
        // IPv6
        let ip6 = self.linktype(ethertype::IPV6)?;
        let mut any6: Option<Frag> = None;
        for &p in protos {
            let s = self.ld_nl(BPF_B, 6)?;
            let pt = self.g.eq(s, p);
            let t = self.port_tests(true, dir, &mut test)?;
            let f = self.g.and(pt, t);
            any6 = Some(match any6 {
                None => f,
                Some(a) => self.g.or(a, f),
            });
        }
        let six = self.g.and(ip6, any6.expect("a protocol"));
        // IPv4
        let ip = self.linktype(ethertype::IP)?;
        let mut any4: Option<Frag> = None;
        for &p in protos {
            let s = self.ld_nl(BPF_B, 9)?;
            let pt = self.g.eq(s, p);
            let nofrag = self.ipv4_not_fragment()?;
            let t = self.port_tests(false, dir, &mut test)?;
            let nt = self.g.and(nofrag, t);
            let f = self.g.and(pt, nt);
            any4 = Some(match any4 {
                None => f,
                Some(a) => self.g.or(a, f),
            });
        }
        let four = self.g.and(ip, any4.expect("a protocol"));
        Ok(self.g.or(six, four))
    }

    fn port_protos(&self, q: Qual, kind: &str, resolved: Option<u32>) -> Result<Vec<u32>, String> {
        let all = vec![IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP];
        Ok(match q.proto {
            Proto::Tcp => vec![IPPROTO_TCP],
            Proto::Udp => vec![IPPROTO_UDP],
            Proto::Sctp => vec![IPPROTO_SCTP],
            Proto::Default => match resolved {
                Some(p) => vec![p],
                None => all,
            },
            _ => return Err(format!("illegal qualifier of '{kind}'")),
        })
    }

    /// A service defined for one protocol only, asked for with another.
    fn check_port_proto(&self, q: Qual, name: &str, proto: Option<u32>) -> Result<(), String> {
        let what = if q.addr == AddrKind::Portrange {
            "port in range"
        } else {
            "port"
        };
        let want = match q.proto {
            Proto::Tcp => IPPROTO_TCP,
            Proto::Udp => IPPROTO_UDP,
            Proto::Sctp => IPPROTO_SCTP,
            _ => return Ok(()),
        };
        match proto {
            Some(p) if p != want => {
                let is = if p == IPPROTO_TCP { "tcp" } else { "udp" };
                Err(format!("{what} '{name}' is {is}"))
            }
            _ => Ok(()),
        }
    }

    fn check_wlan_dir(&self, q: Qual, what: &str) -> Result<(), String> {
        self.check_wlan_dir_of(q.dir, what)
    }

    fn check_wlan_dir_of(&self, dir: Dir, what: &str) -> Result<(), String> {
        let q = Qual {
            proto: Proto::Default,
            dir,
            addr: AddrKind::Default,
        };
        match q.dir {
            Dir::Addr1 | Dir::Addr2 | Dir::Addr3 | Dir::Addr4 => {
                let n = &dir_name(q.dir)[4..];
                Err(format!(
                    "'addr{n}' and 'address{n}' are not valid qualifiers for {what}"
                ))
            }
            Dir::Ra | Dir::Ta => Err(format!(
                "'{}' is not a valid qualifier for {what}",
                dir_name(q.dir)
            )),
            _ => Ok(()),
        }
    }

    /// A qualified id: host, net, port, portrange, proto, gateway.
    pub fn id(&mut self, q: Qual, id: Id) -> Result<Frag, String> {
        let what = match q.addr {
            AddrKind::Port => "ports",
            AddrKind::Portrange => "port ranges",
            _ => "addresses other than 802.11 MAC addresses",
        };
        if matches!(q.addr, AddrKind::Port | AddrKind::Portrange)
            && self.link.kind == super::link::Kind::NotImplemented
        {
            return Err(super::link::not_implemented(self.dlt));
        }
        self.port_what = if q.addr == AddrKind::Portrange {
            "port ranges"
        } else {
            "ports"
        };
        // Hosts, nets and ports check the 802.11-only directions where libpcap does: after
        // the address is read and the protocol qualifier is checked.
        let checked_later = matches!(
            q.addr,
            AddrKind::Default
                | AddrKind::Host
                | AddrKind::Net
                | AddrKind::Port
                | AddrKind::Portrange
        );
        let link_name = matches!(id, Id::Name(_)) && q.proto == Proto::Link;
        if !matches!(id, Id::Eid(_) | Id::Aid(_)) && !link_name && !checked_later {
            self.check_wlan_dir(q, what)?;
        }
        // A bare id after a primitive with no qualifiers to pass on (`tcp and x`) gets
        // "undefined" ones: each kind of id then fails where libpcap's code for it does.
        match id {
            Id::Num(v)
                if q.proto == Proto::Decnet
                    && matches!(q.addr, AddrKind::Default | AddrKind::Host | AddrKind::Net) =>
            {
                self.decnet_host(v & 0xffff, q.dir)
            }
            Id::Num(v) => self.num_id(q, v),
            Id::Hid(text) => {
                // The grammar refuses these before the address is read.
                match q.addr {
                    AddrKind::Port => return Err("'port' modifier applied to ip host".into()),
                    AddrKind::Portrange => {
                        return Err("'portrange' modifier applied to ip host".into())
                    }
                    AddrKind::Proto => return Err("'proto' modifier applied to ip host".into()),
                    AddrKind::Protochain => {
                        return Err("'protochain' modifier applied to ip host".into())
                    }
                    _ => {}
                }
                let (v, bits) = if q.proto == Proto::Decnet {
                    (parse_decnet(&text), 32)
                } else {
                    parse_hid(&text)?
                };
                match q.addr {
                    AddrKind::Default | AddrKind::Host | AddrKind::Net => {
                        if q.proto == Proto::Decnet {
                            return self.decnet_host(v, q.dir);
                        }
                        if q.proto == Proto::Link {
                            return Err("illegal link layer address".into());
                        }
                        let mask = mask_of(bits);
                        self.host4(v, mask, q, q.addr == AddrKind::Net)
                    }
                    AddrKind::Gateway => Err("'gateway' requires a name".into()),
                    _ => Err(QUAL_SYNTAX.into()),
                }
            }
            Id::HidLen(text, len) => {
                let (v, _) = parse_hid(&text)?;
                if len > 32 {
                    return Err("mask length must be <= 32".to_string());
                }
                let mask = mask_of(len);
                if v & !mask != 0 {
                    return Err(format!("non-network bits set in \"{text}/{len}\""));
                }
                self.masked_net(q, v, mask)
            }
            Id::HidMask(text, mtext) => {
                let (v, _) = parse_hid(&text)?;
                let (mask, _) = parse_hid(&mtext)?;
                if v & !mask != 0 {
                    return Err(format!("non-network bits set in \"{text} mask {mtext}\""));
                }
                self.masked_net(q, v, mask)
            }
            Id::Hid6(text) | Id::Hid6Len(text, _) if false => unreachable!("{text}"),
            Id::Hid6(text) => self.ip6_id(q, &text, 128, false),
            Id::Hid6Len(text, len) => self.ip6_id(q, &text, len, true),
            Id::Eid(text) => {
                let mac = netdb::parse_mac(&text)
                    .ok_or_else(|| format!("bogus ethernet address {text}"))?;
                match (q.addr, q.proto) {
                    (AddrKind::Default | AddrKind::Host, Proto::Link) => {
                        self.ether_host(mac, q.dir)
                    }
                    _ => Err("ethernet address used in non-ether expression".into()),
                }
            }
            Id::Aid(text) => {
                if self.link.mac != super::link::Mac::Arcnet {
                    return Err("aid supported only on ARCnet".into());
                }
                // libpcap 1.10.3 folds the `$` into the value: (0xd0 + first digit) & 0xff.
                let first = text[1..2]
                    .chars()
                    .next()
                    .and_then(|c| c.to_digit(16))
                    .unwrap_or(0);
                let v = (0xd0 + first) & 0xff;
                match (q.addr, q.proto) {
                    (AddrKind::Default | AddrKind::Host, Proto::Link) => self.arcnet_host(v, q.dir),
                    _ => Err("ARCnet address used in non-arc expression".into()),
                }
            }
            Id::Name(name) => self.name_id(q, &name),
        }
    }

    /// `net a.b.c.d/len` and `net a.b.c.d mask m`: networks only (DECnet takes the low 16
    /// bits of the address as a host).
    fn masked_net(&mut self, q: Qual, v: u32, mask: u32) -> Result<Frag, String> {
        match q.addr {
            AddrKind::Net if q.proto == Proto::Decnet => self.decnet_host(v & 0xffff, q.dir),
            AddrKind::Net => self.host4(v, mask, q, true),
            _ => Err("Mask syntax for networks only".into()),
        }
    }

    fn ip6_id(&mut self, q: Qual, text: &str, len: u32, with_len: bool) -> Result<Frag, String> {
        let addr: Ipv6Addr = text
            .parse()
            .map_err(|_| format!("invalid IPv6 address '{text}'"))?;
        if len > 128 {
            return Err("mask length must be <= 128".into());
        }
        let m: u128 = if len == 0 {
            0
        } else {
            u128::MAX << (128 - len)
        };
        let a = u128::from_be_bytes(addr.octets());
        if a & !m != 0 {
            let shown = if with_len {
                format!("{text}/{len}")
            } else {
                text.to_string()
            };
            return Err(format!("non-network bits set in \"{shown}\""));
        }
        match q.addr {
            AddrKind::Default | AddrKind::Host | AddrKind::Net => {
                if len != 128 && q.addr != AddrKind::Net {
                    return Err("Mask syntax for networks only".into());
                }
                self.host6(addr.octets(), m.to_be_bytes(), q, q.addr == AddrKind::Net)
            }
            _ => Err("invalid qualifier against IPv6 address".into()),
        }
    }

    fn num_id(&mut self, q: Qual, v: u32) -> Result<Frag, String> {
        if q.proto == Proto::Link
            && matches!(q.addr, AddrKind::Default | AddrKind::Host | AddrKind::Net)
        {
            return Err("illegal link layer address".into());
        }
        match q.addr {
            AddrKind::Default | AddrKind::Host => self.host4(v, u32::MAX, q, false),
            AddrKind::Net => {
                let (mut v, mut mask) = (v, u32::MAX);
                while v != 0 && v & 0xff00_0000 == 0 {
                    v <<= 8;
                    mask <<= 8;
                }
                self.host4(v, mask, q, true)
            }
            AddrKind::Port => {
                let protos = self.port_protos(q, "port", None)?;
                if v > 65535 {
                    return Err(format!("illegal port number {v} > 65535"));
                }
                self.ports(&protos, q.dir, v, v)
            }
            AddrKind::Portrange => {
                let protos = self.port_protos(q, "portrange", None)?;
                if v > 65535 {
                    return Err(format!("illegal port number {v} > 65535"));
                }
                self.ports(&protos, q.dir, v, v)
            }
            AddrKind::Proto => self.proto_num(q.proto, v),
            AddrKind::Protochain => self.protochain(q.proto, v),
            AddrKind::Gateway => Err("'gateway' requires a name".into()),
            AddrKind::Undef => Err("syntax error in filter expression".into()),
        }
    }

    fn proto_num(&mut self, p: Proto, v: u32) -> Result<Frag, String> {
        match p {
            Proto::Default => self.ip_or_ip6_proto(v),
            Proto::Ip => self.ip_proto(v),
            Proto::Ip6 => self.ip6_proto(v),
            Proto::Link => self.linktype(v),
            Proto::Iso => self.iso_proto(v),
            Proto::Isis => self.isis_proto(v),
            Proto::Arp | Proto::Rarp | Proto::Sca | Proto::Lat | Proto::Mopdl | Proto::Moprc => {
                Err(format!(
                    "{} does not encapsulate another protocol",
                    match p {
                        Proto::Arp => "arp",
                        Proto::Rarp => "rarp",
                        Proto::Sca => "SCA",
                        Proto::Lat => "LAT",
                        Proto::Mopdl => "MOPDL",
                        _ => "MOPRC",
                    }
                ))
            }
            Proto::Atalk => Err("AppleTalk encapsulation is not specifiable".into()),
            Proto::Decnet => Err("DECNET encapsulation is not specifiable".into()),
            Proto::Clnp => Err("'clnp proto' is not supported".into()),
            p => Err(format!("'{} proto' is bogus", proto_name(p))),
        }
    }

    /// A protocol name for `proto`/`protochain`, resolved as the qualifier says.
    fn proto_by_name(&self, p: Proto, name: &str) -> Result<u32, String> {
        match p {
            Proto::Link => netdb::eproto(name)
                .or_else(|| netdb::llc(name))
                .ok_or_else(|| format!("unknown ether proto '{name}'")),
            Proto::Iso => match name {
                "clnp" => Ok(0x81),
                "esis" => Ok(0x82),
                "isis" => Ok(0x83),
                _ => Err(format!("unknown osi proto '{name}'")),
            },
            Proto::Default | Proto::Ip | Proto::Ip6 => {
                netdb::ip_proto(name).ok_or_else(|| format!("unknown ip proto '{name}'"))
            }
            // Other qualifiers have no protocol names at all.
            _ => Err(format!("unknown protocol: {name}")),
        }
    }

    fn name_id(&mut self, q: Qual, name: &str) -> Result<Frag, String> {
        match q.addr {
            AddrKind::Default | AddrKind::Host => {
                if q.proto == Proto::Link {
                    let what = match (self.dlt, self.link.mac) {
                        (10, _) => "FDDI",
                        (6, _) => "token ring",
                        (122, _) => "Fibre Channel",
                        (_, super::link::Mac::Wlan) => "802.11",
                        (_, super::link::Mac::Six { .. }) => "ether",
                        _ => return Err("only ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel supports link-level host name".into()),
                    };
                    let mac = netdb::ether_host(name)
                        .ok_or_else(|| format!("unknown {what} host '{name}'"))?;
                    return self.ether_host(mac, q.dir);
                }
                if q.proto == Proto::Decnet {
                    return Err(format!(
                        "decnet name support not included, '{name}' cannot be translated\n"
                    ));
                }
                let mut addrs = netdb::host_addrs(name);
                if addrs.is_empty() {
                    return Err(format!("unknown host '{name}'"));
                }
                match q.proto {
                    Proto::Ip => addrs.retain(|a| a.is_ipv4()),
                    Proto::Ip6 => addrs.retain(|a| a.is_ipv6()),
                    _ => {}
                }
                if addrs.is_empty() {
                    return Err(format!(
                        "unknown host '{name}' for specified address family"
                    ));
                }
                let mut f: Option<Frag> = None;
                for a in addrs {
                    let t = match a {
                        std::net::IpAddr::V4(a) => self.host4(u32::from(a), u32::MAX, q, false)?,
                        std::net::IpAddr::V6(a) => self.host6(a.octets(), [0xff; 16], q, false)?,
                    };
                    f = Some(match f {
                        None => t,
                        Some(x) => self.g.or(x, t),
                    });
                }
                Ok(f.expect("one address"))
            }
            AddrKind::Net => {
                let v = netdb::network(name).ok_or_else(|| format!("unknown network '{name}'"))?;
                let (mut v, mut mask) = (v, u32::MAX);
                while v != 0 && v & 0xff00_0000 == 0 {
                    v <<= 8;
                    mask <<= 8;
                }
                let _ = Ipv4Addr::from(v);
                self.host4(v, mask, q, true)
            }
            AddrKind::Port => {
                self.port_protos(q, "port", None)?;
                let (port, proto) =
                    netdb::port(name).ok_or_else(|| format!("unknown port '{name}'"))?;
                self.check_port_proto(q, name, proto)?;
                let protos = self.port_protos(q, "port", proto)?;
                self.ports(&protos, q.dir, port, port)
            }
            AddrKind::Portrange => {
                self.port_protos(q, "portrange", None)?;
                let (lo, hi, proto) = netdb::port_range(name)
                    .ok_or_else(|| format!("unknown port in range '{name}'"))?;
                self.check_port_proto(q, name, proto)?;
                let protos = self.port_protos(q, "portrange", proto)?;
                for p in [lo, hi] {
                    if p < 0 {
                        return Err(format!("illegal port number {p} < 0"));
                    }
                    if p > 65535 {
                        return Err(format!("illegal port number {p} > 65535"));
                    }
                }
                let (lo, hi) = (lo as u32, hi as u32);
                self.ports(&protos, q.dir, lo.min(hi), lo.max(hi))
            }
            AddrKind::Proto => {
                let v = self.proto_by_name(q.proto, name)?;
                self.proto_num(q.proto, v)
            }
            AddrKind::Protochain => {
                let v = self.proto_by_name(q.proto, name)?;
                self.protochain(q.proto, v)
            }
            AddrKind::Gateway => Err("'gateway' not supported in this configuration".into()),
            AddrKind::Undef => Err("syntax error in filter expression".into()),
        }
    }
}
