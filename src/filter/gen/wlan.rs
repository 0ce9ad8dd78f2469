//! 802.11: frame type, subtype and direction, MAC addresses by their role in the frame,
//! and where LLC starts. The 802.11 header is at the start of the packet (DLT_IEEE802_11)
//! or after a radio header of run-time length (radiotap, Prism, AVS, PPI; see
//! [`super::varoff`]): every field here is read relative to it.

use super::Gen;
use crate::bpf::insn::*;
use crate::bpf::Insn;
use crate::filter::ast::*;
use crate::filter::cfg::Frag;

fn and_k(k: u32) -> Insn {
    Insn::stmt(BPF_ALU | BPF_AND | BPF_K, k)
}

/// Names compare without regard to case, as in libpcap.
fn lookup(table: &[(&str, u32)], name: &str) -> Option<u32> {
    table
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, v)| v)
}

/// 802.11 frame types and subtypes (type bits included in the subtype codes).
const WLAN_TYPES: &[(&str, u32)] = &[
    ("mgt", 0x00),
    ("management", 0x00),
    ("ctl", 0x04),
    ("control", 0x04),
    ("data", 0x08),
];
const WLAN_MGT: &[(&str, u32)] = &[
    ("assoc-req", 0x00),
    ("assocreq", 0x00),
    ("assoc-resp", 0x10),
    ("assocresp", 0x10),
    ("reassoc-req", 0x20),
    ("reassocreq", 0x20),
    ("reassoc-resp", 0x30),
    ("reassocresp", 0x30),
    ("probe-req", 0x40),
    ("probereq", 0x40),
    ("probe-resp", 0x50),
    ("proberesp", 0x50),
    ("beacon", 0x80),
    ("atim", 0x90),
    ("disassoc", 0xa0),
    ("disassociation", 0xa0),
    ("auth", 0xb0),
    ("authentication", 0xb0),
    ("deauth", 0xc0),
    ("deauthentication", 0xc0),
];
const WLAN_CTL: &[(&str, u32)] = &[
    ("ps-poll", 0xa4),
    ("rts", 0xb4),
    ("cts", 0xc4),
    ("ack", 0xd4),
    ("cf-end", 0xe4),
    ("cf-end-ack", 0xf4),
];
const WLAN_DATA: &[(&str, u32)] = &[
    ("data", 0x08),
    ("data-cf-ack", 0x18),
    ("data-cf-poll", 0x28),
    ("data-cf-ack-poll", 0x38),
    ("null", 0x48),
    ("cf-ack", 0x58),
    ("cf-poll", 0x68),
    ("cf-ack-poll", 0x78),
    ("qos-data", 0x88),
    ("qos-data-cf-ack", 0x98),
    ("qos-data-cf-poll", 0xa8),
    ("qos-data-cf-ack-poll", 0xb8),
    ("qos", 0xc8),
    ("qos-cf-poll", 0xe8),
    ("qos-cf-ack-poll", 0xf8),
];
const WLAN_DIRS: &[(&str, u32)] = &[("nods", 0), ("tods", 1), ("fromds", 2), ("dstods", 3)];

impl Gen {
    /// 802.11 type and direction tests: not on PPI, whose header may announce another
    /// link type.
    fn has_wlan_headers(&self) -> bool {
        // (After `pppoes` or inside a Geneve tunnel libpcap compiles for PPP or Ethernet.)
        matches!(self.dlt, 105 | 119 | 127 | 163) && !self.link.pppoes && !self.in_tunnel()
    }

    /// `[802.11 header + off] & mask == k`.
    fn fc_masked(&mut self, off: u32, mask: u32, k: u32) -> Result<Frag, String> {
        let mut s = self.ld_hdr(BPF_B, off)?;
        s.push(and_k(mask));
        Ok(self.g.eq(s, k))
    }

