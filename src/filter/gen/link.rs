//! Link layers: where each link type keeps its protocol field and its payload, and how a
//! "the payload is protocol P" test looks on it (Ethernet type, Linux cooked protocol, BSD
//! address family, PPP protocol, raw IP version nibble...).
//!
//! `vlan`, `mpls`, `pppoes` and `geneve` move these offsets for everything compiled after
//! them, as in libpcap; [`LinkState`] carries the current values, each measured from the
//! start of the packet or from a position computed at run time ([`Base`], see
//! [`super::varoff`]). Loads go through `ld_hdr` / `ld_type` / `ld_pl` / `ld_nl`, never
//! straight to an absolute offset, unless the link kind can only be at a fixed one.

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
    /// LocalTalk: AppleTalk only.
    Ltalk,
    /// Sun raw ATM: LLC-encapsulated traffic (the low nibble of byte 0 is 2) with the LLC
    /// header at 4.
    Sunatm,
    /// ATM LANE after `lane`: an Ethernet frame after a 2-byte header, LE control frames
    /// (0xff00) excluded.
    Lane,
    /// 802.11, alone or behind a radio header: data frames carry an LLC header after a header
    /// whose length depends on the frame (see [`super::varoff`]).
    Wlan,
    /// OpenBSD pflog: address family byte; a header whose length is in its first byte.
    Pflog,
    /// Juniper's and BACnet MS/TP's pseudo-headers: whatever the protocol, libpcap 1.10.3
    /// only checks the header's magic number (`[0] & mask == magic`); OSI packets are
    /// looked for `osi` bytes after the start of the payload (wrapping).
    Magic { mask: u32, magic: u32, osi: u32 },
    /// A link type libpcap knows but generates no protocol tests for.
    NotImplemented,
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

/// What an offset of the link layer is measured from: the start of the packet, or a
/// position only known at run time, which a scratch word holds (see [`super::varoff`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    /// The start of the packet: the offset is absolute.
    Packet,
    /// The link header, after a radio header whose length is read from the packet
    /// (802.11 with radiotap, Prism, AVS or PPI), or the inner frame of a Geneve tunnel.
    Hdr,
    /// The linktype field of a Geneve tunnel's inner frame.
    Type,
    /// The link payload, after a link header whose length depends on the packet (802.11
    /// data frames, pflog, a Geneve tunnel's inner frame).
    Pl,
}

/// The offsets of the link layer as compilation proceeds.
#[derive(Clone, Copy, Debug)]
pub struct LinkState {
    pub kind: Kind,
    pub mac: Mac,
    /// Where the link header starts (0 but after `pppoes`, whose PPP header is the link
    /// header from then on).
    pub off_linkhdr: u32,
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
    /// Inside a Geneve tunnel whose outer link type puts OSI packets (their NLPID) at a
    /// given offset from the payload rather than after a 3-byte LLC header: that offset,
    /// which libpcap keeps for the inner frame.
    pub tunnel_osi: Option<u32>,
    /// What the link header's fields (MAC addresses, 802.11 frame control) are measured from.
    pub hdr_base: Base,
    /// What `off_linktype` is measured from.
    pub type_base: Base,
    /// What `off_linkpl` is measured from.
    pub pl_base: Base,
}

