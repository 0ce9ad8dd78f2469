//! Link-layer offsets known only at run time, and the prologue that computes them.
//!
//! Some link layers put their header, their linktype field or their payload at a position
//! that depends on the packet: after a radio header whose length is in the packet
//! (radiotap, Prism, AVS, PPI), after an 802.11 header of 24 or 26 bytes, after a pflog
//! header of variable length, or inside a Geneve tunnel. Each such position lives in a
//! scratch word, allocated the first time a load needs it; loads from it go through X
//! (`ldx M[r]; ld [x + k]`).
//!
//! Guarantees, as in libpcap 1.10.3: a word is only written by the prologue that
//! [`Gen::finish`] puts in front of the program (for the link type's own headers) or by
//! `geneve` (inline, for its inner frame); the prologue fills the words current when the
//! expression ends, so code compiled before a `geneve` reads words that only the tunnel's
//! code would have filled, exactly as libpcap's does. On PPI, every program first checks
//! that the PPI header announces 802.11.

use super::link::{Base, Kind};
use super::Gen;
use crate::bpf::insn::*;
use crate::bpf::Insn;
use crate::filter::ast::Proto;
use crate::filter::cfg::{Frag, Target};

/// The scratch words holding run-time positions, once allocated.
#[derive(Clone, Copy, Debug, Default)]
pub struct VarRegs {
    pub hdr: Option<u32>,
    pub ty: Option<u32>,
    pub pl: Option<u32>,
}

/// The radio header in front of an 802.11 header, and how its length is found.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Radio {
    /// DLT_IEEE802_11: none.
    None,
    /// Radiotap: a little-endian length at 2; data frames may be padded to 4 bytes.
    Radiotap,
    /// PPI: a little-endian length at 2.
    Ppi,
    /// AVS: a big-endian length at 4.
    Avs,
    /// Prism: 144 bytes, or an AVS header when the first word says so.
    Prism,
}

fn ld(size: u16, off: u32) -> Insn {
    Insn::stmt(BPF_LD | size | BPF_ABS, off)
}

fn stmt(code: u16, k: u32) -> Insn {
    Insn::stmt(code, k)
}

const JSET: u16 = BPF_JMP | BPF_JSET | BPF_K;
const JEQ: u16 = BPF_JMP | BPF_JEQ | BPF_K;
/// The PPI header's link type field (little-endian DLT_IEEE802_11) as a big-endian load sees it.
const PPI_DLT_80211: u32 = 0x6900_0000;

impl Gen {
    /// The scratch word for a run-time position, allocated on first use.
    pub(super) fn var_reg(&mut self, base: Base) -> Result<u32, String> {
        let slot = match base {
            Base::Hdr => &self.var.hdr,
            Base::Type => &self.var.ty,
            Base::Pl => &self.var.pl,
            Base::Packet => unreachable!("absolute offsets have no scratch word"),
        };
        if let Some(r) = *slot {
            return Ok(r);
        }
        let r = self.alloc_reg_pub()?;
        match base {
            Base::Hdr => self.var.hdr = Some(r),
            Base::Type => self.var.ty = Some(r),
            _ => self.var.pl = Some(r),
        }
        Ok(r)
    }

    /// A load of `size` at `k` from `base`.
    pub fn ld_at(&mut self, base: Base, size: u16, k: u32) -> Result<Vec<Insn>, String> {
        Ok(match base {
            Base::Packet => vec![ld(size, k)],
            b => vec![
                stmt(BPF_LDX | BPF_MEM, self.var_reg(b)?),
                stmt(BPF_LD | size | BPF_IND, k),
            ],
        })
    }

    /// A load at `off` from the link header (MAC addresses, 802.11 frame control).
    pub fn ld_hdr(&mut self, size: u16, off: u32) -> Result<Vec<Insn>, String> {
        self.ld_at(
            self.link.hdr_base,
            size,
            self.link.off_linkhdr.wrapping_add(off),
        )
    }

    /// A load at `off` from the linktype field.
    pub fn ld_type(&mut self, size: u16, off: u32) -> Result<Vec<Insn>, String> {
        self.ld_at(self.link.type_base, size, self.link.off_linktype + off)
    }

