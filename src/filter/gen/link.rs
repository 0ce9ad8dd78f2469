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
    /// XNS IDP, which PPP carries as its own protocol.
    pub const NS: u32 = 0x0600;
}

/// 802.2 SAPs that `ether proto` / `link proto` and the keywords treat specially.
pub mod sap {
    /// `ipx`: Novell IPX, which Ethernet carries in four framings.
    pub const IPX: u32 = 0xe0;
    pub const ISONS: u32 = 0xfe;
    pub const NETBEUI: u32 = 0xf0;
    pub const STP: u32 = 0x42;
}

/// How the link type's protocol field is tested.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Ethernet type / 802.3 length at `off_linktype`.
    Ether,
    /// 802.2 LLC at `off_linkpl - 8` (FDDI, token ring, IP over FC, RFC 1483 ATM): SNAP
    /// types compared at `off_linktype`, SAPs at the LLC header.
    Llc,
    /// Linux cooked capture v1: protocol field, with 802.2 special values.
    Sll,
    /// An Ethernet type compared as it is, whatever its value (Linux cooked v2, C-HDLC,
    /// Symantec firewall, IP over IEEE 1394).
    Direct,
    /// BSD loopback: address family, host byte order (DLT_NULL, DLT_ENC) or network order
    /// (DLT_LOOP).
    Null { host_order: bool },
    /// Raw IP: the version nibble at `version_off`.
    Raw { version_off: u32 },
    /// Only IPv4 (DLT_IPV4) or only IPv6 (DLT_IPV6).
    OnlyIp { v6: bool },
    /// PPP protocol field.
    Ppp,
    /// BSD/OS PPP: IPv4 also as Van Jacobson compressed/uncompressed TCP.
    PppBsdos,
    /// Frame Relay: NLPID.
    Frelay,
    /// ARCnet protocol byte at `off_linktype`.
    Arcnet,
    /// Solaris ipnet: address family byte.
    Ipnet,
    /// LocalTalk: no IP at all.
    Ltalk,
    /// Sun raw ATM: LLC-encapsulated traffic (the low nibble of byte 0 is 2) with the LLC
    /// header at 4.
    Sunatm,
    /// ATM LANE after `lane`: an Ethernet frame after a 2-byte header, LE control frames
    /// (0xff00) excluded.
    Lane,
    /// 802.11 without a radio header: data frames carry an LLC header after a header
    /// whose length depends on the frame (see [`Vl`]).
    Wlan,
    /// OpenBSD pflog: address family byte; a header whose length is in its first byte.
    Pflog,
    /// A link type libpcap knows but generates no protocol tests for.
    NotImplemented,
    /// A link type libpcap generates code for and this compiler does not yet (Juniper,
    /// 802.11 with radio headers, PPI, BACnet MS/TP).
    Unsupported,
}

/// Where a link layer keeps its MAC addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mac {
    None,
    /// Six-byte addresses: destination at `dst`, source at `src`.
    Six {
        dst: u32,
        src: u32,
    },
    /// ARCnet one-byte addresses: source at 0, destination at 1.
    Arcnet,
    /// 802.11: up to four addresses whose meaning depends on the frame.
    Wlan,
}

/// A link payload whose offset is only known at run time: a prologue computes it into a
/// scratch word, and loads relative to the payload go through X.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vl {
    /// The payload is at a fixed offset.
    None,
    /// After an 802.11 header at 0: 24 bytes, 26 for QoS data frames.
    Wlan,
    /// After the pflog header: its length byte rounded up to a multiple of 4.
    Pflog,
}

/// The offsets of the link layer as compilation proceeds.
#[derive(Clone, Copy, Debug)]
pub struct LinkState {
    pub kind: Kind,
    pub mac: Mac,
    pub off_linktype: u32,
    pub off_linkpl: u32,
    /// Offset of the network header from the link payload (after LLC/SNAP for 802.2 links).
    pub off_nl: u32,
    /// Whether `vlan` / `mpls` are possible on this link type.
    pub vlan_ok: bool,
    pub mpls_ok: bool,
    /// Depth of `mpls` primitives seen so far.
    pub mpls_depth: u32,
    /// `pppoes` was seen: the payload is PPP.
    pub pppoes: bool,
    /// Whether the payload offset is computed at run time (then `off_linkpl` is relative
    /// to it, so 0).
    pub vl: Vl,
}