impl LinkState {
    /// The link layer of a DLT, or None for the types libpcap 1.10.3 has no generator for.
    pub fn for_dlt(dlt: i32) -> Option<LinkState> {
        let s = |kind, off_linktype, off_linkpl| LinkState {
            kind,
            mac: Mac::None,
            off_linkhdr: 0,
            off_linktype,
            off_linkpl,
            off_nl: 0,
            vlan_ok: false,
            mpls_ok: false,
            mpls_depth: 0,
            pppoes: false,
            tunnel_osi: None,
            hdr_base: Base::Packet,
            type_base: Base::Packet,
            pl_base: Base::Packet,
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
            // 802.11: the LLC header follows a header of 24 or more bytes (26 with QoS), the
            // SNAP type 6 bytes into it; a radio header of run-time length may come first.
            105 | 119 | 127 | 163 | 192 => LinkState {
                mac: Mac::Wlan,
                off_nl: 8,
                vlan_ok: dlt != 192,
                hdr_base: if dlt == 105 { Base::Packet } else { Base::Hdr },
                type_base: Base::Pl,
                pl_base: Base::Pl,
                ..s(Kind::Wlan, 6, 0)
            },
            117 => LinkState {
                pl_base: Base::Pl,
                ..s(Kind::Pflog, 1, 0)
            },
            // libpcap's fixed offsets after the pseudo-header: the payload, the network
            // header within it, OSI packets within it (`osi`); -1 where libpcap knows none,
            // so loads wrap around to the start of the packet.
            130 | 131 | 134 | 179..=181 => s(juniper(-1), 0, 4),
            137 => s(juniper(10), 0, 4),
            135 => s(juniper(10), 0, 8),
            168 => s(juniper(-1), 0, 6),
            133 | 164 => s(juniper(-1), 0, 12),
            167 | 178 => LinkState {
                off_nl: 18,
                ..s(juniper(21), 0, 14)
            },
            132 | 136 | 183 | 194 | 200 | 232..=234 | 238 => LinkState {
                off_nl: UNKNOWN,
                ..s(juniper(-1), 0, UNKNOWN)
            },
            165 => LinkState {
                off_nl: UNKNOWN,
                ..s(
                    Kind::Magic {
                        mask: 0xffff_0000,
                        magic: 0x55ff_0000,
                        osi: UNKNOWN,
                    },
                    0,
                    UNKNOWN,
                )
            },
            d if known_dlt(d) => s(Kind::NotImplemented, 0, 0),
            _ => return None,
        })
    }

    /// The Ethernet frame inside ATM LANE (after `lane`), after its 2-byte header.
    pub fn lane() -> LinkState {
        LinkState {
            kind: Kind::Lane,
            mac: Mac::Six { dst: 6, src: 12 },
            off_linkhdr: 0,
            off_linktype: 18,
            off_linkpl: 20,
            off_nl: 0,
            vlan_ok: true,
            mpls_ok: true,
            mpls_depth: 0,
            pppoes: false,
            tunnel_osi: None,
            hdr_base: Base::Packet,
            type_base: Base::Packet,
            pl_base: Base::Packet,
        }
    }

    /// The Ethernet frame inside a Geneve tunnel, all of whose offsets are computed at run
    /// time (when the tunnel carries no Ethernet frame, header and payload coincide).
    pub fn geneve_inner() -> LinkState {
        LinkState {
            kind: Kind::Ether,
            mac: Mac::Six { dst: 0, src: 6 },
            off_linkhdr: 0,
            off_linktype: 0,
            off_linkpl: 0,
            off_nl: 0,
            vlan_ok: true,
            mpls_ok: true,
            mpls_depth: 0,
            pppoes: false,
            tunnel_osi: None,
            hdr_base: Base::Hdr,
            type_base: Base::Type,
            pl_base: Base::Pl,
        }
    }

    /// Whether any offset is only known at run time.
    pub fn is_variable(&self) -> bool {
        [self.hdr_base, self.type_base, self.pl_base]
            .iter()
            .any(|&b| b != Base::Packet)
    }

    /// Whether this link layer has six-byte MAC addresses.
    pub fn has_ether_addrs(&self) -> bool {
        matches!(self.mac, Mac::Six { .. })
    }
}

/// Juniper's pseudo-header: "MGC" and a flags byte; OSI packets where libpcap looks for
/// them, `osi` bytes from the payload.
const fn juniper(osi: i32) -> Kind {
    Kind::Magic {
        mask: 0xffff_ff00,
        magic: 0x4d47_4300,
        osi: osi as u32,
    }
}
/// libpcap's offset for a part of a link layer whose position it does not know: -1 (so a
/// network header "there" starts 2 bytes before the packet).
const UNKNOWN: u32 = 0u32.wrapping_sub(1);

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

