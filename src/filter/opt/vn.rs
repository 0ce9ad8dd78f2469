//! The abstract domain of the forward pass: value numbers, facts about them, and the state
//! of the machine at one program point.
//!
//! A value number ([`Vn`]) names an expression over the packet ([`Expr`]): a constant, a
//! load at a fixed offset, a load at `X + k` for a value number of X, arithmetic over value
//! numbers, or an opaque unknown. Equal numbers mean equal values on every packet, so a
//! register that already holds a statement's value number makes the statement redundant.
//!
//! A [`State`] says, for one program point and every path reaching it: which value number
//! each of A, X and M[0..15] holds, how many captured bytes every path has already proved
//! present (so a load inside them cannot reject), and [`Fact`]s (interval, known bits,
//! excluded constants) learned from the tests passed on the way. Invariant: everything a
//! `State` claims holds on every path to its point; [`State::meet`] keeps only what both
//! sides claim. Its size is bounded ([`MAX_FACTS`], [`MAX_IND`], [`MAX_NE`]), so copying and
//! meeting states costs O(1) whatever the filter's size.

use crate::bpf::insn::*;
use crate::bpf::Insn;

/// A value number.
pub type Vn = u32;

/// Register slots of a [`State`]: A, X, then the sixteen scratch words.
pub const REG_A: usize = 0;
pub const REG_X: usize = 1;
pub const NREGS: usize = 2 + BPF_MEMWORDS;

/// Facts kept per state; the oldest are forgotten first (forgetting is always sound).
pub const MAX_FACTS: usize = 24;
/// Proved `X + k` extents kept per state.
pub const MAX_IND: usize = 6;
/// Excluded constants kept per fact.
pub const MAX_NE: usize = 4;

/// What a value number stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Expr {
    Const(u32),
    Abs { size: u16, k: u32 },
    Ind { size: u16, x: Vn, k: u32 },
    Msh(u32),
    Len,
    Alu { op: u16, a: Vn, b: Vn },
    Neg(Vn),
    Opaque(u32),
}

/// The hash-consed table of expressions.
#[derive(Default)]
pub struct Table {
    exprs: Vec<Expr>,
    index: super::FastMap<Expr, Vn>,
    opaque: u32,
}

impl Table {
    pub fn intern(&mut self, e: Expr) -> Vn {
        if let Some(&v) = self.index.get(&e) {
            return v;
        }
        let v = self.exprs.len() as Vn;
        self.exprs.push(e);
        self.index.insert(e, v);
        v
    }

    pub fn konst(&mut self, c: u32) -> Vn {
        self.intern(Expr::Const(c))
    }

    /// A value number equal to no other.
    pub fn fresh(&mut self) -> Vn {
        // Unique by construction: no need to hash it.
        self.opaque += 1;
        let v = self.exprs.len() as Vn;
        self.exprs.push(Expr::Opaque(self.opaque));
        v
    }

    pub fn expr(&self, v: Vn) -> Expr {
        self.exprs[v as usize]
    }
}

/// What is known about one value: `lo <= v <= hi`, `v & ones == ones`, `v & zeros == 0`,
/// `v & any != 0` (when `any` is not 0: a `jset` with several bits was taken), and `v` is
/// none of `ne`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fact {
    pub lo: u32,
    pub hi: u32,
    pub ones: u32,
    pub zeros: u32,
    pub any: u32,
    ne: [u32; MAX_NE],
    n_ne: u8,
}

impl Fact {
    pub const TOP: Fact = Fact {
        lo: 0,
        hi: u32::MAX,
        ones: 0,
        zeros: 0,
        any: 0,
        ne: [0; MAX_NE],
        n_ne: 0,
    };

    pub fn exactly(c: u32) -> Fact {
        Fact {
            lo: c,
            hi: c,
            ones: c,
            zeros: !c,
            ..Fact::TOP
        }
    }

    pub fn is_top(&self) -> bool {
        *self == Fact::TOP
    }

    pub fn value(&self) -> Option<u32> {
        (self.lo == self.hi).then_some(self.lo)
    }

