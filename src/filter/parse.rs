//! The parser: tokens -> calls on a [`Sink`], in the order libpcap's parser reduces them.
//!
//! Grammar facts it reproduces (all observed on libpcap 1.10.3):
//! - `and`/`or` have equal precedence and associate to the left; `not` binds tighter.
//! - After `and`/`or`, a bare id (`host a or b`, `port 53 or 80`, `host a and not b`) inherits
//!   the qualifiers of the primitive before it; primitives with no qualifiers to pass on
//!   (`tcp`, `len > 1`, `vlan`) leave an error state, and a parenthesised expression restores
//!   the state from before its `(`.
//! - Arithmetic precedence: `|` < `&` < `<<` `>>` < `+` `-` < `*` `/` < unary minus; `%` and
//!   `^` have no precedence and always group to their right.
//! - Each primitive is handed to the sink as soon as it is complete, so a semantic error in
//!   an early primitive is reported before a syntax error further on.
//!
//! Nesting is bounded ([`MAX_DEPTH`], "memory exhausted" beyond, as libpcap's parser stack);
//! the caller runs deep inputs on a stack large enough for that bound. Every other step is
//! linear: parentheses are matched once up front.

use super::ast::*;
use super::lex::{Kw, Op, Tok, SYNTAX};

/// What the parser builds with: code (the generator) or a tree (tests).
pub trait Sink {
    type F;
    type A;
    fn prim(&mut self, p: Prim) -> Result<Self::F, String>;
    fn and(&mut self, a: Self::F, b: Self::F) -> Self::F;
    fn or(&mut self, a: Self::F, b: Self::F) -> Self::F;
    fn not(&mut self, a: Self::F) -> Self::F;
    fn num(&mut self, v: u32) -> Result<Self::A, String>;
    fn length(&mut self) -> Result<Self::A, String>;
    fn load(&mut self, proto: Proto, index: Self::A, size: u32) -> Result<Self::A, String>;
    fn neg(&mut self, a: Self::A) -> Result<Self::A, String>;
    fn bin(&mut self, op: ArithOp, a: Self::A, b: Self::A) -> Result<Self::A, String>;
    fn relation(&mut self, op: RelOp, a: Self::A, b: Self::A) -> Result<Self::F, String>;
}

/// Deepest nesting accepted (libpcap's parser stack holds 10000 entries).
pub const MAX_DEPTH: usize = 9990;
const EXHAUSTED: &str = "can't parse filter expression: memory exhausted";
/// The message for a bare id after a primitive that passes no qualifiers on.
pub const QUAL_SYNTAX: &str = "syntax error in filter expression";

/// Nesting depth of the input (parentheses, `not`, brackets, unary minus): the caller uses it
/// to pick a stack size.
pub fn nesting(toks: &[(Tok, usize)]) -> usize {
    let mut depth: usize = 0;
    let mut max = 0;
    let mut prefix_run = 0;
    for (t, _) in toks {
        match t {
            Tok::Op(Op::LParen | Op::LBracket) => depth += 1,
            Tok::Op(Op::RParen | Op::RBracket) => depth = depth.saturating_sub(1),
            _ => {}
        }
        if matches!(t, Tok::Op(Op::Bang | Op::Minus) | Tok::Kw(Kw::Not)) {
            prefix_run += 1;
        } else if !matches!(t, Tok::Op(Op::LParen | Op::LBracket)) {
            prefix_run = 0;
        }
        max = max.max(depth + prefix_run);
    }
    max
}

pub struct Parser<'t, S: Sink> {
    toks: &'t [(Tok, usize)],
    pos: usize,
    /// For each `(` token, the index of its `)` (or usize::MAX when unmatched).
    closer: Vec<usize>,
    depth: usize,
    sink: &'t mut S,
    /// Whether the parser looked at [`Tok::LexError`].
    met_lex_error: std::cell::Cell<bool>,
}

type PResult<T> = Result<T, String>;

fn syntax<T>() -> PResult<T> {
    Err(SYNTAX.to_string())
}

impl<'t, S: Sink> Parser<'t, S> {
    pub fn new(toks: &'t [(Tok, usize)], sink: &'t mut S) -> Self {
        Self::build(toks, sink)
    }