/// libpcap's description of a link type, as its messages show it.
pub fn description(dlt: i32) -> String {
    crate::names::dlt::description_or_dlt(dlt).into_owned()
}

fn ld(size: u16, off: u32) -> Insn {
    Insn::stmt(BPF_LD | size | BPF_ABS, off)
}

impl Gen {
    /// A test no packet passes, as libpcap writes it (`ld #1; jeq #0`).
    fn never(&mut self) -> Frag {
        self.g.eq(vec![Insn::stmt(BPF_LD | BPF_IMM, 1)], 0)
    }

    /// `[linktype field + off] == k` (the field may be at a run-time offset).
    fn type_eq(&mut self, size: u16, off: u32, k: u32) -> Result<Frag, String> {
        let s = self.ld_type(size, off)?;
        Ok(self.g.eq(s, k))
    }

    /// `[link payload + off] == k`.
    fn pl_eq(&mut self, size: u16, off: u32, k: u32) -> Result<Frag, String> {
        let s = self.ld_pl(size, off)?;
        Ok(self.g.eq(s, k))
    }

    /// The linktype field holds an 802.3 length (≤ 1500), not an Ethernet type.
    fn type_is_length(&mut self) -> Result<Frag, String> {
        let s = self.ld_type(BPF_H, 0)?;
        let t = self.g.test(s, BPF_JMP | BPF_JGT | BPF_K, 1500);
        Ok(self.g.not(t))
    }

    /// Any of `codes` at the linktype field.
    fn type_any(&mut self, size: u16, codes: &[u32]) -> Result<Frag, String> {
        let mut f: Option<Frag> = None;
        for &c in codes {
            let t = self.type_eq(size, 0, c)?;
            f = Some(match f {
                None => t,
                Some(a) => self.g.or(a, t),
            });
        }
        Ok(f.unwrap_or_else(|| self.never()))
    }