    /// A load at `off` from the link payload.
    pub fn ld_pl(&mut self, size: u16, off: u32) -> Result<Vec<Insn>, String> {
        self.ld_at(
            self.link.pl_base,
            size,
            self.link.off_linkpl.wrapping_add(off),
        )
    }

    /// A load at `off` from the network-layer header.
    pub fn ld_nl(&mut self, size: u16, off: u32) -> Result<Vec<Insn>, String> {
        let nl = self.link.off_nl;
        self.ld_pl(size, nl.wrapping_add(off))
    }

    /// The scratch word with the run-time payload offset, if the link has one (loads
    /// through X then add [`Gen::nl`]).
    pub fn payload_x(&mut self) -> Result<Option<u32>, String> {
        match self.link.pl_base {
            Base::Packet => Ok(None),
            b => Ok(Some(self.var_reg(b)?)),
        }
    }

    /// A load of `size` at the index in scratch word `reg` from where `link[]` (the link
    /// header) or `radio[]` (the start of the packet, on link types with a radio header)
    /// begins.
    pub fn link_index_load(
        &mut self,
        proto: Proto,
        reg: u32,
        size: u16,
    ) -> Result<Vec<Insn>, String> {
        let (base, k) = if proto == Proto::Radio {
            if !matches!(self.dlt, 119 | 127 | 163) {
                return Err("radio information not present in capture".to_string());
            }
            (Base::Packet, 0)
        } else {
            (self.link.hdr_base, self.link.off_linkhdr)
        };
        let mut s = match base {
            Base::Packet => vec![stmt(BPF_LDX | BPF_MEM, reg)],
            b => vec![
                stmt(BPF_LDX | BPF_MEM, self.var_reg(b)?),
                stmt(BPF_LD | BPF_MEM, reg),
                stmt(BPF_ALU | BPF_ADD | BPF_X, 0),
                stmt(BPF_MISC | BPF_TAX, 0),
            ],
        };
        s.push(stmt(BPF_LD | size | BPF_IND, k));
        Ok(s)
    }

    /// Statements leaving X = offset of the IPv4 payload minus the network-layer offset
    /// (add [`Gen::nl`] to loads through X).
    pub fn ipv4_payload_x(&mut self) -> Result<Vec<Insn>, String> {
        Ok(match self.payload_x()? {
            None => vec![self.ldx_iphdrlen()],
            Some(r) => vec![
                stmt(BPF_LDX | BPF_MEM, r),
                stmt(BPF_LD | BPF_B | BPF_IND, self.nl()),
                stmt(BPF_ALU | BPF_AND | BPF_K, 0xf),
                stmt(BPF_ALU | BPF_LSH | BPF_K, 2),
                stmt(BPF_ALU | BPF_ADD | BPF_X, 0),
                stmt(BPF_MISC | BPF_TAX, 0),
            ],
        })
    }

    /// Whether the link layer is now the Ethernet frame inside a Geneve tunnel.
    pub fn in_tunnel(&self) -> bool {
        // (`vlan` on a live capture makes the linktype offset variable too, but not the
        // link header's.)
        self.link.kind == Kind::Ether && self.link.hdr_base == Base::Hdr
    }

    /// Whether some offset of the link layer is only known at run time.
    pub fn has_variable_offsets(&self) -> bool {
        self.link.is_variable()
    }

    fn radio(&self) -> Option<Radio> {
        Some(match self.dlt {
            105 => Radio::None,
            127 => Radio::Radiotap,
            192 => Radio::Ppi,
            163 => Radio::Avs,
            119 => Radio::Prism,
            _ => return None,
        })
    }