    fn build(toks: &'t [(Tok, usize)], sink: &'t mut S) -> Self {
        let mut closer = vec![usize::MAX; toks.len()];
        let mut open = Vec::new();
        for (i, (t, _)) in toks.iter().enumerate() {
            match t {
                Tok::Op(Op::LParen) => open.push(i),
                Tok::Op(Op::RParen) => {
                    if let Some(o) = open.pop() {
                        closer[o] = i;
                    }
                }
                _ => {}
            }
        }
        Parser {
            toks,
            pos: 0,
            closer,
            depth: 0,
            sink,
            met_lex_error: std::cell::Cell::new(false),
        }
    }

    /// The whole program, and on error whether the parser had read every token (so that a
    /// pending lexer error, libpcap's next token, comes first).
    pub fn program_keep_pos(&mut self) -> Result<Option<S::F>, (String, bool)> {
        let r = self.program_inner();
        r.map_err(|e| (e, self.met_lex_error.get()))
    }

    /// The whole program: None for an empty expression.
    fn program_inner(&mut self) -> PResult<Option<S::F>> {
        if self.toks.is_empty() {
            return Ok(None);
        }
        // Before the first primitive there are no qualifiers to inherit: a parenthesised
        // expression at the start passes on none (`(tcp) and 1.2.3.4` is an error).
        let (f, _) = self.expr(Qual::ERR)?;
        if self.pos != self.toks.len() {
            return syntax();
        }
        Ok(Some(f))
    }