    /// "The link payload is protocol `proto`" (an Ethernet type, or an LLC SAP when ≤ 1500).
    pub fn linktype(&mut self, proto: u32) -> Result<Frag, String> {
        let l = self.link;
        if l.mpls_depth > 0 {
            return self.over_mpls(proto);
        }
        if l.pppoes {
            return self.type_eq(BPF_H, 0, ether_to_ppp(proto));
        }
        match l.kind {
            Kind::Ether => self.ether_linktype(proto),
            Kind::Llc => Ok(self.llc_linktype(proto)),
            Kind::Sll => self.sll_linktype(proto),
            Kind::Direct => {
                // C-HDLC carries OSI with the 0xfefe SAP pair; `ipx` is the IPX SAP there.
                let p = match proto {
                    0xfe if matches!(self.dlt, 104 | 112) => 0xfefe,
                    ethertype::IPX => 0xe0,
                    p => p,
                };
                self.type_eq(BPF_H, 0, p)
            }
            Kind::Ppp => self.type_eq(BPF_H, 0, ether_to_ppp(proto)),
            Kind::PppBsdos if proto == ethertype::IP => self.type_any(BPF_H, &[0x21, 0x2d, 0x2f]),
            Kind::PppBsdos => self.type_eq(BPF_H, 0, ether_to_ppp(proto)),
            Kind::Frelay => match proto {
                ethertype::IP => self.type_eq(BPF_H, 0, 0x03cc),
                ethertype::IPV6 => self.type_eq(BPF_H, 0, 0x038e),
                0xfe => self.type_any(BPF_H, &[0x0381, 0x0382, 0x0383]),
                _ => Ok(self.never()),
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
                self.type_any(BPF_B, codes)
            }
            Kind::Ipnet => match proto {
                ethertype::IP => self.type_eq(BPF_B, 0, 2),
                ethertype::IPV6 => self.type_eq(BPF_B, 0, 26),
                _ => Ok(self.never()),
            },
            // LocalTalk carries AppleTalk and nothing else.
            Kind::Ltalk if proto == ethertype::ATALK => Ok(self.g.constant(true)),
            Kind::Ltalk => Ok(self.never()),
            Kind::Pflog => match proto {
                ethertype::IP => self.type_eq(BPF_B, 0, 2),
                ethertype::IPV6 => self.type_eq(BPF_B, 0, 10),
                _ => Ok(self.never()),
            },
            Kind::Wlan => {
                // Only data frames carry LLC: not a control frame, and a data frame.
                let head = self.wlan_is_data()?;
                let t = self.snap_or_sap(proto)?;
                Ok(self.g.and(head, t))
            }
            Kind::Sunatm => {
                let llc = self.g.eq(
                    vec![ld(BPF_B, 0), Insn::stmt(BPF_ALU | BPF_AND | BPF_K, 0xf)],
                    2,
                );
                let t = self.llc_linktype(proto);
                Ok(self.g.and(llc, t))
            }
            Kind::Lane => {
                let ctl = self.g.eq(vec![ld(BPF_H, 4)], 0xff00);
                let not_ctl = self.g.not(ctl);
                let t = self.ether_linktype(proto)?;
                Ok(self.g.and(not_ctl, t))
            }
            Kind::Null { host_order } => {
                // AF_INET is 2 everywhere. AF_INET6 is this system's (10) on live and dead
                // handles, but a savefile may come from any BSD, so libpcap accepts each BSD
                // value there (Darwin 30, OpenBSD/NetBSD 24, FreeBSD 28, in that order).
                let families: &[u32] = match (proto, self.savefile) {
                    (ethertype::IP, _) => &[2],
                    (ethertype::IPV6, None) => &[10],
                    (ethertype::IPV6, Some(_)) => &[30, 24, 28],
                    _ => return Ok(self.never()),
                };
                // Host order is the writer's for a savefile: ours (little-endian) unless the
                // file is swapped, in which case the field is big-endian as it stands.
                let swap = host_order && self.savefile != Some(true);
                let codes: Vec<u32> = families
                    .iter()
                    .map(|&af| if swap { af.swap_bytes() } else { af })
                    .collect();
                self.type_any(BPF_W, &codes)
            }
            Kind::Raw { version_off } => {
                let v = match proto {
                    ethertype::IP => 0x40,
                    ethertype::IPV6 => 0x60,
                    _ => return Ok(self.never()),
                };
                Ok(self.g.eq(
                    vec![
                        ld(BPF_B, version_off),
                        Insn::stmt(BPF_ALU | BPF_AND | BPF_K, 0xf0),
                    ],
                    v,
                ))
            }
            Kind::Magic { mask, magic, .. } => Ok(self.g.eq(
                vec![ld(BPF_W, 0), Insn::stmt(BPF_ALU | BPF_AND | BPF_K, mask)],
                magic,
            )),
            Kind::OnlyIp { v6 } => {
                let want = if v6 { ethertype::IPV6 } else { ethertype::IP };
                Ok(if proto == want {
                    self.g.constant(true)
                } else {
                    self.never()
                })
            }
            Kind::NotImplemented => Err(not_implemented(self.dlt)),
        }
    }

    /// After `mpls`: only IPv4 and IPv6, told apart by the version nibble after the bottom
    /// label of the stack.
    fn over_mpls(&mut self, proto: u32) -> Result<Frag, String> {
        let version = match proto {
            ethertype::IP => 0x40,
            ethertype::IPV6 => 0x60,
            _ => return Err("unsupported protocol over mpls".to_string()),
        };
        // (`off_nl` is at least 4 here: it moved past the last label.)
        let mut s = self.ld_pl(BPF_B, self.link.off_nl - 2)?;
        s.push(Insn::stmt(BPF_ALU | BPF_AND | BPF_K, 1));
        let bottom = self.g.eq(s, 1);
        let mut s = self.ld_nl(BPF_B, 0)?;
        s.push(Insn::stmt(BPF_ALU | BPF_AND | BPF_K, 0xf0));
        let v = self.g.eq(s, version);
        Ok(self.g.and(bottom, v))
    }

