//! Arithmetic values and relations: `proto[index:size]`, `len`, numbers, operators.
//!
//! Like libpcap's unoptimised code, every value lives in a scratch memory word; a value also
//! carries the conditions under which it may be computed (`tcp[0]` only on unfragmented
//! IPv4 TCP), which run before the computation. Scratch words are handed out round-robin
//! from the 16 the machine has; running out is libpcap's error.

use super::Gen;
use crate::bpf::insn::*;
use crate::bpf::Insn;
use crate::filter::ast::{ArithOp, Proto, RelOp};
use crate::filter::cfg::Frag;

/// A computed value: statements that leave it in scratch word `reg`, and the conditions that
/// must hold first.
pub struct Value {
    pub stmts: Vec<Insn>,
    pub reg: u32,
    pub cond: Option<Frag>,
}

impl Gen {
    pub(super) fn alloc_reg_pub(&mut self) -> Result<u32, String> {
        self.alloc_reg()
    }

    fn alloc_reg(&mut self) -> Result<u32, String> {
        // libpcap's round robin: the search starts at the word handed out last, so a word
        // freed right away is handed out again (the scratch numbers match its listings).
        for i in 0..BPF_MEMWORDS as u32 {
            let r = (self.next_reg + i) % BPF_MEMWORDS as u32;
            if self.regs_used & (1 << r) == 0 {
                self.regs_used |= 1 << r;
                self.next_reg = r;
                return Ok(r);
            }
        }
        Err("too many registers needed to evaluate expression".to_string())
    }

    pub(super) fn free_reg(&mut self, r: u32) {
        self.regs_used &= !(1 << r);
    }

    pub fn arith_num(&mut self, v: u32) -> Result<Value, String> {
        let reg = self.alloc_reg()?;
        Ok(Value {
            stmts: vec![Insn::stmt(BPF_LD | BPF_IMM, v), Insn::stmt(BPF_ST, reg)],
            reg,
            cond: None,
        })
    }

    pub fn arith_len(&mut self) -> Result<Value, String> {
        let reg = self.alloc_reg()?;
        Ok(Value {
            stmts: vec![
                Insn::stmt(BPF_LD | BPF_W | BPF_LEN, 0),
                Insn::stmt(BPF_ST, reg),
            ],
            reg,
            cond: None,
        })
    }

    fn and_cond(&mut self, a: Option<Frag>, b: Option<Frag>) -> Option<Frag> {
        match (a, b) {
            (Some(a), Some(b)) => Some(self.g.and(a, b)),
            (a, None) => a,
            (None, b) => b,
        }
    }

    pub fn arith_load(&mut self, proto: Proto, index: Value, size: u32) -> Result<Value, String> {
        let sz = match size {
            1 => BPF_B,
            2 => BPF_H,
            4 => BPF_W,
            _ => return Err("data size must be 1, 2, or 4".to_string()),
        };
        let mut stmts = index.stmts;
        // libpcap takes the result's word first (before any run-time link offset's word the
        // load needs), then gives the index's back.
        let reg = self.alloc_reg()?;
        let cond = match proto {
            Proto::Link | Proto::Radio => {
                stmts.extend(self.link_index_load(proto, index.reg, sz)?);
                index.cond
            }
            Proto::Ip
            | Proto::Ip6
            | Proto::Arp
            | Proto::Rarp
            | Proto::Atalk
            | Proto::Decnet
            | Proto::Lat
            | Proto::Sca
            | Proto::Moprc
            | Proto::Mopdl => {
                stmts.extend(self.index_x(index.reg)?);
                stmts.push(Insn::stmt(BPF_LD | sz | BPF_IND, self.nl()));
                let p = self.proto_abbrev(proto)?;
                self.and_cond(index.cond, Some(p))
            }
            Proto::Tcp
            | Proto::Udp
            | Proto::Icmp
            | Proto::Igmp
            | Proto::Igrp
            | Proto::Pim
            | Proto::Vrrp
            | Proto::Carp
            | Proto::Sctp => {
                stmts.extend(self.ipv4_payload_x()?);
                stmts.push(Insn::stmt(BPF_LD | BPF_MEM, index.reg));
                stmts.push(Insn::stmt(BPF_ALU | BPF_ADD | BPF_X, 0));
                stmts.push(Insn::stmt(BPF_MISC | BPF_TAX, 0));
                stmts.push(Insn::stmt(BPF_LD | sz | BPF_IND, self.nl()));
                let ip = self.proto_abbrev(Proto::Ip)?;
                let p = self.proto_abbrev(proto)?;
                let nofrag = self.ipv4_not_fragment()?;
                let pn = self.g.and(p, nofrag);
                // libpcap's order: the link type, then the index's own conditions, then
                // the protocol (it matters when a load of those conditions faults).
                let inner = self.and_cond(index.cond, Some(pn));
                inner.map(|c| self.g.and(ip, c))
            }
            Proto::Icmp6 => {
                stmts.extend(self.index_x(index.reg)?);
                stmts.push(Insn::stmt(
                    BPF_LD | sz | BPF_IND,
                    self.nl().wrapping_add(40),
                ));
                // Only an ICMPv6 header right after the IPv6 header (libpcap does not look
                // past a fragment header here, unlike `icmp6`).
                let ip6 = self.proto_abbrev(Proto::Ip6)?;
                let s = self.ld_nl(BPF_B, 6)?;
                let p = self.g.eq(s, 58);
                let c = self.g.and(ip6, p);
                self.and_cond(index.cond, Some(c))
            }
            _ => return Err("unsupported index operation".to_string()),
        };
        self.free_reg(index.reg);
        stmts.push(Insn::stmt(BPF_ST, reg));
        Ok(Value { stmts, reg, cond })
    }