    /// Wires the finished program and puts in front of it the prologue computing the
    /// run-time offsets it uses; returns the entry block.
    pub fn finish(&mut self, f: &Frag) -> usize {
        self.g.finish(f);
        if let Some(zero) = self.vlan_prologue() {
            self.g.prepend(f, zero);
        }
        let body = Target::Block(f.entry);
        if self.dlt == 117 {
            if let Some(r) = self.var.pl {
                self.g.prepend(
                    f,
                    vec![
                        ld(BPF_B, 0),
                        stmt(BPF_ALU | BPF_ADD | BPF_K, 3),
                        stmt(BPF_ALU | BPF_AND | BPF_K, 0xffff_fffc),
                        stmt(BPF_ST, r),
                        stmt(BPF_MISC | BPF_TAX, 0),
                    ],
                );
            }
            return f.entry;
        }
        let Some(radio) = self.radio() else {
            return f.entry;
        };
        // The prologue's blocks are created in the order they run, after the body's, then
        // moved in front of them: every jump goes forward in creation order, which is the
        // order the emitter lays blocks out in.
        let first = self.g.blocks.len();
        // On PPI, the header must announce 802.11: checked while the link type compiled for
        // is still PPI (not after `pppoes` or `geneve`), as libpcap does.
        let l = self.link;
        let ppi = (self.dlt == 192 && l.kind == Kind::Wlan && !l.pppoes).then(|| self.new_block());
        let start = self.wlan_prologue(radio, body);
        let entry = match ppi {
            Some(b) => {
                self.set_block(
                    b,
                    vec![ld(BPF_W, 4)],
                    JEQ,
                    PPI_DLT_80211,
                    start,
                    Target::Reject,
                );
                Target::Block(b)
            }
            None => start,
        };
        let Target::Block(entry) = entry else {
            unreachable!("the body is a block");
        };
        self.move_to_front(first, entry)
    }

    /// Moves blocks `first..` in front of the others, keeping every jump's target; returns
    /// the new index of block `keep`.
    fn move_to_front(&mut self, first: usize, keep: usize) -> usize {
        let n = self.g.blocks.len();
        let moved = n - first;
        let new_index = |i: usize| if i >= first { i - first } else { i + moved };
        self.g.blocks.rotate_left(first);
        for b in &mut self.g.blocks {
            for t in [&mut b.jt, &mut b.jf] {
                if let Target::Block(x) = t {
                    *x = new_index(*x);
                }
            }
        }
        new_index(keep)
    }

    /// A block to be filled in by [`Gen::set_block`] once its successors exist.
    fn new_block(&mut self) -> usize {
        self.g.block(vec![], JEQ, 0, Target::Open, Target::Open)
    }

    fn set_block(
        &mut self,
        id: usize,
        stmts: Vec<Insn>,
        code: u16,
        k: u32,
        jt: Target,
        jf: Target,
    ) {
        let b = &mut self.g.blocks[id];
        b.stmts = stmts;
        b.code = code;
        b.k = k;
        b.jt = jt;
        b.jf = jf;
    }

    /// Block `id` runs `stmts` and goes on to `to`.
    fn set_straight(&mut self, id: usize, stmts: Vec<Insn>, to: Target) {
        self.set_block(id, stmts, JEQ, 0, to, to);
    }