    fn excludes(&self, c: u32) -> bool {
        c < self.lo
            || c > self.hi
            || c & self.zeros != 0
            || self.ones & !c != 0
            || (self.any != 0 && c & self.any == 0)
            || self.ne[..self.n_ne as usize].contains(&c)
    }

    /// A mask `m` with `v & m != 0` known, or 0.
    fn some_bit_of(&self) -> u32 {
        if self.any != 0 {
            self.any
        } else {
            self.ones
        }
    }

    /// The outcome of `v <op> k` when this fact decides it.
    pub fn decide(&self, op: u16, k: u32) -> Option<bool> {
        if let Some(v) = self.value() {
            return Some(compare(op, v, k));
        }
        match op {
            BPF_JEQ => self.excludes(k).then_some(false),
            BPF_JGT => {
                if self.lo > k {
                    Some(true)
                } else if self.hi <= k {
                    Some(false)
                } else {
                    None
                }
            }
            BPF_JGE => {
                if self.lo >= k {
                    Some(true)
                } else if self.hi < k {
                    Some(false)
                } else {
                    None
                }
            }
            BPF_JSET => {
                if self.ones & k != 0 || (self.any != 0 && self.any & !k == 0) {
                    // A bit of k is set, or some bit of `any`, all of which are in k.
                    Some(true)
                } else if k & !self.zeros == 0 || self.hi < (k & k.wrapping_neg()) {
                    // Every bit of k is known clear, or v is below k's lowest bit.
                    Some(false)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// Adds what `v <op> k == outcome` teaches; only called when `decide` returned None.
    pub fn refine(&mut self, op: u16, k: u32, outcome: bool) {
        match (op, outcome) {
            (BPF_JEQ, true) => *self = Fact::exactly(k),
            (BPF_JEQ, false) => {
                if k == self.lo {
                    self.lo = self.lo.saturating_add(1);
                } else if k == self.hi {
                    self.hi = self.hi.saturating_sub(1);
                } else if (self.n_ne as usize) < MAX_NE {
                    self.ne[self.n_ne as usize] = k;
                    self.n_ne += 1;
                } else {
                    // Forget the oldest exclusion.
                    self.ne.rotate_left(1);
                    self.ne[MAX_NE - 1] = k;
                }
            }
            (BPF_JGT, true) => self.lo = self.lo.max(k.saturating_add(1)),
            (BPF_JGT, false) => self.hi = self.hi.min(k),
            (BPF_JGE, true) => self.lo = self.lo.max(k),
            (BPF_JGE, false) => self.hi = self.hi.min(k.saturating_sub(1)),
            (BPF_JSET, true) => {
                if k.is_power_of_two() {
                    self.ones |= k;
                } else if self.any == 0 || k.count_ones() < self.any.count_ones() {
                    // One such mask is kept: the narrower one decides more tests.
                    self.any = k;
                }
                self.lo = self.lo.max(k & k.wrapping_neg());
            }
            (BPF_JSET, false) => self.zeros |= k,
            _ => {}
        }
        self.normalize();
    }

    /// Drops exclusions the interval already implies and keeps the representation unique.
    fn normalize(&mut self) {
        let (lo, hi) = (self.lo, self.hi);
        let mut n = 0;
        for i in 0..self.n_ne as usize {
            let c = self.ne[i];
            if c >= lo && c <= hi && !self.ne[..n].contains(&c) {
                self.ne[n] = c;
                n += 1;
            }
        }
        for slot in &mut self.ne[n..] {
            *slot = 0;
        }
        self.n_ne = n as u8;
        if let Some(v) = self.value() {
            *self = Fact::exactly(v);
        }
    }

    /// What both facts claim.
    pub fn meet(&self, o: &Fact) -> Fact {
        let mut f = Fact {
            lo: self.lo.min(o.lo),
            hi: self.hi.max(o.hi),
            ones: self.ones & o.ones,
            zeros: self.zeros & o.zeros,
            // v & m1 != 0 on one side and v & m2 != 0 on the other: v & (m1 | m2) != 0.
            any: match (self.some_bit_of(), o.some_bit_of()) {
                (0, _) | (_, 0) => 0,
                (m1, m2) => m1 | m2,
            },
            ..Fact::TOP
        };
        for &c in &self.ne[..self.n_ne as usize] {
            if o.excludes(c) && (f.n_ne as usize) < MAX_NE {
                f.ne[f.n_ne as usize] = c;
                f.n_ne += 1;
            }
        }
        for &c in &o.ne[..o.n_ne as usize] {
            if self.excludes(c) && (f.n_ne as usize) < MAX_NE {
                f.ne[f.n_ne as usize] = c;
                f.n_ne += 1;
            }
        }
        f.normalize();
        f
    }
}

/// `a <op> b` for a jump operation.
pub fn compare(op: u16, a: u32, b: u32) -> bool {
    match op {
        BPF_JEQ => a == b,
        BPF_JGT => a > b,
        BPF_JGE => a >= b,
        BPF_JSET => a & b != 0,
        _ => false,
    }
}

/// The machine at one program point, on every path reaching it.
#[derive(Debug)]
pub struct State {
    pub regs: [Vn; NREGS],
    /// Every path has loaded a byte below this offset, so the capture is at least this long.
    pub len_abs: u32,
    /// (value number of X, extent): every path loaded at `X + k` with `k + size <= extent`.
    pub len_ind: Vec<(Vn, u32)>,
    /// Facts, oldest first.
    pub facts: Vec<(Vn, Fact)>,
}

impl Clone for State {
    fn clone(&self) -> State {
        State {
            regs: self.regs,
            len_abs: self.len_abs,
            len_ind: self.len_ind.clone(),
            facts: self.facts.clone(),
        }
    }

    /// Reuses `self`'s buffers (the forward pass copies states per edge).
    fn clone_from(&mut self, o: &State) {
        self.regs = o.regs;
        self.len_abs = o.len_abs;
        self.len_ind.clone_from(&o.len_ind);
        self.facts.clone_from(&o.facts);
    }
}

/// The effect of one statement, computed before it runs.
#[derive(Clone, Copy, Debug)]
pub struct Step {
    /// The register slot it writes.
    pub reg: usize,
    /// The value it writes.
    pub vn: Vn,
    /// It cannot reject the packet on any path reaching it.
    pub safe: bool,
    /// What its success proves.
    pub proves: Proof,
}

/// What a statement that did not reject proves about the packet or the registers.
#[derive(Clone, Copy, Debug)]
pub enum Proof {
    Nothing,
    Abs(u32),
    Ind(Vn, u32),
    NonZero(Vn),
}

impl State {
    /// The state at the program's entry: nothing known.
    pub fn entry(t: &mut Table) -> State {
        let mut regs = [0; NREGS];
        for r in &mut regs {
            *r = t.fresh();
        }
        State {
            regs,
            len_abs: 0,
            len_ind: Vec::new(),
            facts: Vec::new(),
        }
    }

    pub fn fact(&self, t: &Table, v: Vn) -> Fact {
        if let Expr::Const(c) = t.expr(v) {
            return Fact::exactly(c);
        }
        self.facts
            .iter()
            .rev()
            .find(|(w, _)| *w == v)
            .map(|(_, f)| *f)
            .unwrap_or(Fact::TOP)
    }

    pub fn value(&self, t: &Table, v: Vn) -> Option<u32> {
        self.fact(t, v).value()
    }

    fn set_fact(&mut self, v: Vn, f: Fact) {
        self.facts.retain(|(w, _)| *w != v);
        if f.is_top() {
            return;
        }
        if self.facts.len() >= MAX_FACTS {
            self.facts.remove(0);
        }
        self.facts.push((v, f));
    }

    /// Whether `v` was computed on every path here (so computing it again cannot reject).
    fn computed(&self, v: Vn) -> bool {
        self.regs.contains(&v) || self.facts.iter().any(|(w, _)| *w == v)
    }

    /// Whether the capture is proved to hold `[x + k, x + end)`.
    fn ind_proved(&self, t: &Table, x: Vn, end: u32) -> bool {
        if self.len_ind.iter().any(|&(w, e)| w == x && e >= end) {
            return true;
        }
        match self.value(t, x).and_then(|c| c.checked_add(end)) {
            Some(abs) => abs <= self.len_abs,
            None => false,
        }
    }

    /// The effect of `insn` in this state; None for an instruction that is not a statement.
    pub fn step(&self, t: &mut Table, insn: &Insn) -> Option<Step> {
        let k = insn.k;
        let code = insn.code;
        let pure = |reg, vn| Step {
            reg,
            vn,
            safe: true,
            proves: Proof::Nothing,
        };
        let width = |code: u16| match size(code) {
            BPF_W => Some((BPF_W, 4u32)),
            BPF_H => Some((BPF_H, 2)),
            BPF_B => Some((BPF_B, 1)),
            _ => None,
        };
        match class(code) {
            BPF_LD | BPF_LDX => {
                let reg = if class(code) == BPF_LD { REG_A } else { REG_X };
                match mode(code) {
                    BPF_IMM => Some(pure(reg, t.konst(k))),
                    BPF_LEN if size(code) == BPF_W => Some(pure(reg, t.intern(Expr::Len))),
                    BPF_MEM if (k as usize) < BPF_MEMWORDS => {
                        Some(pure(reg, self.regs[2 + k as usize]))
                    }
                    BPF_ABS if reg == REG_A && k >= SKF_AD_OFF => {
                        // Linux's ancillary data: no packet bytes, so it proves no length;
                        // it fails where no kernel (or no metadata) answers it.
                        let (sz, _) = width(code)?;
                        let vn = t.intern(Expr::Abs { size: sz, k });
                        Some(Step {
                            reg,
                            vn,
                            safe: self.computed(vn),
                            proves: Proof::Nothing,
                        })
                    }
                    BPF_ABS if reg == REG_A => {
                        let (sz, n) = width(code)?;
                        let vn = t.intern(Expr::Abs { size: sz, k });
                        let end = k.checked_add(n)?;
                        let safe = end <= self.len_abs || self.computed(vn);
                        Some(Step {
                            reg,
                            vn,
                            safe,
                            proves: Proof::Abs(end),
                        })
                    }
                    BPF_IND if reg == REG_A => {
                        let (sz, n) = width(code)?;
                        let x = self.regs[REG_X];
                        if let Some(off) = self.value(t, x).and_then(|c| c.checked_add(k)) {
                            // X is a known constant: this is a load at a fixed offset.
                            let at = Insn::stmt(BPF_LD | sz | BPF_ABS, off);
                            return self.step(t, &at);
                        }
                        let vn = t.intern(Expr::Ind { size: sz, x, k });
                        let end = k.checked_add(n)?;
                        let safe = self.ind_proved(t, x, end) || self.computed(vn);
                        Some(Step {
                            reg,
                            vn,
                            safe,
                            proves: Proof::Ind(x, end),
                        })
                    }
                    BPF_MSH if reg == REG_X && size(code) == BPF_B => {
                        let vn = t.intern(Expr::Msh(k));
                        let end = k.checked_add(1)?;
                        let safe = end <= self.len_abs || self.computed(vn);
                        Some(Step {
                            reg,
                            vn,
                            safe,
                            proves: Proof::Abs(end),
                        })
                    }
                    _ => None,
                }
            }
            BPF_ST | BPF_STX if (k as usize) < BPF_MEMWORDS && code & !0x07 == 0 => {
                let from = if class(code) == BPF_ST { REG_A } else { REG_X };
                Some(pure(2 + k as usize, self.regs[from]))
            }
            BPF_ALU => {
                let a = self.regs[REG_A];
                if op(code) == BPF_NEG {
                    let vn = match self.value(t, a) {
                        Some(c) => t.konst(c.wrapping_neg()),
                        None => t.intern(Expr::Neg(a)),
                    };
                    return Some(pure(REG_A, vn));
                }
                let b = if src(code) == BPF_X {
                    self.regs[REG_X]
                } else {
                    t.konst(k)
                };
                let o = op(code);
                let divides = o == BPF_DIV || o == BPF_MOD;
                let bf = self.fact(t, b);
                let nonzero = bf.decide(BPF_JEQ, 0) == Some(false);
                if divides && !nonzero && bf.value() == Some(0) {
                    // Always rejects: leave it alone.
                    return Some(Step {
                        reg: REG_A,
                        vn: t.fresh(),
                        safe: false,
                        proves: Proof::NonZero(b),
                    });
                }
                let vn = alu_vn(t, self, o, a, b)?;
                Some(Step {
                    reg: REG_A,
                    vn,
                    safe: !divides || nonzero,
                    proves: if divides {
                        Proof::NonZero(b)
                    } else {
                        Proof::Nothing
                    },
                })
            }
            BPF_MISC => match miscop(code) {
                BPF_TAX => Some(pure(REG_X, self.regs[REG_A])),
                BPF_TXA => Some(pure(REG_A, self.regs[REG_X])),
                _ => None,
            },
            _ => None,
        }
    }

    /// Runs a statement whose effect `step` computed.
    pub fn apply(&mut self, t: &Table, s: &Step) {
        match s.proves {
            Proof::Nothing => {}
            Proof::Abs(end) => self.len_abs = self.len_abs.max(end),
            Proof::Ind(x, end) => {
                if let Some(slot) = self.len_ind.iter_mut().find(|(w, _)| *w == x) {
                    slot.1 = slot.1.max(end);
                } else {
                    if self.len_ind.len() >= MAX_IND {
                        self.len_ind.remove(0);
                    }
                    self.len_ind.push((x, end));
                }
            }
            Proof::NonZero(v) => {
                let mut f = self.fact(t, v);
                if f.decide(BPF_JEQ, 0).is_none() {
                    f.refine(BPF_JEQ, 0, false);
                    self.set_fact(v, f);
                }
            }
        }
        self.regs[s.reg] = s.vn;
    }

    /// The jump `code`/`k` at the end of a block in this state: the operand as a constant
    /// when it is one (None for `A op X` with X unknown), and the outcome when it is decided.
    pub fn decide(&self, t: &Table, code: u16, k: u32) -> (Option<u32>, Option<bool>) {
        let a = self.regs[REG_A];
        let o = op(code);
        let operand = if src(code) == BPF_X {
            let x = self.regs[REG_X];
            match self.value(t, x) {
                Some(c) => Some(c),
                None if x == a => {
                    let d = match o {
                        BPF_JEQ | BPF_JGE => Some(true),
                        BPF_JGT => Some(false),
                        _ => None,
                    };
                    return (None, d);
                }
                None => return (None, None),
            }
        } else {
            Some(k)
        };
        let k = operand.expect("set above");
        (operand, self.fact(t, a).decide(o, k))
    }

    /// Adds what passing the jump `op` against constant `k` with `outcome` teaches.
    pub fn learn(&mut self, t: &Table, op: u16, k: u32, outcome: bool) {
        let a = self.regs[REG_A];
        if matches!(t.expr(a), Expr::Const(_)) {
            return;
        }
        let mut f = self.fact(t, a);
        if f.decide(op, k).is_none() {
            f.refine(op, k, outcome);
            self.set_fact(a, f);
        }
    }

    /// Keeps what both states claim; registers that differ get fresh value numbers.
    pub fn meet(&mut self, o: &State, t: &mut Table) {
        for (r, w) in self.regs.iter_mut().zip(o.regs.iter()) {
            if r != w {
                *r = t.fresh();
            }
        }
        self.len_abs = self.len_abs.min(o.len_abs);
        self.len_ind
            .retain_mut(|(x, e)| match o.len_ind.iter().find(|(w, _)| w == x) {
                Some(&(_, e2)) => {
                    *e = (*e).min(e2);
                    true
                }
                None => false,
            });
        self.facts
            .retain_mut(|(v, f)| match o.facts.iter().find(|(w, _)| w == v) {
                Some((_, g)) => {
                    *f = f.meet(g);
                    !f.is_top()
                }
                None => false,
            });
    }
}

/// The value number of `a <op> b`, folded when the operands are known.
fn alu_vn(t: &mut Table, st: &State, o: u16, a: Vn, b: Vn) -> Option<Vn> {
    let av = st.value(t, a);
    let bv = st.value(t, b);
    if let (Some(x), Some(y)) = (av, bv) {
        let v = match o {
            BPF_ADD => x.wrapping_add(y),
            BPF_SUB => x.wrapping_sub(y),
            BPF_MUL => x.wrapping_mul(y),
            BPF_DIV => x.checked_div(y)?,
            BPF_MOD => x.checked_rem(y)?,
            BPF_AND => x & y,
            BPF_OR => x | y,
            BPF_XOR => x ^ y,
            BPF_LSH => x.wrapping_shl(y),
            BPF_RSH => x.wrapping_shr(y),
            _ => return None,
        };
        return Some(t.konst(v));
    }
    // Identities that keep the left operand.
    if let Some(y) = bv {
        let identity = match o {
            BPF_ADD | BPF_SUB | BPF_OR | BPF_XOR | BPF_LSH | BPF_RSH => y == 0,
            BPF_MUL | BPF_DIV => y == 1,
            BPF_AND => y == u32::MAX,
            _ => false,
        };
        if identity {
            return Some(a);
        }
        if (o == BPF_AND || o == BPF_MUL) && y == 0 {
            return Some(t.konst(0));
        }
    }
    if !matches!(
        o,
        BPF_ADD
            | BPF_SUB
            | BPF_MUL
            | BPF_DIV
            | BPF_MOD
            | BPF_AND
            | BPF_OR
            | BPF_XOR
            | BPF_LSH
            | BPF_RSH
    ) {
        return None;
    }
    // Commutative operations: a canonical operand order.
    let (a, b) = if matches!(o, BPF_ADD | BPF_MUL | BPF_AND | BPF_OR | BPF_XOR) && b < a {
        (b, a)
    } else {
        (a, b)
    };
    Some(t.intern(Expr::Alu { op: o, a, b }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jset_all_ones_is_not_always_true() {
        // libpcap bug #1742: `jset #0xffffffff` is false for a zero value.
        assert_eq!(Fact::TOP.decide(BPF_JSET, 0xffff_ffff), None);
        assert_eq!(Fact::exactly(0).decide(BPF_JSET, 0xffff_ffff), Some(false));
    }

    #[test]
    fn facts_decide_only_what_they_imply() {
        let mut f = Fact::TOP;
        f.refine(BPF_JEQ, 0x800, false);
        assert_eq!(f.decide(BPF_JEQ, 0x800), Some(false));
        assert_eq!(f.decide(BPF_JEQ, 0x806), None);
        f.refine(BPF_JGT, 100, true);
        assert_eq!(f.decide(BPF_JGE, 101), Some(true));
        assert_eq!(f.decide(BPF_JGT, 101), None);
        let mut g = Fact::TOP;
        g.refine(BPF_JSET, 0x20, false);
        assert_eq!(g.decide(BPF_JSET, 0x20), Some(false));
        assert_eq!(g.decide(BPF_JSET, 0x30), None);
        assert_eq!(g.decide(BPF_JEQ, 0x20), Some(false));
    }

    #[test]
    fn a_taken_jset_with_several_bits_decides_its_repetition() {
        let mut f = Fact::TOP;
        f.refine(BPF_JSET, 0x1fff, true);
        assert_eq!(f.decide(BPF_JSET, 0x1fff), Some(true));
        assert_eq!(f.decide(BPF_JSET, 0xffff), Some(true));
        assert_eq!(f.decide(BPF_JSET, 0x0fff), None);
        assert_eq!(f.decide(BPF_JEQ, 0), Some(false));
        assert_eq!(f.decide(BPF_JEQ, 0x2000), Some(false));
        assert_eq!(f.decide(BPF_JEQ, 0x1), None);
        let mut g = Fact::TOP;
        g.refine(BPF_JSET, 0xe000, true);
        let m = f.meet(&g);
        assert_eq!(m.decide(BPF_JSET, 0xffff), Some(true));
        assert_eq!(m.decide(BPF_JSET, 0x1fff), None);
        assert_eq!(f.meet(&Fact::TOP).decide(BPF_JSET, 0xffff), None);
    }

    #[test]
    fn meet_keeps_common_knowledge() {
        let a = Fact::exactly(5);
        let b = Fact::exactly(9);
        let m = a.meet(&b);
        assert_eq!(m.decide(BPF_JEQ, 5), None);
        assert_eq!(m.decide(BPF_JGT, 10), Some(false));
        assert_eq!(m.decide(BPF_JGE, 5), Some(true));
    }
}
