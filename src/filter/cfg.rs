//! The control-flow graph the generator builds and the emitter lays out.
//!
//! A [`Block`] is a run of non-jump instructions ending in one conditional jump with a true
//! and a false successor. A [`Frag`] is a piece of boolean code under construction: an entry
//! block plus the list of exits still to be wired to "true" and to "false". `and`, `or` and
//! `not` only rewire those lists, so building is linear in the code size. Successors always
//! point to blocks created later or to the final returns, so the graph is acyclic.

use crate::bpf::insn::*;
use crate::bpf::Insn;

/// Where a jump goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Block(usize),
    /// Return the snapshot length (the packet passes).
    Accept,
    /// Return 0.
    Reject,
    /// Not yet wired (only while building).
    Open,
}

/// A block: straight-line statements, then `if (A <op> operand) jt else jf`.
#[derive(Clone, Debug)]
pub struct Block {
    pub stmts: Vec<Insn>,
    /// The jump opcode (BPF_JMP | op | BPF_K or BPF_X).
    pub code: u16,
    pub k: u32,
    pub jt: Target,
    pub jf: Target,
}

/// An exit of a fragment: a block and which of its branches.
#[derive(Clone, Copy, Debug)]
pub struct Exit {
    block: usize,
    on_true: bool,
}

/// Boolean code under construction.
#[derive(Clone, Debug)]
pub struct Frag {
    pub entry: usize,
    pub t: Vec<Exit>,
    pub f: Vec<Exit>,
}

/// All blocks of one program.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    pub blocks: Vec<Block>,
}

impl Graph {
    /// A fragment of one block: run `stmts`, then test A against `k` with `code`.
    pub fn test(&mut self, stmts: Vec<Insn>, code: u16, k: u32) -> Frag {
        let id = self.blocks.len();
        self.blocks.push(Block {
            stmts,
            code,
            k,
            jt: Target::Open,
            jf: Target::Open,
        });
        Frag {
            entry: id,
            t: vec![Exit {
                block: id,
                on_true: true,
            }],
            f: vec![Exit {
                block: id,
                on_true: false,
            }],
        }
    }

    /// A block with its successors already known; returns its index.
    pub fn block(&mut self, stmts: Vec<Insn>, code: u16, k: u32, jt: Target, jf: Target) -> usize {
        self.blocks.push(Block {
            stmts,
            code,
            k,
            jt,
            jf,
        });
        self.blocks.len() - 1
    }

    /// `A == k` after `stmts`.
    pub fn eq(&mut self, stmts: Vec<Insn>, k: u32) -> Frag {
        self.test(stmts, BPF_JMP | BPF_JEQ | BPF_K, k)
    }

    /// A fragment that is always true (or always false).
    pub fn constant(&mut self, value: bool) -> Frag {
        // `0 == 0` or `1 == 0`: the shape libpcap's listings show for a constant.
        self.eq(vec![Insn::stmt(BPF_LD | BPF_IMM, u32::from(!value))], 0)
    }

    fn wire(&mut self, exits: &[Exit], to: Target) {
        for e in exits {
            let b = &mut self.blocks[e.block];
            if e.on_true {
                b.jt = to;
            } else {
                b.jf = to;
            }
        }
    }

    /// `a && b`: a's true exits go to b.
    pub fn and(&mut self, a: Frag, mut b: Frag) -> Frag {
        self.wire(&a.t, Target::Block(b.entry));
        let mut f = a.f;
        f.append(&mut b.f);
        Frag {
            entry: a.entry,
            t: b.t,
            f,
        }
    }

    /// `a || b`: a's false exits go to b.
    pub fn or(&mut self, a: Frag, mut b: Frag) -> Frag {
        self.wire(&a.f, Target::Block(b.entry));
        let mut t = a.t;
        t.append(&mut b.t);
        Frag {
            entry: a.entry,
            t,
            f: b.f,
        }
    }

    pub fn not(&mut self, a: Frag) -> Frag {
        Frag {
            entry: a.entry,
            t: a.f,
            f: a.t,
        }
    }

    /// Wires the open exits to the final returns.
    pub fn finish(&mut self, f: &Frag) {
        self.wire(&f.t, Target::Accept);
        self.wire(&f.f, Target::Reject);
    }

    /// Prepends straight-line statements to a fragment's entry block.
    pub fn prepend(&mut self, f: &Frag, mut stmts: Vec<Insn>) {
        let b = &mut self.blocks[f.entry];
        stmts.append(&mut b.stmts);
        b.stmts = stmts;
    }
}