    /// The next token (the parser's lookahead): meeting the scanner's failure there is
    /// what makes it libpcap's error (see [`Tok::LexError`]).
    fn peek(&self) -> Option<&'t Tok> {
        let t = self.toks.get(self.pos).map(|(t, _)| t);
        if t == Some(&Tok::LexError) {
            self.met_lex_error.set(true);
        }
        t
    }

    fn peek_at(&self, i: usize) -> Option<&'t Tok> {
        self.toks.get(i).map(|(t, _)| t)
    }

    fn bump(&mut self) -> Option<&'t Tok> {
        let t = self.peek();
        if t.is_some() {
            self.pos += 1;
        }
        t
    }

    fn eat_op(&mut self, op: Op) -> bool {
        if self.peek() == Some(&Tok::Op(op)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_kw(&mut self, kw: Kw) -> bool {
        if self.peek() == Some(&Tok::Kw(kw)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(EXHAUSTED.to_string());
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn is_and(t: Option<&Tok>) -> bool {
        matches!(t, Some(Tok::Kw(Kw::And) | Tok::Op(Op::AndAnd)))
    }

    fn is_or(t: Option<&Tok>) -> bool {
        matches!(t, Some(Tok::Kw(Kw::Or) | Tok::Op(Op::OrOr)))
    }

    fn is_not(t: Option<&Tok>) -> bool {
        matches!(t, Some(Tok::Kw(Kw::Not) | Tok::Op(Op::Bang)))
    }

    /// Tokens that continue an arithmetic expression or compare it.
    fn is_arith_follow(t: Option<&Tok>) -> bool {
        matches!(
            t,
            Some(Tok::Op(
                Op::Plus
                    | Op::Minus
                    | Op::Star
                    | Op::Slash
                    | Op::Percent
                    | Op::Amp
                    | Op::Pipe
                    | Op::Caret
                    | Op::Shl
                    | Op::Shr
                    | Op::Gt
                    | Op::Ge
                    | Op::Lt
                    | Op::Le
                    | Op::Eq
                    | Op::Ne
            ))
        )
    }

    /// Whether an arithmetic expression can start at `i` (after any `(`): a number, a minus,
    /// `len` or `proto[`. Anything else makes a parenthesis a boolean one, whatever follows
    /// its `)`, as libpcap's parser decides token by token.
    fn arith_starts_at(&self, mut i: usize) -> bool {
        while self.peek_at(i) == Some(&Tok::Op(Op::LParen)) {
            i += 1;
        }
        match self.peek_at(i) {
            Some(Tok::Num(_) | Tok::Op(Op::Minus) | Tok::Kw(Kw::Len)) => true,
            Some(Tok::Kw(Kw::Proto(_))) => self.peek_at(i + 1) == Some(&Tok::Op(Op::LBracket)),
            _ => false,
        }
    }

    /// Whether tokens `from..to` hold a comparison or a boolean operator: then the
    /// parentheses around them are a boolean expression's.
    fn boolean_inside(&self, from: usize, to: usize) -> bool {
        self.toks[from..to.min(self.toks.len())]
            .iter()
            .any(|(t, _)| {
                matches!(
                    t,
                    Tok::Op(
                        Op::Gt
                            | Op::Ge
                            | Op::Lt
                            | Op::Le
                            | Op::Eq
                            | Op::Ne
                            | Op::AndAnd
                            | Op::OrOr
                            | Op::Bang
                    ) | Tok::Kw(Kw::And | Kw::Or | Kw::Not)
                )
            })
    }

    /// The index after a `pnum` (NUM or parenthesised pnum) starting at `i`, if one is there.
    fn after_pnum(&self, mut i: usize) -> Option<usize> {
        let mut opens = 0;
        while self.peek_at(i) == Some(&Tok::Op(Op::LParen)) {
            opens += 1;
            i += 1;
        }
        if !matches!(self.peek_at(i), Some(Tok::Num(_))) {
            return None;
        }
        i += 1;
        for _ in 0..opens {
            if self.peek_at(i) != Some(&Tok::Op(Op::RParen)) {
                return None;
            }
            i += 1;
        }
        Some(i)
    }

    /// After `and`/`or`: does an id (inheriting qualifiers) start at `i`, rather than a term?
    fn id_starts_at(&self, mut i: usize) -> bool {
        while Self::is_not(self.peek_at(i)) {
            i += 1;
        }
        match self.peek_at(i) {
            Some(Tok::Id(_) | Tok::Hid(_) | Tok::Hid6(_) | Tok::Eid(_) | Tok::Aid(_)) => true,
            Some(Tok::Num(_)) => !Self::is_arith_follow(self.peek_at(i + 1)),
            Some(Tok::Op(Op::LParen)) => {
                if let Some(after) = self.after_pnum(i) {
                    return !Self::is_arith_follow(self.peek_at(after));
                }
                let close = self.closer[i];
                if close != usize::MAX && Self::is_arith_follow(self.peek_at(close + 1)) {
                    return false;
                }
                // `( pid )`: starts with a nid or a pnum followed by and/or.
                let mut j = i + 1;
                while Self::is_not(self.peek_at(j)) {
                    j += 1;
                }
                match self.peek_at(j) {
                    Some(Tok::Id(_) | Tok::Hid(_) | Tok::Hid6(_) | Tok::Eid(_) | Tok::Aid(_)) => {
                        true
                    }
                    Some(Tok::Num(_) | Tok::Op(Op::LParen)) => match self.after_pnum(j) {
                        // A number is an id when `and`/`or` follows, or after a `not`.
                        Some(a) => {
                            let t = self.peek_at(a);
                            !Self::is_arith_follow(t)
                                && (Self::is_and(t) || Self::is_or(t) || j > i + 1)
                        }
                        // `( not ( id ) )`: an id in parentheses after a `not`.
                        None if j > i + 1 => self.id_starts_at(j),
                        None => false,
                    },
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// expr: term | expr and term | expr and id | expr or term | expr or id
    fn expr(&mut self, q: Qual) -> PResult<(S::F, Qual)> {
        let (mut f, mut q) = self.term(q)?;
        loop {
            let t = self.peek();
            let is_and = Self::is_and(t);
            if !is_and && !Self::is_or(t) {
                return Ok((f, q));
            }
            self.pos += 1;
            let (g, q2) = if self.id_starts_at(self.pos) {
                self.id(q, true)?
            } else {
                self.term(q)?
            };
            f = if is_and {
                self.sink.and(f, g)
            } else {
                self.sink.or(f, g)
            };
            q = q2;
        }
    }

    /// term: rterm | not term
    fn term(&mut self, q: Qual) -> PResult<(S::F, Qual)> {
        if Self::is_not(self.peek()) {
            self.pos += 1;
            self.enter()?;
            let (f, q2) = self.term(q)?;
            self.leave();
            return Ok((self.sink.not(f), q2));
        }
        self.rterm(q)
    }

    fn rterm(&mut self, q: Qual) -> PResult<(S::F, Qual)> {
        let Some(t) = self.peek() else {
            return syntax();
        };
        match t {
            Tok::Op(Op::LParen) => {
                let close = self.closer[self.pos];
                let arith = if let Some(after) = self.after_pnum(self.pos) {
                    Self::is_arith_follow(self.peek_at(after))
                } else {
                    close != usize::MAX
                        && Self::is_arith_follow(self.peek_at(close + 1))
                        && self.arith_starts_at(self.pos + 1)
                        && !self.boolean_inside(self.pos + 1, close)
                };
                if arith {
                    return self.relation();
                }
                self.pos += 1;
                self.enter()?;
                let (f, _) = self.expr(q)?;
                self.leave();
                if !self.eat_op(Op::RParen) {
                    return syntax();
                }
                Ok((f, q))
            }
            Tok::Num(_) | Tok::Op(Op::Minus) | Tok::Kw(Kw::Len) => self.relation(),
            Tok::Kw(Kw::Proto(_)) if self.peek_at(self.pos + 1) == Some(&Tok::Op(Op::LBracket)) => {
                self.relation()
            }
            Tok::Kw(_) => self.keyword_term(),
            _ => syntax(),
        }
    }

    /// `arth relop arth`
    fn relation(&mut self) -> PResult<(S::F, Qual)> {
        let a = self.arith()?;
        let op = match self.bump() {
            Some(Tok::Op(Op::Gt)) => RelOp::Gt,
            Some(Tok::Op(Op::Ge)) => RelOp::Ge,
            Some(Tok::Op(Op::Eq)) => RelOp::Eq,
            Some(Tok::Op(Op::Lt)) => RelOp::Lt,
            Some(Tok::Op(Op::Le)) => RelOp::Le,
            Some(Tok::Op(Op::Ne)) => RelOp::Ne,
            _ => return syntax(),
        };
        let b = self.arith()?;
        Ok((self.sink.relation(op, a, b)?, Qual::ERR))
    }

    fn arith_op(t: Option<&Tok>) -> Option<ArithOp> {
        Some(match t? {
            Tok::Op(Op::Plus) => ArithOp::Add,
            Tok::Op(Op::Minus) => ArithOp::Sub,
            Tok::Op(Op::Star) => ArithOp::Mul,
            Tok::Op(Op::Slash) => ArithOp::Div,
            Tok::Op(Op::Percent) => ArithOp::Mod,
            Tok::Op(Op::Amp) => ArithOp::And,
            Tok::Op(Op::Pipe) => ArithOp::Or,
            Tok::Op(Op::Caret) => ArithOp::Xor,
            Tok::Op(Op::Shl) => ArithOp::Shl,
            Tok::Op(Op::Shr) => ArithOp::Shr,
            _ => return None,
        })
    }

    /// Binding strength of a binary operator; None for `%` and `^`, which have none.
    fn prec(op: ArithOp) -> Option<u8> {
        match op {
            ArithOp::Or => Some(1),
            ArithOp::And => Some(2),
            ArithOp::Shl | ArithOp::Shr => Some(3),
            ArithOp::Add | ArithOp::Sub => Some(4),
            ArithOp::Mul | ArithOp::Div => Some(5),
            ArithOp::Mod | ArithOp::Xor => None,
        }
    }

    /// An arithmetic expression, by operator precedence with explicit stacks.
    fn arith(&mut self) -> PResult<S::A> {
        enum Pending {
            Neg,
            Bin(ArithOp),
        }
        let mut values: Vec<S::A> = Vec::new();
        let mut ops: Vec<Pending> = Vec::new();
        loop {
            // Prefix minus signs, then an operand.
            while self.eat_op(Op::Minus) {
                self.enter()?;
                ops.push(Pending::Neg);
            }
            let v = self.arith_operand()?;
            values.push(v);
            let next = Self::arith_op(self.peek());
            // Reduce what binds tighter than the next operator.
            while let Some(top) = ops.last() {
                let reduce = match (top, next) {
                    (_, None) => true,
                    (_, Some(n)) if Self::prec(n).is_none() => false,
                    (Pending::Neg, _) => true,
                    (Pending::Bin(t), Some(n)) => match (Self::prec(*t), Self::prec(n)) {
                        (Some(pt), Some(pn)) => pt >= pn,
                        _ => false,
                    },
                };
                if !reduce {
                    break;
                }
                match ops.pop() {
                    Some(Pending::Neg) => {
                        self.leave();
                        let a = values.pop().expect("operand");
                        values.push(self.sink.neg(a)?);
                    }
                    Some(Pending::Bin(op)) => {
                        let b = values.pop().expect("operand");
                        let a = values.pop().expect("operand");
                        values.push(self.sink.bin(op, a, b)?);
                    }
                    None => unreachable!(),
                }
            }
            match next {
                None => return Ok(values.pop().expect("operand")),
                Some(op) => {
                    self.pos += 1;
                    ops.push(Pending::Bin(op));
                }
            }
        }
    }

    fn arith_operand(&mut self) -> PResult<S::A> {
        match self.bump() {
            Some(Tok::Num(v)) => self.sink.num(*v),
            Some(Tok::Kw(Kw::Len)) => self.sink.length(),
            Some(Tok::Op(Op::LParen)) => {
                self.enter()?;
                let a = self.arith()?;
                self.leave();
                if !self.eat_op(Op::RParen) {
                    return syntax();
                }
                Ok(a)
            }
            Some(Tok::Kw(Kw::Proto(p))) => {
                let p = *p;
                if !self.eat_op(Op::LBracket) {
                    return syntax();
                }
                self.enter()?;
                let index = self.arith()?;
                self.leave();
                let size = if self.eat_op(Op::Colon) {
                    match self.bump() {
                        Some(Tok::Num(n)) => *n,
                        _ => return syntax(),
                    }
                } else {
                    1
                };
                if !self.eat_op(Op::RBracket) {
                    return syntax();
                }
                self.sink.load(p, index, size)
            }
            _ => syntax(),
        }
    }

    /// A `pnum`: NUM or `( pnum )`.
    fn pnum(&mut self) -> PResult<u32> {
        match self.bump() {
            Some(Tok::Num(v)) => Ok(*v),
            Some(Tok::Op(Op::LParen)) => {
                self.enter()?;
                let v = self.pnum()?;
                self.leave();
                if !self.eat_op(Op::RParen) {
                    return syntax();
                }
                Ok(v)
            }
            _ => syntax(),
        }
    }

    /// The number after `vlan`, `mpls`, `pppoes`, `geneve`, if any. A `(` there can only
    /// open that number: `vlan (tcp)` is a syntax error before `vlan` is generated.
    fn optional_pnum(&mut self) -> PResult<Option<u32>> {
        if self.after_pnum(self.pos).is_some() || self.peek() == Some(&Tok::Op(Op::LParen)) {
            Ok(Some(self.pnum()?))
        } else {
            Ok(None)
        }
    }

    fn num_token(&mut self) -> PResult<u32> {
        match self.bump() {
            Some(Tok::Num(v)) => Ok(*v),
            _ => syntax(),
        }
    }

    fn name_token(&mut self) -> PResult<String> {
        match self.bump() {
            Some(Tok::Id(s)) => Ok(s.clone()),
            _ => syntax(),
        }
    }

    fn num_or_name(&mut self) -> PResult<NumOrName> {
        match self.bump() {
            Some(Tok::Num(v)) => Ok(NumOrName::Num(*v)),
            Some(Tok::Id(s)) => Ok(NumOrName::Name(s.clone())),
            _ => syntax(),
        }
    }

    fn prim(&mut self, p: Prim) -> PResult<(S::F, Qual)> {
        Ok((self.sink.prim(p)?, Qual::ERR))
    }

    /// Terms that start with a keyword: qualified ids, protocol names and the `other`s.
    fn keyword_term(&mut self) -> PResult<(S::F, Qual)> {
        let pqual = match self.peek() {
            Some(Tok::Kw(Kw::Proto(p))) => {
                self.pos += 1;
                Some(*p)
            }
            _ => None,
        };
        let proto = pqual.unwrap_or(Proto::Default);
        let dir = self.dqual()?;
        let addr = match self.peek() {
            Some(Tok::Kw(Kw::Host)) => Some(AddrKind::Host),
            Some(Tok::Kw(Kw::Net)) => Some(AddrKind::Net),
            Some(Tok::Kw(Kw::Port)) => Some(AddrKind::Port),
            Some(Tok::Kw(Kw::Portrange)) => Some(AddrKind::Portrange),
            Some(Tok::Kw(Kw::Gateway)) if dir.is_none() => Some(AddrKind::Gateway),
            Some(Tok::Kw(Kw::ProtoKw)) if dir.is_none() => Some(AddrKind::Proto),
            Some(Tok::Kw(Kw::Protochain)) if dir.is_none() => Some(AddrKind::Protochain),
            _ => None,
        };
        if addr.is_some() {
            self.pos += 1;
        }
        if dir.is_some() || addr.is_some() {
            let q = Qual {
                proto,
                dir: dir.unwrap_or(Dir::Default),
                addr: addr.unwrap_or(AddrKind::Default),
            };
            return self.id(q, false);
        }
        let Some(t) = self.peek() else {
            return match pqual {
                Some(p) => self.prim(Prim::Proto(p)),
                None => syntax(),
            };
        };
        // `pqual` followed by broadcast/multicast or an 802.11 field.
        match t {
            Tok::Kw(Kw::Broadcast) => {
                self.pos += 1;
                return self.prim(Prim::Broadcast(proto));
            }
            Tok::Kw(Kw::Multicast) => {
                self.pos += 1;
                return self.prim(Prim::Multicast(proto));
            }
            Tok::Kw(Kw::Type) => {
                self.pos += 1;
                let ty = self.num_or_name()?;
                let subtype = if self.eat_kw(Kw::Subtype) {
                    Some(self.num_or_name()?)
                } else {
                    None
                };
                return self.prim(Prim::WlanType { ty, subtype });
            }
            Tok::Kw(Kw::Subtype) => {
                self.pos += 1;
                let s = self.num_or_name()?;
                return self.prim(Prim::WlanSubtype(s));
            }
            Tok::Kw(Kw::Dir) => {
                self.pos += 1;
                let s = self.num_or_name()?;
                return self.prim(Prim::WlanDir(s));
            }
            _ => {}
        }
        if let Some(p) = pqual {
            // A protocol name stands alone only before `and`, `or` or `)`: anything else is a
            // syntax error met before the name's own code is generated (`link 1.2.3.4`).
            let t = self.peek();
            if !(Self::is_and(t) || Self::is_or(t) || t == Some(&Tok::Op(Op::RParen))) {
                return syntax();
            }
            return self.prim(Prim::Proto(p));
        }
        let Some(Tok::Kw(kw)) = self.bump() else {
            return syntax();
        };
        let p = match kw {
            Kw::Less => Prim::Less(self.num_token()?),
            Kw::Greater => Prim::Greater(self.num_token()?),
            Kw::Inbound => Prim::Inbound,
            Kw::Outbound => Prim::Outbound,
            Kw::Ifindex => Prim::Ifindex(self.num_token()?),
            Kw::Vlan => Prim::Vlan(self.optional_pnum()?),
            Kw::Mpls => Prim::Mpls(self.optional_pnum()?),
            Kw::Pppoed => Prim::Pppoed,
            Kw::Byte => {
                let index = self.num_token()?;
                let op = match self.bump() {
                    Some(Tok::Op(Op::Eq)) => '=',
                    Some(Tok::Op(Op::Lt)) => '<',
                    Some(Tok::Op(Op::Gt)) => '>',
                    Some(Tok::Op(Op::Amp)) => '&',
                    Some(Tok::Op(Op::Pipe)) => '|',
                    _ => return syntax(),
                };
                let value = self.num_token()?;
                Prim::Byte { index, op, value }
            }
            Kw::Pppoes => Prim::Pppoes(self.optional_pnum()?),
            Kw::Geneve => Prim::Geneve(self.optional_pnum()?),
            Kw::Ifname => Prim::PfIfname(self.name_token()?),
            Kw::Rset => Prim::PfRuleset(self.name_token()?),
            Kw::Rnr => Prim::PfRulenum(self.num_token()?),
            Kw::Srnr => Prim::PfSubrulenum(self.num_token()?),
            Kw::Reason => Prim::PfReason(self.num_or_name()?),
            Kw::Action => Prim::PfAction(self.name_token()?),
            Kw::Llc => match self.peek() {
                Some(Tok::Id(s)) => {
                    let s = s.clone();
                    self.pos += 1;
                    Prim::Llc(Some(s))
                }
                Some(Tok::Kw(Kw::Rnr)) => {
                    self.pos += 1;
                    Prim::Llc(Some("rnr".to_string()))
                }
                _ => Prim::Llc(None),
            },
            Kw::Lane => Prim::Atm(AtmKw::Lane),
            Kw::Metac => Prim::Atm(AtmKw::Metac),
            Kw::Bcc => Prim::Atm(AtmKw::Bcc),
            Kw::Oamf4ec => Prim::Atm(AtmKw::Oamf4ec),
            Kw::Oamf4sc => Prim::Atm(AtmKw::Oamf4sc),
            Kw::Sc => Prim::Atm(AtmKw::Sc),
            Kw::Ilmic => Prim::Atm(AtmKw::Ilmic),
            Kw::Oam => Prim::Atm(AtmKw::Oam),
            Kw::Oamf4 => Prim::Atm(AtmKw::Oamf4),
            Kw::Connectmsg => Prim::Atm(AtmKw::Connectmsg),
            Kw::Metaconnect => Prim::Atm(AtmKw::Metaconnect),
            Kw::Vpi | Kw::Vci => {
                let field = if *kw == Kw::Vpi {
                    AtmField::Vpi
                } else {
                    AtmField::Vci
                };
                Prim::AtmField {
                    field,
                    cond: self.field_values()?,
                }
            }
            Kw::Fisu => Prim::Mtp2(MtpType::Fisu),
            Kw::Lssu => Prim::Mtp2(MtpType::Lssu),
            Kw::Msu => Prim::Mtp2(MtpType::Msu),
            Kw::Hfisu => Prim::Mtp2(MtpType::Hfisu),
            Kw::Hlssu => Prim::Mtp2(MtpType::Hlssu),
            Kw::Hmsu => Prim::Mtp2(MtpType::Hmsu),
            Kw::Sio | Kw::Opc | Kw::Dpc | Kw::Sls | Kw::Hsio | Kw::Hopc | Kw::Hdpc | Kw::Hsls => {
                let field = match kw {
                    Kw::Sio => Mtp3Field::Sio,
                    Kw::Opc => Mtp3Field::Opc,
                    Kw::Dpc => Mtp3Field::Dpc,
                    Kw::Sls => Mtp3Field::Sls,
                    Kw::Hsio => Mtp3Field::Hsio,
                    Kw::Hopc => Mtp3Field::Hopc,
                    Kw::Hdpc => Mtp3Field::Hdpc,
                    _ => Mtp3Field::Hsls,
                };
                Prim::Mtp3Field {
                    field,
                    cond: self.field_values()?,
                }
            }
            _ => return syntax(),
        };
        self.prim(p)
    }

    /// ATM/MTP3 field values: `N`, `relop N`, or `(N or N ...)`.
    fn field_values(&mut self) -> PResult<Vec<(RelOp, u32)>> {
        let rel = match self.peek() {
            Some(Tok::Op(Op::Gt)) => Some(RelOp::Gt),
            Some(Tok::Op(Op::Ge)) => Some(RelOp::Ge),
            Some(Tok::Op(Op::Eq)) => Some(RelOp::Eq),
            Some(Tok::Op(Op::Lt)) => Some(RelOp::Lt),
            Some(Tok::Op(Op::Le)) => Some(RelOp::Le),
            Some(Tok::Op(Op::Ne)) => Some(RelOp::Ne),
            _ => None,
        };
        if let Some(r) = rel {
            self.pos += 1;
            return Ok(vec![(r, self.num_token()?)]);
        }
        if self.eat_op(Op::LParen) {
            let mut v = vec![(RelOp::Eq, self.num_token()?)];
            while Self::is_or(self.peek()) {
                self.pos += 1;
                v.push((RelOp::Eq, self.num_token()?));
            }
            if !self.eat_op(Op::RParen) {
                return syntax();
            }
            return Ok(v);
        }
        Ok(vec![(RelOp::Eq, self.num_token()?)])
    }

    /// dqual: src | dst | src or dst | dst or src | src and dst | dst and src | addr1..4 | ra | ta
    fn dqual(&mut self) -> PResult<Option<Dir>> {
        let d = match self.peek() {
            Some(Tok::Kw(Kw::Src)) => Dir::Src,
            Some(Tok::Kw(Kw::Dst)) => Dir::Dst,
            Some(Tok::Kw(Kw::Addr1)) => Dir::Addr1,
            Some(Tok::Kw(Kw::Addr2)) => Dir::Addr2,
            Some(Tok::Kw(Kw::Addr3)) => Dir::Addr3,
            Some(Tok::Kw(Kw::Addr4)) => Dir::Addr4,
            Some(Tok::Kw(Kw::Ra)) => Dir::Ra,
            Some(Tok::Kw(Kw::Ta)) => Dir::Ta,
            _ => return Ok(None),
        };
        self.pos += 1;
        if matches!(d, Dir::Src | Dir::Dst) {
            let other = if d == Dir::Src { Kw::Dst } else { Kw::Src };
            let next = self.peek();
            if (Self::is_or(next) || Self::is_and(next))
                && self.peek_at(self.pos + 1) == Some(&Tok::Kw(other))
            {
                let both = if Self::is_or(next) { Dir::Or } else { Dir::And };
                self.pos += 2;
                return Ok(Some(both));
            }
        }
        Ok(Some(d))
    }

    /// After a number read as an id where it could also start arithmetic (`strict`: an id
    /// after `and`/`or`), libpcap's parser needs the next token to choose, and anything but
    /// `and`, `or`, `)` or the end is a syntax error met before the id's code is generated.
    fn num_id(&mut self, q: Qual, v: u32, strict: bool) -> PResult<S::F> {
        let t = self.peek();
        if strict
            && !(t.is_none()
                || Self::is_and(t)
                || Self::is_or(t)
                || t == Some(&Tok::Op(Op::RParen)))
        {
            return syntax();
        }
        self.sink.prim(Prim::Id { q, id: Id::Num(v) })
    }

    /// id: nid | pnum | ( pid )
    fn id(&mut self, q: Qual, strict: bool) -> PResult<(S::F, Qual)> {
        let Some(t) = self.peek() else {
            return syntax();
        };
        match t {
            Tok::Kw(Kw::Not) | Tok::Op(Op::Bang) => {
                self.pos += 1;
                self.enter()?;
                let (f, q2) = self.id(q, strict)?;
                self.leave();
                Ok((self.sink.not(f), q2))
            }
            Tok::Op(Op::LParen) => {
                if self.after_pnum(self.pos).is_some() {
                    let v = self.pnum()?;
                    return Ok((self.num_id(q, v, strict)?, q));
                }
                self.pos += 1;
                self.enter()?;
                let r = self.pid(q, strict)?;
                self.leave();
                if !self.eat_op(Op::RParen) {
                    return syntax();
                }
                Ok(r)
            }
            _ => self.nid_or_num(q, strict),
        }
    }

    /// pid: nid | qid and id | qid or id   (qid: pnum | pid)
    fn pid(&mut self, q: Qual, strict: bool) -> PResult<(S::F, Qual)> {
        let (mut f, mut q) = match self.peek() {
            Some(Tok::Op(Op::LParen)) => {
                let v = self.pnum()?;
                (self.num_id(q, v, strict)?, q)
            }
            Some(Tok::Kw(Kw::Not) | Tok::Op(Op::Bang)) => self.id(q, strict)?,
            _ => self.nid_or_num(q, strict)?,
        };
        loop {
            let t = self.peek();
            let is_and = Self::is_and(t);
            if !is_and && !Self::is_or(t) {
                return Ok((f, q));
            }
            self.pos += 1;
            let (g, q2) = self.id(q, false)?;
            f = if is_and {
                self.sink.and(f, g)
            } else {
                self.sink.or(f, g)
            };
            q = q2;
        }
    }

    fn nid_or_num(&mut self, q: Qual, strict: bool) -> PResult<(S::F, Qual)> {
        let id = match self.bump() {
            Some(Tok::Num(v)) => return Ok((self.num_id(q, *v, strict)?, q)),
            Some(Tok::Id(s)) => Id::Name(s.clone()),
            Some(Tok::Eid(s)) => Id::Eid(s.clone()),
            Some(Tok::Aid(s)) => Id::Aid(s.clone()),
            Some(Tok::Hid(s)) => {
                if self.eat_op(Op::Slash) {
                    Id::HidLen(s.clone(), self.num_token()?)
                } else if self.eat_kw(Kw::Mask) {
                    match self.bump() {
                        Some(Tok::Hid(m)) => Id::HidMask(s.clone(), m.clone()),
                        _ => return syntax(),
                    }
                } else {
                    Id::Hid(s.clone())
                }
            }
            Some(Tok::Hid6(s)) => {
                if self.eat_op(Op::Slash) {
                    Id::Hid6Len(s.clone(), self.num_token()?)
                } else {
                    Id::Hid6(s.clone())
                }
            }
            _ => return syntax(),
        };
        Ok((self.sink.prim(Prim::Id { q, id })?, q))
    }
}