    /// X = the index in scratch word `reg`, plus the run-time payload offset if any.
    fn index_x(&mut self, reg: u32) -> Result<Vec<Insn>, String> {
        Ok(match self.payload_x()? {
            None => vec![Insn::stmt(BPF_LDX | BPF_MEM, reg)],
            Some(r) => vec![
                Insn::stmt(BPF_LDX | BPF_MEM, r),
                Insn::stmt(BPF_LD | BPF_MEM, reg),
                Insn::stmt(BPF_ALU | BPF_ADD | BPF_X, 0),
                Insn::stmt(BPF_MISC | BPF_TAX, 0),
            ],
        })
    }

    pub fn arith_neg(&mut self, a: Value) -> Result<Value, String> {
        let mut stmts = a.stmts;
        stmts.push(Insn::stmt(BPF_LD | BPF_MEM, a.reg));
        stmts.push(Insn::stmt(BPF_ALU | BPF_NEG, 0));
        stmts.push(Insn::stmt(BPF_ST, a.reg));
        Ok(Value {
            stmts,
            reg: a.reg,
            cond: a.cond,
        })
    }

    pub fn arith_bin(&mut self, op: ArithOp, a: Value, b: Value) -> Result<Value, String> {
        // libpcap looks only at the first statement of the right operand: when it loads a
        // constant, that constant is checked, whatever follows (`-40`, `ip[40]`, `(0 * len)`
        // all count as their first number).
        let first_imm = b
            .stmts
            .first()
            .filter(|s| s.code == BPF_LD | BPF_IMM)
            .map(|s| s.k);
        match (op, first_imm) {
            (ArithOp::Div, Some(0)) => return Err("division by zero".to_string()),
            (ArithOp::Mod, Some(0)) => return Err("modulus by zero".to_string()),
            (ArithOp::Shl | ArithOp::Shr, Some(n)) if n > 31 => {
                return Err("shift by more than 31 bits".to_string())
            }
            _ => {}
        }
        let code = match op {
            ArithOp::Add => BPF_ADD,
            ArithOp::Sub => BPF_SUB,
            ArithOp::Mul => BPF_MUL,
            ArithOp::Div => BPF_DIV,
            ArithOp::Mod => BPF_MOD,
            ArithOp::And => BPF_AND,
            ArithOp::Or => BPF_OR,
            ArithOp::Xor => BPF_XOR,
            ArithOp::Shl => BPF_LSH,
            ArithOp::Shr => BPF_RSH,
        };
        let mut stmts = a.stmts;
        stmts.extend(b.stmts);
        stmts.push(Insn::stmt(BPF_LDX | BPF_MEM, b.reg));
        stmts.push(Insn::stmt(BPF_LD | BPF_MEM, a.reg));
        stmts.push(Insn::stmt(BPF_ALU | code | BPF_X, 0));
        stmts.push(Insn::stmt(BPF_ST, b.reg));
        self.free_reg(a.reg);
        // libpcap keeps only the left operand's conditions: `len + ip[4]` loads ip[4] from
        // any packet, IPv4 or not (`ip[4] + len` checks for IPv4).
        Ok(Value {
            stmts,
            reg: b.reg,
            cond: a.cond,
        })
    }

    pub fn arith_relation(&mut self, op: RelOp, a: Value, b: Value) -> Result<Frag, String> {
        let mut stmts = a.stmts;
        stmts.extend(b.stmts);
        stmts.push(Insn::stmt(BPF_LDX | BPF_MEM, b.reg));
        stmts.push(Insn::stmt(BPF_LD | BPF_MEM, a.reg));
        let (code, negate) = match op {
            RelOp::Gt => (BPF_JGT, false),
            RelOp::Ge => (BPF_JGE, false),
            RelOp::Eq => (BPF_JEQ, false),
            RelOp::Le => (BPF_JGT, true),
            RelOp::Lt => (BPF_JGE, true),
            RelOp::Ne => (BPF_JEQ, true),
        };
        let t = if code == BPF_JEQ {
            stmts.push(Insn::stmt(BPF_ALU | BPF_SUB | BPF_X, 0));
            self.g.test(stmts, BPF_JMP | BPF_JEQ | BPF_K, 0)
        } else {
            self.g.test(stmts, BPF_JMP | code | BPF_X, 0)
        };
        let t = if negate { self.g.not(t) } else { t };
        self.free_reg(a.reg);
        self.free_reg(b.reg);
        let cond = self.and_cond(a.cond, b.cond);
        Ok(match cond {
            Some(c) => self.g.and(c, t),
            None => t,
        })
    }
}
