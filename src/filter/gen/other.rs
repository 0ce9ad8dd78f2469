//! Families tied to one link type: pflog fields, SS7 MTP2/MTP3 fields, Sun raw ATM fields
//! and cell types, and 802.2 LLC frame kinds (802.11 has its own module, [`super::wlan`]).
//! Each checks the link type first, with libpcap's message when it does not fit.

use super::{link, Gen};
use crate::bpf::insn::*;
use crate::bpf::Insn;
use crate::filter::ast::*;
use crate::filter::cfg::Frag;

fn ld(size: u16, off: u32) -> Insn {
    Insn::stmt(BPF_LD | size | BPF_ABS, off)
}

fn and_k(k: u32) -> Insn {
    Insn::stmt(BPF_ALU | BPF_AND | BPF_K, k)
}

const PF_REASONS: &[&str] = &[
    "match",
    "bad-offset",
    "fragment",
    "short",
    "normalize",
    "memory",
    "bad-timestamp",
    "congestion",
    "ip-option",
    "proto-cksum",
    "state-mismatch",
    "state-insert",
    "state-limit",
    "src-limit",
    "synproxy",
];

const PF_ACTIONS: &[(&str, u32)] = &[
    ("pass", 0),
    ("accept", 0),
    ("block", 1),
    ("drop", 1),
    ("scrub", 2),
    ("noscrub", 3),
    ("nat", 4),
    ("nonat", 5),
    ("binat", 6),
    ("nobinat", 7),
    ("rdr", 8),
    ("nordr", 9),
    ("synproxy-drop", 10),
];

/// libpcap compares pflog names without regard to case.
fn lookup(table: &[(&str, u32)], name: &str) -> Option<u32> {
    table
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, v)| v)
}

impl Gen {
    /// pflog, and not inside a Geneve tunnel (whose inner frames are Ethernet) nor after
    /// `pppoes` (PPP from there on).
    fn is_pflog(&self) -> bool {
        self.link.kind == super::link::Kind::Pflog && !self.link.pppoes
    }

    /// Compares `bytes` with the packet at `off`, the way libpcap lays it out: words from
    /// the end, then a half-word, then a byte.
    fn bytes_equal(&mut self, off: u32, bytes: &[u8]) -> Frag {
        let mut k = bytes.len();
        let mut f: Option<Frag> = None;
        while k > 0 {
            let (size, n) = if k >= 4 {
                (BPF_W, 4)
            } else if k >= 2 {
                (BPF_H, 2)
            } else {
                (BPF_B, 1)
            };
            k -= n;
            let v = bytes[k..k + n].iter().fold(0u32, |a, &b| a << 8 | b as u32);
            let t = self.g.eq(vec![ld(size, off + k as u32)], v);
            f = Some(match f {
                None => t,
                Some(a) => self.g.and(a, t),
            });
        }
        f.unwrap_or_else(|| self.g.constant(true))
    }

    pub fn pflog(&mut self, p: &Prim) -> Result<Frag, String> {
        let what = match p {
            Prim::PfIfname(_) => "ifname",
            Prim::PfRuleset(_) => "ruleset",
            Prim::PfRulenum(_) => "rnr",
            Prim::PfSubrulenum(_) => "srnr",
            Prim::PfReason(_) => "reason",
            _ => "action",
        };
        // Names are looked up before the link type is checked.
        let reason = match p {
            Prim::PfReason(NumOrName::Name(n)) => Some(
                PF_REASONS
                    .iter()
                    .position(|r| r.eq_ignore_ascii_case(n))
                    .ok_or_else(|| format!("unknown PF reason \"{n}\""))? as u32,
            ),
            Prim::PfReason(NumOrName::Num(v)) => Some(*v),
            _ => None,
        };
        let action = match p {
            Prim::PfAction(n) => {
                Some(lookup(PF_ACTIONS, n).ok_or_else(|| format!("unknown PF action \"{n}\""))?)
            }
            _ => None,
        };
        if !self.is_pflog() {
            return Err(format!("{what} supported only on PF linktype"));
        }
        Ok(match p {
            Prim::PfIfname(name) => {
                if name.len() > 15 {
                    return Err("ifname interface names can only be 15 characters".into());
                }
                self.bytes_equal(4, name.as_bytes())
            }
            Prim::PfRuleset(name) => {
                if name.len() > 15 {
                    return Err("ruleset names can only be 15 characters".into());
                }
                self.bytes_equal(20, name.as_bytes())
            }
            Prim::PfRulenum(v) => self.g.eq(vec![ld(BPF_W, 36)], *v),
            Prim::PfSubrulenum(v) => self.g.eq(vec![ld(BPF_W, 40)], *v),
            Prim::PfReason(_) => self.g.eq(vec![ld(BPF_B, 3)], reason.unwrap_or(0)),
            _ => self.g.eq(vec![ld(BPF_B, 2)], action.unwrap_or(0)),
        })
    }