    pub fn wlan_type(
        &mut self,
        ty: &NumOrName,
        subtype: Option<&NumOrName>,
    ) -> Result<Frag, String> {
        let t = match ty {
            NumOrName::Name(n) => {
                lookup(WLAN_TYPES, n).ok_or_else(|| format!("unknown 802.11 type name \"{n}\""))?
            }
            NumOrName::Num(v) => {
                if v & !0x0c != 0 {
                    return Err(format!("invalid 802.11 type value 0x{v:02x}"));
                }
                *v
            }
        };
        let code = match subtype {
            None => None,
            Some(NumOrName::Name(n)) => {
                let table = match t {
                    0x00 => WLAN_MGT,
                    0x04 => WLAN_CTL,
                    0x08 => WLAN_DATA,
                    _ => &[][..],
                };
                Some(
                    lookup(table, n)
                        .ok_or_else(|| format!("unknown 802.11 subtype name \"{n}\""))?,
                )
            }
            Some(NumOrName::Num(v)) => {
                if v & !0xf0 != 0 {
                    return Err(format!("invalid 802.11 subtype value 0x{v:02x}"));
                }
                Some(t | v)
            }
        };
        if !self.has_wlan_headers() {
            return Err("802.11 link-layer types supported only on 802.11".into());
        }
        match code {
            None => self.fc_masked(0, 0x0c, t),
            Some(c) => self.fc_masked(0, 0xfc, c),
        }
    }

    pub fn wlan_subtype(&mut self, s: &NumOrName) -> Result<Frag, String> {
        let NumOrName::Name(n) = s else {
            return Err(crate::filter::lex::SYNTAX.to_string());
        };
        let code = lookup(WLAN_MGT, n)
            .or_else(|| lookup(WLAN_CTL, n))
            .or_else(|| lookup(WLAN_DATA, n))
            .ok_or_else(|| "unknown 802.11 type name".to_string())?;
        if !self.has_wlan_headers() {
            return Err("802.11 link-layer types supported only on 802.11".into());
        }
        self.fc_masked(0, 0xfc, code)
    }

    pub fn wlan_dir(&mut self, d: &NumOrName) -> Result<Frag, String> {
        let v = match d {
            NumOrName::Num(v) => *v,
            NumOrName::Name(n) => {
                lookup(WLAN_DIRS, n).ok_or_else(|| "unknown 802.11 direction".to_string())?
            }
        };
        if !self.has_wlan_headers() {
            return Err("frame direction supported only with 802.11 headers".into());
        }
        self.fc_masked(1, 0x03, v)
    }

    /// A data frame (not a control frame, and the data bit set): the frames that carry LLC.
    pub fn wlan_is_data(&mut self) -> Result<Frag, String> {
        let ctl = self.fc_jset(0, 0x04)?;
        let not_ctl = self.g.not(ctl);
        let data = self.fc_jset(0, 0x08)?;
        Ok(self.g.and(not_ctl, data))
    }

    /// `llc` on 802.11: a data frame; the LLC control byte (loaded only when `need_ctl`)
    /// is 2 into the payload.
    pub fn wlan_llc(&mut self, need_ctl: bool) -> Result<(Frag, Vec<Insn>), String> {
        let data = self.wlan_is_data()?;
        let ctl = if need_ctl {
            self.ld_pl(BPF_B, 2)?
        } else {
            vec![]
        };
        Ok((data, ctl))
    }
}

/// What to test at an 802.11 address offset.
#[derive(Clone, Copy)]
enum AddrTest {
    Equals([u8; 6]),
    Group,
}

type Built = Result<Frag, String>;

impl Gen {
    fn fc_jset(&mut self, byte: u32, mask: u32) -> Built {
        let s = self.ld_hdr(BPF_B, byte)?;
        Ok(self.g.test(s, BPF_JMP | BPF_JSET | BPF_K, mask))
    }

    fn wlan_addr_at(&mut self, off: u32, t: AddrTest) -> Built {
        match t {
            AddrTest::Equals(mac) => self.ether_addr_test(off, mac),
            AddrTest::Group => self.fc_jset(off, 1),
        }
    }

    /// `not x then y`, `x then z` — the pattern libpcap uses to pick an address by a flag.
    fn by_flag(
        &mut self,
        byte: u32,
        mask: u32,
        clear: impl FnOnce(&mut Gen) -> Built,
        set: impl FnOnce(&mut Gen) -> Built,
    ) -> Built {
        let f1 = self.fc_jset(byte, mask)?;
        let nf1 = self.g.not(f1);
        let a = clear(self)?;
        let left = self.g.and(nf1, a);
        let f2 = self.fc_jset(byte, mask)?;
        let b = set(self)?;
        let right = self.g.and(f2, b);
        Ok(self.g.or(left, right))
    }