impl LinkState {
    /// The link layer of a DLT, or None for the types libpcap 1.10.3 has no generator for.
    pub fn for_dlt(dlt: i32) -> Option<LinkState> {
        let s = |kind, off_linktype, off_linkpl| LinkState {
            kind,
            mac: Mac::None,
            off_linktype,
            off_linkpl,
            off_nl: 0,
            vlan_ok: false,
            mpls_ok: false,
            mpls_depth: 0,
            pppoes: false,
            vl: Vl::None,
        };
        let ether = |base: u32| LinkState {
            mac: Mac::Six {
                dst: base,
                src: base + 6,
            },
            vlan_ok: true,
            mpls_ok: true,
            ..s(Kind::Ether, base + 12, base + 14)
        };
        let llc = |llc: u32, mac: Mac| LinkState {
            mac,
            ..s(Kind::Llc, llc + 6, llc + 8)
        };
        Some(match dlt {
            1 => ether(0),
            240 => ether(4),
            241 => ether(12),
            10 => llc(13, Mac::Six { dst: 1, src: 7 }),
            6 => llc(14, Mac::Six { dst: 2, src: 8 }),
            122 => llc(16, Mac::Six { dst: 2, src: 10 }),
            11 | 19 => llc(0, Mac::None),
            113 => s(Kind::Sll, 14, 16),
            276 => s(Kind::Direct, 0, 20),
            99 => s(Kind::Direct, 6, 44),
            138 => s(Kind::Direct, 16, 18),
            104 | 112 => LinkState {
                mpls_ok: true,
                ..s(Kind::Direct, 2, 4)
            },
            0 => s(Kind::Null { host_order: true }, 0, 4),
            109 => s(Kind::Null { host_order: true }, 0, 12),
            108 => s(Kind::Null { host_order: false }, 0, 4),
            12 => s(Kind::Raw { version_off: 0 }, 0, 0),
            8 => s(Kind::Raw { version_off: 0 }, 0, 16),
            15 => s(Kind::Raw { version_off: 0 }, 0, 24),
            228 => s(Kind::OnlyIp { v6: false }, 0, 0),
            229 => s(Kind::OnlyIp { v6: true }, 0, 0),
            9 => LinkState {
                mpls_ok: true,
                ..s(Kind::Ppp, 2, 4)
            },
            50 | 166 => s(Kind::Ppp, 2, 4),
            51 => s(Kind::Ppp, 6, 8),
            16 => s(Kind::PppBsdos, 5, 24),
            107 => s(Kind::Frelay, 2, 0),
            7 => LinkState {
                mac: Mac::Arcnet,
                ..s(Kind::Arcnet, 2, 6)
            },
            129 => LinkState {
                mac: Mac::Arcnet,
                ..s(Kind::Arcnet, 4, 8)
            },
            226 => s(Kind::Ipnet, 1, 24),
            114 => s(Kind::Ltalk, 0, 0),
            123 => s(Kind::Sunatm, 10, 12),
            105 => LinkState {
                mac: Mac::Wlan,
                vl: Vl::Wlan,
                off_nl: 8,
                ..s(Kind::Wlan, 6, 0)
            },
            117 => LinkState {
                vl: Vl::Pflog,
                ..s(Kind::Pflog, 1, 0)
            },
            119 | 127 | 163 | 192 => LinkState {
                mac: Mac::Wlan,
                ..s(Kind::Unsupported, 0, 0)
            },
            130..=137 | 164 | 165 | 167 | 168 | 178..=181 | 183 | 194 | 200 | 232..=234 | 238 => {
                s(Kind::Unsupported, 0, 0)
            }
            d if known_dlt(d) => s(Kind::NotImplemented, 0, 0),
            _ => return None,
        })
    }

    /// Whether this link layer has six-byte MAC addresses.
    pub fn has_ether_addrs(&self) -> bool {
        matches!(self.mac, Mac::Six { .. })
    }
}