    /// An LLC header at the link payload whose SNAP type is the linktype field (802.11):
    /// SAPs for the values ≤ 1500 and the OSI/NetBEUI/STP/IPX pseudo-types, SNAP otherwise.
    fn snap_or_sap(&mut self, proto: u32) -> Result<Frag, String> {
        match proto {
            0xfe | 0xf0 | 0x06 => self.pl_eq(BPF_H, 0, proto << 8 | proto),
            0x42 => self.pl_eq(BPF_B, 0, 0x42),
            ethertype::IPX => self.pl_eq(BPF_B, 0, 0xe0),
            // AppleTalk with its SNAP OUI; AARP (and everything else) by the SNAP type alone.
            ethertype::ATALK => self.snap(0x080007, ethertype::ATALK),
            p if p <= 1500 => self.pl_eq(BPF_B, 0, p),
            p => self.type_eq(BPF_H, 0, p),
        }
    }

    /// 802.2 links: SNAP types, or SAPs at the LLC header.
    fn llc_linktype(&mut self, proto: u32) -> Frag {
        let l = self.link;
        let llc = l.off_linkpl - 8;
        match proto {
            0xfe | 0xf0 | 0x06 => self.g.eq(vec![ld(BPF_H, llc)], proto << 8 | proto),
            0x42 => self.g.eq(vec![ld(BPF_B, llc)], 0x42),
            ethertype::IPX => self.g.eq(vec![ld(BPF_B, llc)], 0xe0),
            ethertype::ATALK => self.snap_at(llc, 0x080007, ethertype::ATALK),
            p if p <= 1500 => self.g.eq(vec![ld(BPF_B, llc)], p),
            p => self.g.eq(vec![ld(BPF_H, l.off_linktype)], p),
        }
    }

    fn ether_linktype(&mut self, proto: u32) -> Result<Frag, String> {
        match proto {
            // LLC SAPs: an 802.3 length field, then the SAP. libpcap finds a single SAP
            // right after the length field and a SAP pair at the payload (the same place,
            // except inside a Geneve tunnel that carries no Ethernet frame).
            0xfe | 0x42 | 0xf0 | 0x06 => {
                let len = self.type_is_length()?;
                let t = match proto {
                    0x42 => self.type_eq(BPF_B, 2, proto)?,
                    _ => self.pl_eq(BPF_H, 0, proto << 8 | proto)?,
                };
                Ok(self.g.and(len, t))
            }
            ethertype::IPX => {
                let a = self.type_eq(BPF_H, 0, ethertype::IPX)?;
                let len = self.type_is_length()?;
                let snap = self.snap(0x000000, ethertype::IPX)?;
                let sap = self.pl_eq(BPF_B, 0, 0xe0)?;
                let raw = self.pl_eq(BPF_H, 0, 0xffff)?;
                let o = self.g.or(snap, sap);
                let o = self.g.or(o, raw);
                let b = self.g.and(len, o);
                Ok(self.g.or(a, b))
            }
            ethertype::ATALK | ethertype::AARP => {
                self.type_or_snap(proto, |gen| gen.type_is_length())
            }
            p if p <= 1500 => {
                let len = self.type_is_length()?;
                let t = self.type_eq(BPF_B, 2, p)?;
                Ok(self.g.and(len, t))
            }
            p => self.type_eq(BPF_H, 0, p),
        }
    }