    /// Where the MTP2 header starts, on the link types that carry one.
    fn mtp_base(&self) -> Option<u32> {
        match self.dlt {
            140 => Some(0),
            139 => Some(4),
            _ => None,
        }
    }

    pub fn mtp2(&mut self, t: MtpType) -> Result<Frag, String> {
        let name = match t {
            MtpType::Fisu => "fisu",
            MtpType::Lssu => "lssu",
            MtpType::Msu => "msu",
            MtpType::Hfisu => "hfisu",
            MtpType::Hlssu => "hlssu",
            MtpType::Hmsu => "hmsu",
        };
        let Some(base) = self.mtp_base() else {
            let what = if matches!(t, MtpType::Hfisu | MtpType::Hlssu | MtpType::Hmsu) {
                "MTP2_HSL"
            } else {
                "MTP2"
            };
            return Err(format!("'{name}' supported only on {what}"));
        };
        let (s, mask, top): (Vec<Insn>, u32, u32) = match t {
            MtpType::Fisu | MtpType::Lssu | MtpType::Msu => {
                (vec![ld(BPF_B, base + 2), and_k(0x3f)], 0x3f, 2)
            }
            _ => (vec![ld(BPF_H, base + 4), and_k(0xff80)], 0xff80, 0x100),
        };
        let _ = mask;
        let jgt = BPF_JMP | BPF_JGT | BPF_K;
        Ok(match t {
            MtpType::Fisu | MtpType::Hfisu => self.g.eq(s, 0),
            MtpType::Msu | MtpType::Hmsu => self.g.test(s, jgt, top),
            _ => {
                let a = self.g.test(s.clone(), jgt, 0);
                let b = self.g.test(s, jgt, top);
                let b = self.g.not(b);
                self.g.and(a, b)
            }
        })
    }

    pub fn mtp3(&mut self, field: Mtp3Field, cond: &[(RelOp, u32)]) -> Result<Frag, String> {
        let (name, hsl) = match field {
            Mtp3Field::Sio => ("sio", false),
            Mtp3Field::Opc => ("opc", false),
            Mtp3Field::Dpc => ("dpc", false),
            Mtp3Field::Sls => ("sls", false),
            Mtp3Field::Hsio => ("sio", true),
            Mtp3Field::Hopc => ("opc", true),
            Mtp3Field::Hdpc => ("dpc", true),
            Mtp3Field::Hsls => ("sls", true),
        };
        let Some(base) = self.mtp_base() else {
            return Err(format!("'{name}' supported only on SS7"));
        };
        let base = base + if hsl { 3 } else { 0 };
        let mut f: Option<Frag> = None;
        for &(op, v) in cond {
            let (max, s, enc): (u32, Vec<Insn>, u32) = match name {
                "sio" => (255, vec![ld(BPF_B, base + 3)], v),
                "opc" => (
                    16383,
                    vec![ld(BPF_W, base + 4), and_k(0x00c0_ff0f)],
                    ((v & 3) << 22) | (((v >> 2) & 0xff) << 8) | ((v >> 10) & 0xf),
                ),
                "dpc" => (
                    16383,
                    vec![ld(BPF_W, base + 4), and_k(0xff3f_0000)],
                    ((v & 0xff) << 24) | (((v >> 8) & 0x3f) << 16),
                ),
                _ => (15, vec![ld(BPF_B, base + 7), and_k(0xf0)], v << 4),
            };
            if v > max {
                return Err(format!("{name} value {v} too big; max value = {max}"));
            }
            let t = self.rel_k(s, op, enc);
            f = Some(match f {
                None => t,
                Some(a) => self.g.or(a, t),
            });
        }
        Ok(f.expect("a value"))
    }