    /// The source address of non-control frames (addr2, addr3 or addr4 by DS bits).
    fn wlan_src(&mut self, t: AddrTest) -> Built {
        let ctl = self.fc_jset(0, 0x04)?;
        let not_ctl = self.g.not(ctl);
        let body = self.by_flag(
            0,
            0x08,
            |g| g.wlan_addr_at(10, t),
            |g| {
                g.by_flag(
                    1,
                    0x02,
                    |g| g.wlan_addr_at(10, t),
                    |g| {
                        g.by_flag(
                            1,
                            0x01,
                            |g| g.wlan_addr_at(16, t),
                            |g| g.wlan_addr_at(24, t),
                        )
                    },
                )
            },
        )?;
        Ok(self.g.and(not_ctl, body))
    }

    /// The destination address of non-control frames (addr1, or addr3 going to the DS).
    fn wlan_dst(&mut self, t: AddrTest) -> Built {
        let ctl = self.fc_jset(0, 0x04)?;
        let not_ctl = self.g.not(ctl);
        let body = self.by_flag(
            0,
            0x08,
            |g| g.wlan_addr_at(4, t),
            |g| g.by_flag(1, 0x01, |g| g.wlan_addr_at(4, t), |g| g.wlan_addr_at(16, t)),
        )?;
        Ok(self.g.and(not_ctl, body))
    }

    /// Not a CTS or ACK control frame (which have no transmitter address).
    fn wlan_has_addr2(&mut self) -> Built {
        let ctl = self.fc_masked(0, 0x0c, 0x04)?;
        let cts = self.fc_masked(0, 0xf0, 0xc0)?;
        let ack = self.fc_masked(0, 0xf0, 0xd0)?;
        let either = self.g.or(cts, ack);
        let bad = self.g.and(ctl, either);
        Ok(self.g.not(bad))
    }

    pub fn wlan_host(&mut self, mac: [u8; 6], dir: Dir) -> Built {
        let t = AddrTest::Equals(mac);
        Ok(match dir {
            Dir::Src => self.wlan_src(t)?,
            Dir::Dst => self.wlan_dst(t)?,
            Dir::And => {
                let s = self.wlan_src(t)?;
                let d = self.wlan_dst(t)?;
                self.g.and(s, d)
            }
            Dir::Default | Dir::Or | Dir::Undef => {
                let s = self.wlan_src(t)?;
                let d = self.wlan_dst(t)?;
                self.g.or(s, d)
            }
            Dir::Addr1 => self.wlan_addr_at(4, t)?,
            Dir::Addr2 => {
                let ok = self.wlan_has_addr2()?;
                let a = self.wlan_addr_at(10, t)?;
                self.g.and(ok, a)
            }
            Dir::Addr3 => {
                let ctl = self.fc_masked(0, 0x0c, 0x04)?;
                let not_ctl = self.g.not(ctl);
                let a = self.wlan_addr_at(16, t)?;
                self.g.and(not_ctl, a)
            }
            Dir::Addr4 => {
                let both = self.fc_masked(1, 0x03, 0x03)?;
                let a = self.wlan_addr_at(24, t)?;
                self.g.and(both, a)
            }
            Dir::Ra => {
                let data = self.fc_jset(0, 0x08)?;
                let a = self.wlan_addr_at(4, t)?;
                self.g.and(data, a)
            }
            Dir::Ta => {
                let data = self.fc_jset(0, 0x08)?;
                let ok = self.wlan_has_addr2()?;
                let a = self.wlan_addr_at(10, t)?;
                let b = self.g.and(ok, a);
                self.g.and(data, b)
            }
        })
    }

    pub fn wlan_broadcast(&mut self) -> Built {
        self.wlan_dst(AddrTest::Equals([0xff; 6]))
    }

    pub fn wlan_multicast(&mut self) -> Built {
        self.wlan_dst(AddrTest::Group)
    }
}