    /// The radio header's length into the link header word (and X), then the 802.11
    /// header's length into the payload word; each only when the program uses it.
    fn wlan_prologue(&mut self, radio: Radio, body: Target) -> Target {
        let need_pl = self.var.pl.is_some();
        let need_hdr = radio != Radio::None && (need_pl || self.var.hdr.is_some());
        if !need_pl && !need_hdr {
            return body;
        }
        // After the radio header's length: X = the 802.11 header's offset.
        let mut to_x = vec![];
        if let Some(h) = self.var.hdr.filter(|_| radio != Radio::None) {
            to_x.push(stmt(BPF_ST, h));
        }
        to_x.push(stmt(BPF_MISC | BPF_TAX, 0));
        let little_endian_len = |at: u32| {
            vec![
                ld(BPF_B, at + 1),
                stmt(BPF_ALU | BPF_LSH | BPF_K, 8),
                stmt(BPF_MISC | BPF_TAX, 0),
                ld(BPF_B, at),
                stmt(BPF_ALU | BPF_OR | BPF_X, 0),
            ]
        };
        let mut prism = None;
        let lead = match radio {
            Radio::None => vec![stmt(BPF_LDX | BPF_IMM, 0)],
            Radio::Radiotap | Radio::Ppi => [little_endian_len(2), to_x].concat(),
            Radio::Avs => [vec![ld(BPF_W, 4)], to_x].concat(),
            Radio::Prism => {
                prism = Some((self.new_block(), self.new_block(), self.new_block()));
                to_x
            }
        };
        let next = if let Some(r) = self.var.pl {
            // libpcap checks radiotap's padding flag only while the link type it compiles
            // for is still radiotap (not after `pppoes` or `geneve`).
            let l = self.link;
            let radiotap = radio == Radio::Radiotap && l.kind == Kind::Wlan && !l.pppoes;
            self.dot11_len(r, radiotap, lead, body)
        } else {
            let b = self.new_block();
            self.set_straight(b, lead, body);
            Target::Block(b)
        };
        let Some((test, avs, fixed)) = prism else {
            return next;
        };
        // Prism: 144 bytes, unless the first word announces an AVS header (length at 4).
        self.set_block(
            test,
            vec![ld(BPF_W, 0), stmt(BPF_ALU | BPF_AND | BPF_K, 0xffff_f000)],
            JEQ,
            0x8021_1000,
            Target::Block(avs),
            Target::Block(fixed),
        );
        self.set_straight(avs, vec![ld(BPF_W, 4)], next);
        self.set_straight(fixed, vec![stmt(BPF_LD | BPF_IMM, 144)], next);
        Target::Block(test)
    }

    /// With X = the 802.11 header's offset (after `lead`): payload word = X + 24, plus 2
    /// for QoS data frames, rounded up to 4 when radiotap says the frame is padded.
    fn dot11_len(&mut self, r: u32, radiotap: bool, lead: Vec<Insn>, body: Target) -> Target {
        let [start, ctl, qos, add2] = [(); 4].map(|_| self.new_block());
        let t = Target::Block;
        let mut stmts = lead;
        stmts.extend([
            stmt(BPF_MISC | BPF_TXA, 0),
            stmt(BPF_ALU | BPF_ADD | BPF_K, 24),
            stmt(BPF_ST, r),
            stmt(BPF_LD | BPF_B | BPF_IND, 0),
        ]);
        // Data frames only; not control frames; QoS data frames have 2 more bytes.
        self.set_block(start, stmts, JSET, 0x08, t(ctl), body);
        self.set_block(ctl, vec![], JSET, 0x04, body, t(qos));
        let after_qos = if radiotap {
            let [flags, ext, tsft, at16, at8, round] = [(); 6].map(|_| self.new_block());
            // The radiotap flags field is present (and no extended bitmap moves it): the
            // flags byte is at 8, or at 16 after a TSFT field; 0x20 means padded.
            self.set_block(flags, vec![ld(BPF_W, 4)], JSET, 0x0200_0000, t(ext), body);
            self.set_block(ext, vec![], JSET, 0x80, body, t(tsft));
            self.set_block(tsft, vec![], JSET, 0x0100_0000, t(at16), t(at8));
            self.set_block(at16, vec![ld(BPF_B, 16)], JSET, 0x20, t(round), body);
            self.set_block(at8, vec![ld(BPF_B, 8)], JSET, 0x20, t(round), body);
            self.set_straight(
                round,
                vec![
                    stmt(BPF_LD | BPF_MEM, r),
                    stmt(BPF_ALU | BPF_ADD | BPF_K, 3),
                    stmt(BPF_ALU | BPF_AND | BPF_K, 0xffff_fffc),
                    stmt(BPF_ST, r),
                ],
                body,
            );
            t(flags)
        } else {
            body
        };
        self.set_block(qos, vec![], JSET, 0x80, t(add2), after_qos);
        self.set_straight(
            add2,
            vec![
                stmt(BPF_LD | BPF_MEM, r),
                stmt(BPF_ALU | BPF_ADD | BPF_K, 2),
                stmt(BPF_ST, r),
            ],
            after_qos,
        );
        t(start)
    }
}