    /// `A op k` after `s`, as libpcap 1.10.3 builds it for ATM and MTP3 fields: `!=` comes
    /// out as `==` (its negation is lost).
    fn rel_k(&mut self, s: Vec<Insn>, op: RelOp, k: u32) -> Frag {
        let op = match op {
            RelOp::Ne => RelOp::Eq,
            o => o,
        };
        let (code, neg) = match op {
            RelOp::Eq => (BPF_JEQ, false),
            RelOp::Gt => (BPF_JGT, false),
            RelOp::Ge => (BPF_JGE, false),
            RelOp::Ne => (BPF_JEQ, true),
            RelOp::Le => (BPF_JGT, true),
            RelOp::Lt => (BPF_JGE, true),
        };
        let t = self.g.test(s, BPF_JMP | code | BPF_K, k);
        if neg {
            self.g.not(t)
        } else {
            t
        }
    }

    pub fn atm_field(&mut self, field: AtmField, cond: &[(RelOp, u32)]) -> Result<Frag, String> {
        let name = if field == AtmField::Vpi { "vpi" } else { "vci" };
        if self.dlt != 123 {
            return Err(format!("'{name}' supported only on raw ATM"));
        }
        let mut f: Option<Frag> = None;
        for &(op, v) in cond {
            let s = if field == AtmField::Vpi {
                vec![ld(BPF_B, 1)]
            } else {
                vec![ld(BPF_H, 2)]
            };
            let t = self.rel_k(s, op, v);
            f = Some(match f {
                None => t,
                Some(a) => self.g.or(a, t),
            });
        }
        Ok(f.expect("a value"))
    }

    /// `vpi == 0 and vci == v`
    fn atm_vc(&mut self, vci: u32) -> Frag {
        let a = self.g.eq(vec![ld(BPF_B, 1)], 0);
        let b = self.g.eq(vec![ld(BPF_H, 2)], vci);
        self.g.and(a, b)
    }

    fn atm_msg_types(&mut self, types: &[u32]) -> Frag {
        let mut f: Option<Frag> = None;
        for &t in types {
            let x = self.g.eq(vec![ld(BPF_B, 9)], t);
            f = Some(match f {
                None => x,
                Some(a) => self.g.or(a, x),
            });
        }
        f.expect("a type")
    }

    pub fn atm_kw(&mut self, kw: AtmKw) -> Result<Frag, String> {
        let name = match kw {
            AtmKw::Lane => "lane",
            AtmKw::Metac => "metac",
            AtmKw::Bcc => "bcc",
            AtmKw::Oamf4ec => "oam4ec",
            AtmKw::Oamf4sc => "oam4sc",
            AtmKw::Sc => "sc",
            AtmKw::Ilmic => "ilmic",
            AtmKw::Oam => "oam",
            AtmKw::Oamf4 => "oamf4",
            AtmKw::Connectmsg => "connectmsg",
            AtmKw::Metaconnect => "metaconnect",
        };
        if self.dlt != 123 {
            return Err(format!("'{name}' supported only on raw ATM"));
        }
        Ok(match kw {
            AtmKw::Lane => {
                let t = self.g.eq(vec![ld(BPF_B, 0), and_k(0xf)], 1);
                // What follows is an Ethernet frame after the 2-byte LANE header.
                self.link = link::LinkState::lane();
                t
            }
            AtmKw::Metac => self.atm_vc(1),
            AtmKw::Bcc => self.atm_vc(2),
            AtmKw::Oamf4sc => self.atm_vc(3),
            AtmKw::Oamf4ec => self.atm_vc(4),
            AtmKw::Sc => self.atm_vc(5),
            AtmKw::Ilmic => self.atm_vc(16),
            AtmKw::Oam | AtmKw::Oamf4 => {
                let a = self.g.eq(vec![ld(BPF_B, 1)], 0);
                let b = self.g.eq(vec![ld(BPF_H, 2)], 3);
                let c = self.g.eq(vec![ld(BPF_H, 2)], 4);
                let bc = self.g.or(b, c);
                self.g.and(a, bc)
            }
            AtmKw::Connectmsg => {
                let vc = self.atm_vc(5);
                let m = self.atm_msg_types(&[0x5a, 0x4d, 0x0f, 0x07, 0x05, 0x02]);
                self.g.and(vc, m)
            }
            AtmKw::Metaconnect => {
                let vc = self.atm_vc(1);
                let m = self.atm_msg_types(&[0x5a, 0x4d, 0x07, 0x05, 0x02]);
                self.g.and(vc, m)
            }
        })
    }
}