/// Whether libpcap 1.10.3's generator accepts this link type at all.
pub fn known_dlt(dlt: i32) -> bool {
    matches!(
        dlt,
        0 | 1 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 15 | 16 | 19 | 50 | 51 | 99
    ) || (104..=289).contains(&dlt)
}

/// "... link-layer type filtering not implemented": libpcap names some families by a short
/// name of their own there, the rest by their description.
pub fn not_implemented(dlt: i32) -> String {
    let name = match dlt {
        139 | 140 => "MTP2".to_string(),
        144 => "IrDA".to_string(),
        177 => "LAPD".to_string(),
        182 => "Multi-link Frame Relay".to_string(),
        186 | 189 | 220 | 249 => "USB".to_string(),
        187 | 201 => "Bluetooth".to_string(),
        190 | 227 => "CAN".to_string(),
        191 | 195 | 215 | 230 | 283 => "IEEE 802.15.4".to_string(),
        193 => "IEEE 802.16".to_string(),
        196 => "SITA".to_string(),
        197 => "ERF".to_string(),
        198 => "RAIF1".to_string(),
        199 | 209 => "IPMB".to_string(),
        202 => "AX.25".to_string(),
        239 => "NFLOG".to_string(),
        246 => "PFSYNC".to_string(),
        d => description(d),
    };
    format!("{name} link-layer type filtering not implemented")
}

/// Our message for link types libpcap handles and this compiler does not yet.
pub fn unsupported(dlt: i32) -> String {
    format!(
        "filtering on {} is not supported by this compiler yet",
        description(dlt)
    )
}