    /// AppleTalk or AARP: its own Ethernet type, or a frame `is_802_2` says carries 802.2
    /// with a SNAP header of that type (AppleTalk under Apple's OUI, AARP under OUI 0).
    /// The tests are generated in this order, as libpcap's listings show them.
    fn type_or_snap(
        &mut self,
        proto: u32,
        is_802_2: impl FnOnce(&mut Self) -> Result<Frag, String>,
    ) -> Result<Frag, String> {
        let own_type = self.type_eq(BPF_H, 0, proto)?;
        let llc = is_802_2(self)?;
        let oui = if proto == ethertype::ATALK {
            0x080007
        } else {
            0
        };
        let snap = self.snap(oui, proto)?;
        let over_llc = self.g.and(llc, snap);
        Ok(self.g.or(own_type, over_llc))
    }

    /// An 802.2 SNAP header with this OUI and type at the link payload.
    fn snap(&mut self, oui: u32, ty: u32) -> Result<Frag, String> {
        let t = self.pl_eq(BPF_W, 4, oui << 16 | ty)?;
        let h = self.pl_eq(BPF_W, 0, 0xaaaa_0300 | (oui >> 16))?;
        Ok(self.g.and(t, h))
    }

    /// An 802.2 SNAP header with this OUI and type at a fixed offset.
    fn snap_at(&mut self, off: u32, oui: u32, ty: u32) -> Frag {
        let t = self.g.eq(vec![ld(BPF_W, off + 4)], oui << 16 | ty);
        let h = self.g.eq(vec![ld(BPF_W, off)], 0xaaaa_0300 | (oui >> 16));
        self.g.and(t, h)
    }

    fn sll_linktype(&mut self, proto: u32) -> Result<Frag, String> {
        match proto {
            0xfe | 0x42 | 0xf0 | 0x06 => {
                let llc = self.type_eq(BPF_H, 0, 4)?;
                let t = match proto {
                    0x42 => self.pl_eq(BPF_B, 0, proto)?,
                    _ => self.pl_eq(BPF_H, 0, proto << 8 | proto)?,
                };
                Ok(self.g.and(llc, t))
            }
            // IPX: its own type, Novell's raw 802.3 (protocol 1), or over 802.2 (SAP or SNAP).
            ethertype::IPX => {
                let a = self.type_eq(BPF_H, 0, ethertype::IPX)?;
                let raw = self.type_eq(BPF_H, 0, 1)?;
                let llc = self.type_eq(BPF_H, 0, 4)?;
                let sap = self.pl_eq(BPF_B, 0, 0xe0)?;
                let snap = self.snap(0, ethertype::IPX)?;
                let over_llc = self.g.or(sap, snap);
                let b = self.g.and(llc, over_llc);
                let a = self.g.or(a, raw);
                Ok(self.g.or(a, b))
            }
            ethertype::ATALK | ethertype::AARP => {
                self.type_or_snap(proto, |gen| gen.type_eq(BPF_H, 0, 4))
            }
            p if p <= 1500 => {
                let llc = self.type_eq(BPF_H, 0, 4)?;
                let t = self.pl_eq(BPF_B, 0, p)?;
                Ok(self.g.and(llc, t))
            }
            p => self.type_eq(BPF_H, 0, p),
        }
    }

    /// `llc` on Ethernet: an 802.3 frame that is not Novell's raw 802.3 (0xffff); the
    /// control byte (loaded only when `need_ctl`) follows.
    pub fn ether_llc(&mut self, need_ctl: bool) -> Result<(Frag, Vec<Insn>), String> {
        let is_len = self.type_is_length()?;
        let raw = self.pl_eq(BPF_H, 0, 0xffff)?;
        let not_raw = self.g.not(raw);
        let ctl = if need_ctl {
            self.ld_pl(BPF_B, 2)?
        } else {
            vec![]
        };
        Ok((self.g.and(is_len, not_raw), ctl))
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
        0x0600 => 0x0025,
        p => p,
    }
}