const LLC_TYPES: &[(&str, u32, u32)] = &[
    // (name, mask of the control byte, value); "i" is tested separately.
    ("s", 0x03, 0x01),
    ("u", 0x03, 0x03),
    ("rr", 0x0f, 0x01),
    ("rnr", 0x0f, 0x05),
    ("rej", 0x0f, 0x09),
    ("ui", 0xef, 0x03),
    ("ua", 0xef, 0x63),
    ("disc", 0xef, 0x43),
    ("dm", 0xef, 0x0f),
    ("sabme", 0xef, 0x6f),
    ("test", 0xef, 0xe3),
    ("xid", 0xef, 0xaf),
    ("frmr", 0xef, 0x87),
];

impl Gen {
    /// `llc [kind]`: an 802.2 LLC frame, optionally of one control-field kind.
    pub fn llc(&mut self, kind: Option<&str>) -> Result<Frag, String> {
        let sub = match kind {
            None => None,
            Some(k) if k.eq_ignore_ascii_case("i") => Some((0, 0)),
            Some(k) => Some(
                LLC_TYPES
                    .iter()
                    .find(|(n, _, _)| n.eq_ignore_ascii_case(k))
                    .map(|&(_, m, v)| (m, v))
                    .ok_or_else(|| format!("unknown LLC type name \"{k}\""))?,
            ),
        };
        let (base, ctl): (Frag, Vec<Insn>) = match self.dlt {
            _ if self.link.pppoes => return Err("'llc' not supported for PPP".into()),
            _ if self.in_tunnel() => self.ether_llc(sub.is_some())?,
            1 => self.ether_llc(sub.is_some())?,
            10 | 6 | 11 => {
                let llc = self.link.off_linkpl - 8;
                (self.g.constant(true), vec![ld(BPF_B, llc + 2)])
            }
            123 => (
                self.g.eq(vec![ld(BPF_B, 0), and_k(0xf)], 2),
                vec![ld(BPF_B, 6)],
            ),
            105 | 119 | 127 | 163 | 192 => self.wlan_llc(sub.is_some())?,
            d => return Err(format!("'llc' not supported for {}", link::description(d))),
        };
        Ok(match sub {
            None => base,
            Some((0, 0)) => {
                let t = self.g.test(ctl, BPF_JMP | BPF_JSET | BPF_K, 1);
                let t = self.g.not(t);
                self.g.and(base, t)
            }
            Some((m, v)) => {
                let mut s = ctl;
                s.push(and_k(m));
                let t = self.g.eq(s, v);
                self.g.and(base, t)
            }
        })
    }

    /// `byte index op value` (libpcap drops the load for `&` and `|`, so those test 0).
    pub fn byte_op(&mut self, index: u32, op: char, value: u32) -> Frag {
        match op {
            '=' => self.g.eq(vec![ld(BPF_B, index)], value),
            '<' => {
                let t = self
                    .g
                    .test(vec![ld(BPF_B, index)], BPF_JMP | BPF_JGE | BPF_K, value);
                self.g.not(t)
            }
            '>' => self
                .g
                .test(vec![ld(BPF_B, index)], BPF_JMP | BPF_JGT | BPF_K, value),
            c => {
                let alu = if c == '&' { BPF_AND } else { BPF_OR };
                let t = self.g.eq(vec![Insn::stmt(BPF_ALU | alu | BPF_K, value)], 0);
                self.g.not(t)
            }
        }
    }
}