/// libpcap's description of a link type, as its messages show it.
pub fn description(dlt: i32) -> String {
    crate::names::dlt::description_or_dlt(dlt).into_owned()
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
            Kind::Llc => self.llc_linktype(proto),
            Kind::Sll => self.sll_linktype(l.off_linktype, proto),
            Kind::Direct => {
                // C-HDLC carries OSI with the 0xfefe SAP pair.
                let p = if proto == 0xfe && matches!(self.dlt, 104 | 112) {
                    0xfefe
                } else {
                    proto
                };
                self.g.eq(vec![ld(BPF_H, l.off_linktype)], p)
            }
            Kind::Ppp => {
                let ppp = ether_to_ppp(proto);
                self.g.eq(vec![ld(BPF_H, l.off_linktype)], ppp)
            }
            Kind::PppBsdos => {
                if proto == ethertype::IP {
                    let mut f: Option<Frag> = None;
                    for p in [0x21, 0x2d, 0x2f] {
                        let t = self.g.eq(vec![ld(BPF_H, l.off_linktype)], p);
                        f = Some(match f {
                            None => t,
                            Some(a) => self.g.or(a, t),
                        });
                    }
                    f.expect("three tests")
                } else {
                    let ppp = ether_to_ppp(proto);
                    self.g.eq(vec![ld(BPF_H, l.off_linktype)], ppp)
                }
            }
            Kind::Frelay => match proto {
                ethertype::IP => self.g.eq(vec![ld(BPF_H, l.off_linktype)], 0x03cc),
                ethertype::IPV6 => self.g.eq(vec![ld(BPF_H, l.off_linktype)], 0x038e),
                0xfe => {
                    let mut f: Option<Frag> = None;
                    for p in [0x0381, 0x0382, 0x0383] {
                        let t = self.g.eq(vec![ld(BPF_H, l.off_linktype)], p);
                        f = Some(match f {
                            None => t,
                            Some(a) => self.g.or(a, t),
                        });
                    }
                    f.expect("three tests")
                }
                _ => self.g.constant(false),
            },
            Kind::Arcnet => {
                let codes: &[u32] = match proto {
                    ethertype::IP => &[0xd4, 0xf0],
                    ethertype::IPV6 => &[0xc4],
                    ethertype::ARP => &[0xd5, 0xf1],
                    ethertype::REVARP => &[0xd6],
                    ethertype::ATALK => &[0xdd],
                    _ => &[],
                };
                let mut f: Option<Frag> = None;
                for &c in codes {
                    let t = self.g.eq(vec![ld(BPF_B, l.off_linktype)], c);
                    f = Some(match f {
                        None => t,
                        Some(a) => self.g.or(a, t),
                    });
                }
                match f {
                    Some(f) => f,
                    None => self.g.constant(false),
                }
            }
            Kind::Ipnet => match proto {
                ethertype::IP => self.g.eq(vec![ld(BPF_B, l.off_linktype)], 2),
                ethertype::IPV6 => self.g.eq(vec![ld(BPF_B, l.off_linktype)], 26),
                _ => self.g.constant(false),
            },
            Kind::Ltalk => self.g.constant(false),
            Kind::Pflog => match proto {
                ethertype::IP => self.g.eq(vec![ld(BPF_B, 1)], 2),
                ethertype::IPV6 => self.g.eq(vec![ld(BPF_B, 1)], 10),
                _ => self.g.constant(false),
            },
            Kind::Wlan => {
                let ctl = self
                    .g
                    .test(vec![ld(BPF_B, 0)], BPF_JMP | BPF_JSET | BPF_K, 0x04);
                let not_ctl = self.g.not(ctl);
                let data = self
                    .g
                    .test(vec![ld(BPF_B, 0)], BPF_JMP | BPF_JSET | BPF_K, 0x08);
                let head = self.g.and(not_ctl, data);
                let t = self.vl_llc_linktype(proto)?;
                self.g.and(head, t)
            }
            Kind::Sunatm => {
                let llc = self.g.eq(
                    vec![ld(BPF_B, 0), Insn::stmt(BPF_ALU | BPF_AND | BPF_K, 0xf)],
                    2,
                );
                let t = self.llc_linktype(proto);
                self.g.and(llc, t)
            }
            Kind::Lane => {
                let ctl = self.g.eq(vec![ld(BPF_H, 4)], 0xff00);
                let not_ctl = self.g.not(ctl);
                let t = self.ether_linktype(l.off_linktype, proto);
                self.g.and(not_ctl, t)
            }
            Kind::Null { host_order } => {
                // AF_INET is 2 everywhere. AF_INET6 is this system's (10) on live and dead
                // handles, but a savefile may come from any BSD, so libpcap accepts each BSD
                // value there (Darwin 30, OpenBSD/NetBSD 24, FreeBSD 28, in that order).
                let families: &[u32] = match (proto, self.savefile) {
                    (ethertype::IP, _) => &[2],
                    (ethertype::IPV6, None) => &[10],
                    (ethertype::IPV6, Some(_)) => &[30, 24, 28],
                    _ => return Ok(self.g.constant(false)),
                };
                // Host order is the writer's for a savefile: ours (little-endian) unless the
                // file is swapped, in which case the field is big-endian as it stands.
                let swap = host_order && self.savefile != Some(true);
                let mut any: Option<Frag> = None;
                for &af in families {
                    let k = if swap { af.swap_bytes() } else { af };
                    let test = self.g.eq(vec![ld(BPF_W, l.off_linktype)], k);
                    any = Some(match any {
                        None => test,
                        Some(prev) => self.g.or(prev, test),
                    });
                }
                any.expect("at least one address family")
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
            Kind::NotImplemented => return Err(not_implemented(self.dlt)),
            Kind::Unsupported => return Err(unsupported(self.dlt)),
        })
    }

    /// An LLC header at the run-time payload offset (802.11 data frames).
    fn vl_llc_linktype(&mut self, proto: u32) -> Result<Frag, String> {
        let (size, off, k) = match proto {
            0xfe => (BPF_H, 0, 0xfefe),
            0xf0 => (BPF_H, 0, 0xf0f0),
            0x42 => (BPF_B, 0, 0x42),
            sap::IPX => (BPF_B, 0, sap::IPX),
            ethertype::ATALK => {
                let oui: u32 = 0x080007;
                let a = self.ld_pl(BPF_W, 4)?;
                let t = self.g.eq(a, oui << 16 | proto);
                let b = self.ld_pl(BPF_W, 0)?;
                let h = self.g.eq(b, 0xaaaa_0300 | (oui >> 16));
                return Ok(self.g.and(t, h));
            }
            // Any other SAP: DSAP and SSAP both equal to it.
            p if p <= 1500 => (BPF_H, 0, p << 8 | p),
            p => (BPF_H, 6, p),
        };
        let s = self.ld_pl(size, off)?;
        Ok(self.g.eq(s, k))
    }

    /// 802.2 links: SNAP types, or SAPs at the LLC header.
    fn llc_linktype(&mut self, proto: u32) -> Frag {
        let l = self.link;
        let llc = l.off_linkpl - 8;
        match proto {
            0xfe => self.g.eq(vec![ld(BPF_H, llc)], 0xfefe),
            0xf0 => self.g.eq(vec![ld(BPF_H, llc)], 0xf0f0),
            0x42 => self.g.eq(vec![ld(BPF_B, llc)], 0x42),
            sap::IPX => self.g.eq(vec![ld(BPF_B, llc)], sap::IPX),
            ethertype::ATALK => self.snap(llc, 0x080007, ethertype::ATALK),
            // Any other SAP: DSAP and SSAP both equal to it.
            p if p <= 1500 => self.g.eq(vec![ld(BPF_H, llc)], p << 8 | p),
            p => self.g.eq(vec![ld(BPF_H, l.off_linktype)], p),
        }
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
            sap::IPX => {
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
            // Any other SAP: an 802.3 length field, then DSAP and SSAP both equal to it.
            p if p <= 1500 => {
                let len = self
                    .g
                    .test(vec![ld(BPF_H, off)], BPF_JMP | BPF_JGT | BPF_K, 1500);
                let len = self.g.not(len);
                let t = self.g.eq(vec![ld(BPF_H, l.off_linkpl)], p << 8 | p);
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
        /// Linux cooked protocol values for frames that carry no Ethernet type.
        const SLL_802_3: u32 = 1;
        const SLL_802_2: u32 = 4;
        let l = self.link;
        match proto {
            0xfe | 0x42 | 0xf0 => {
                let llc = self.g.eq(vec![ld(BPF_H, off)], SLL_802_2);
                let t = match proto {
                    0xfe => self.g.eq(vec![ld(BPF_H, l.off_linkpl)], 0xfefe),
                    0xf0 => self.g.eq(vec![ld(BPF_H, l.off_linkpl)], 0xf0f0),
                    _ => self.g.eq(vec![ld(BPF_B, l.off_linkpl)], proto),
                };
                self.g.and(llc, t)
            }
            // IPX: its Ethernet type, raw 802.3 ("Novell raw"), or 802.2 with its SAP or SNAP.
            sap::IPX => {
                let ether = self.g.eq(vec![ld(BPF_H, off)], ethertype::IPX);
                let raw = self.g.eq(vec![ld(BPF_H, off)], SLL_802_3);
                let llc = self.g.eq(vec![ld(BPF_H, off)], SLL_802_2);
                let sap = self.g.eq(vec![ld(BPF_B, l.off_linkpl)], sap::IPX);
                let snap = self.snap(l.off_linkpl, 0, ethertype::IPX);
                let either = self.g.or(sap, snap);
                let llc = self.g.and(llc, either);
                let f = self.g.or(ether, raw);
                self.g.or(f, llc)
            }
            // AppleTalk and AARP: their Ethernet type, or 802.2 SNAP.
            ethertype::ATALK | ethertype::AARP => {
                let ether = self.g.eq(vec![ld(BPF_H, off)], proto);
                let llc = self.g.eq(vec![ld(BPF_H, off)], SLL_802_2);
                let oui = if proto == ethertype::ATALK {
                    0x080007
                } else {
                    0
                };
                let snap = self.snap(l.off_linkpl, oui, proto);
                let llc = self.g.and(llc, snap);
                self.g.or(ether, llc)
            }
            // Any other SAP: 802.2 with DSAP and SSAP both equal to it.
            p if p <= 1500 => {
                let llc = self.g.eq(vec![ld(BPF_H, off)], SLL_802_2);
                let t = self.g.eq(vec![ld(BPF_H, l.off_linkpl)], p << 8 | p);
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
        ethertype::NS => 0x0025,
        sap::IPX => 0x002b,
        sap::ISONS => 0x0023,
        sap::STP => 0x0031,
        p => p,
    }
}
