//! Packets steered into a program's branches. Generated and corpus packets rarely satisfy a
//! specific expression (`mpls 42 and ip src 198.18.1.1` needs label 42, a bottom-of-stack
//! bit, an IPv4 version nibble and that address), so a wrong accepting path can go unseen.
//! Steering runs a program on a seed packet with a tracing interpreter, finds the first
//! conditional jump that took the branch from which no accepting return is reachable while
//! the other branch could still accept, rewrites the bytes that jump tested so that it goes
//! the other way, and repeats. Every intermediate packet is kept (each sits on the boundary
//! of one test), so both programs are compared on near-misses as well as on the packets
//! that reach an accepting return.
//!
//! Only the trace is approximate (it follows loads through constant ALU operations and
//! scratch memory); the verdicts compared are always those of the real interpreters.

use pcap::bpf::insn::*;
use pcap::bpf::Insn;

/// Where the accumulator's value came from: a load of `size` bytes at `offset` (or the
/// packet length when `size` is 0), then constant operations.
#[derive(Clone, Debug)]
struct Origin {
    offset: usize,
    size: usize,
    ops: Vec<(u16, u32)>,
}

/// A conditional jump as executed.
struct Decision {
    pc: usize,
    origin: Option<Origin>,
    /// The accumulator's value when the jump ran, and the operand it was compared with.
    value: u32,
    operand: u32,
    op: u16,
    taken: bool,
}

/// Pc by pc: can an accepting (non-zero) return be reached from here?
fn can_accept(prog: &[Insn]) -> Vec<bool> {
    let mut reach = vec![false; prog.len() + 1];
    for pc in (0..prog.len()).rev() {
        let i = prog[pc];
        let at = |t: usize| reach.get(t).copied().unwrap_or(false);
        reach[pc] = match i.code & 0x07 {
            BPF_RET => i.code & 0x18 != BPF_K || i.k != 0,
            BPF_JMP if i.code & 0xf0 == BPF_JA => at(pc + 1 + i.k as usize),
            BPF_JMP => at(pc + 1 + i.jt as usize) || at(pc + 1 + i.jf as usize),
            _ => at(pc + 1),
        };
    }
    reach
}

fn load(pkt: &[u8], offset: u32, size: usize) -> Option<u32> {
    let start = offset as usize;
    let bytes = pkt.get(start..start.checked_add(size)?)?;
    Some(bytes.iter().fold(0u32, |v, &b| (v << 8) | b as u32))
}

/// How a traced run ended.
enum End {
    Accepted,
    Rejected,
    /// A load needed the packet to be at least this long.
    TooShort(usize),
}

/// Runs `prog` on `pkt`, recording each conditional jump; returns the decisions and how the
/// run ended.
fn trace(prog: &[Insn], pkt: &[u8]) -> (Vec<Decision>, End) {
    let (mut a, mut x) = (0u32, 0u32);
    let (mut a_from, mut x_from): (Option<Origin>, Option<Origin>) = (None, None);
    let mut mem = [0u32; BPF_MEMWORDS];
    let mut mem_from: [Option<Origin>; BPF_MEMWORDS] = Default::default();
    let mut decisions = Vec::new();
    let mut pc = 0;
    let size_of = |code: u16| match code & 0x18 {
        BPF_W => 4,
        BPF_H => 2,
        _ => 1,
    };
    while pc < prog.len() {
        let i = prog[pc];
        pc += 1;
        match i.code & 0x07 {
            BPF_LD | BPF_LDX => {
                let into_x = i.code & 0x07 == BPF_LDX;
                let (value, origin) = match i.code & 0xe0 {
                    BPF_IMM => (i.k, None),
                    BPF_LEN => (pkt.len() as u32, Some((0, 0))),
                    BPF_MEM => {
                        let slot = i.k as usize % BPF_MEMWORDS;
                        let o = mem_from[slot].clone();
                        if into_x {
                            x = mem[slot];
                            x_from = o;
                        } else {
                            a = mem[slot];
                            a_from = o;
                        }
                        continue;
                    }
                    BPF_MSH => match load(pkt, i.k, 1) {
                        Some(b) => ((b & 0xf) << 2, None),
                        None => return (decisions, End::TooShort(i.k as usize + 1)),
                    },
                    mode => {
                        let base = if mode == BPF_IND {
                            x.wrapping_add(i.k)
                        } else {
                            i.k
                        };
                        let size = size_of(i.code);
                        match load(pkt, base, size) {
                            Some(v) => (v, Some((base as usize, size))),
                            None => return (decisions, End::TooShort(base as usize + size)),
                        }
                    }
                };
                let origin = origin.map(|(offset, size)| Origin {
                    offset,
                    size,
                    ops: Vec::new(),
                });
                if into_x {
                    x = value;
                    x_from = origin;
                } else {
                    a = value;
                    a_from = origin;
                }
            }
            BPF_ST => {
                mem[i.k as usize % BPF_MEMWORDS] = a;
                mem_from[i.k as usize % BPF_MEMWORDS] = a_from.clone();
            }
            BPF_STX => {
                mem[i.k as usize % BPF_MEMWORDS] = x;
                mem_from[i.k as usize % BPF_MEMWORDS] = x_from.clone();
            }
            BPF_ALU => {
                let op = i.code & 0xf0;
                let by_k = i.code & 0x08 == BPF_K;
                let operand = if by_k { i.k } else { x };
                a = match op {
                    BPF_ADD => a.wrapping_add(operand),
                    BPF_SUB => a.wrapping_sub(operand),
                    BPF_MUL => a.wrapping_mul(operand),
                    BPF_DIV if operand == 0 => return (decisions, End::Rejected),
                    BPF_DIV => a / operand,
                    BPF_MOD if operand == 0 => return (decisions, End::Rejected),
                    BPF_MOD => a % operand,
                    BPF_OR => a | operand,
                    BPF_AND => a & operand,
                    BPF_XOR => a ^ operand,
                    BPF_LSH => a.checked_shl(operand).unwrap_or(0),
                    BPF_RSH => a.checked_shr(operand).unwrap_or(0),
                    _ => a.wrapping_neg(),
                };
                // Follow only operations the patcher can undo, with a constant operand.
                let invertible = matches!(
                    op,
                    BPF_ADD | BPF_SUB | BPF_AND | BPF_OR | BPF_XOR | BPF_LSH | BPF_RSH
                );
                let constant = by_k || x_from.is_none();
                match (&mut a_from, invertible && constant) {
                    (Some(o), true) => o.ops.push((op, operand)),
                    _ => a_from = None,
                }
            }
            BPF_JMP => {
                let op = i.code & 0xf0;
                if op == BPF_JA {
                    pc += i.k as usize;
                    continue;
                }
                let operand = if i.code & 0x08 == BPF_K { i.k } else { x };
                let taken = match op {
                    BPF_JEQ => a == operand,
                    BPF_JGT => a > operand,
                    BPF_JGE => a >= operand,
                    _ => a & operand != 0,
                };
                decisions.push(Decision {
                    pc: pc - 1,
                    origin: a_from.clone(),
                    value: a,
                    operand,
                    op,
                    taken,
                });
                pc += if taken { i.jt } else { i.jf } as usize;
            }
            BPF_RET => {
                let v = if i.code & 0x18 == BPF_A { a } else { i.k };
                return (
                    decisions,
                    if v != 0 { End::Accepted } else { End::Rejected },
                );
            }
            _ => {
                if i.code & 0xf8 == BPF_TXA {
                    a = x;
                    a_from = x_from.clone();
                } else {
                    x = a;
                    x_from = a_from.clone();
                }
            }
        }
    }
    (decisions, End::Rejected)
}

/// The accumulator value that makes the jump go the other way, when there is an easy one.
fn flipped_value(d: &Decision) -> Option<u32> {
    let (v, k) = (d.value, d.operand);
    match (d.op, d.taken) {
        (BPF_JEQ, false) => Some(k),
        (BPF_JEQ, true) => Some(k ^ 1),
        (BPF_JGT, false) => k.checked_add(1),
        (BPF_JGT, true) => Some(k),
        (BPF_JGE, false) => Some(k),
        (BPF_JGE, true) => k.checked_sub(1),
        (_, false) => (k != 0).then_some(v | (k & k.wrapping_neg())),
        (_, true) => Some(v & !k),
    }
}

/// The loaded value that gives `want` after `ops`, keeping the bits the operations discard
/// from `current` (None when no such value exists).
fn undo(ops: &[(u16, u32)], current: u32, want: u32, width: u32) -> Option<u32> {
    // The intermediate values of the current load, to keep discarded bits.
    let mut values = vec![current];
    for &(op, k) in ops {
        let v = *values.last().unwrap_or(&current);
        values.push(match op {
            BPF_ADD => v.wrapping_add(k),
            BPF_SUB => v.wrapping_sub(k),
            BPF_AND => v & k,
            BPF_OR => v | k,
            BPF_XOR => v ^ k,
            BPF_LSH => v.checked_shl(k).unwrap_or(0),
            _ => v.checked_shr(k).unwrap_or(0),
        });
    }
    let mut w = want;
    for (idx, &(op, k)) in ops.iter().enumerate().rev() {
        let before = values[idx];
        w = match op {
            BPF_ADD => w.wrapping_sub(k),
            BPF_SUB => w.wrapping_add(k),
            BPF_XOR => w ^ k,
            BPF_AND if w & !k == 0 => (before & !k) | w,
            BPF_OR if w & k == k => (before & k) | (w & !k),
            BPF_LSH if k < 32 && w.checked_shl(32 - k).unwrap_or(0) == 0 => w >> k,
            BPF_RSH if k < 32 && w.checked_shl(k).map(|s| s >> k) == Some(w) => {
                (w << k) | (before & ((1u32 << k) - 1))
            }
            _ => return None,
        };
    }
    (width >= 32 || w >> width == 0).then_some(w)
}

/// Rewrites `pkt` so that decision `d` goes the other way; false when it can't.
fn patch(pkt: &mut Vec<u8>, d: &Decision) -> bool {
    let Some(origin) = &d.origin else {
        return false;
    };
    let Some(want) = flipped_value(d) else {
        return false;
    };
    if origin.size == 0 {
        // The packet length: make the packet that long (bounded, to stay cheap).
        let Some(len) = undo(&origin.ops, pkt.len() as u32, want, 32) else {
            return false;
        };
        if len as usize > 65535 || len as usize == pkt.len() {
            return false;
        }
        pkt.resize(len as usize, 0);
        return true;
    }
    let current = load(pkt, origin.offset as u32, origin.size).unwrap_or(0);
    let Some(value) = undo(&origin.ops, current, want, origin.size as u32 * 8) else {
        return false;
    };
    let end = origin.offset + origin.size;
    if end > 65535 {
        return false;
    }
    if pkt.len() < end {
        pkt.resize(end, 0);
    }
    let bytes = value.to_be_bytes();
    pkt[origin.offset..end].copy_from_slice(&bytes[4 - origin.size..]);
    true
}

/// Packets derived from each seed by steering `prog` toward acceptance, at most `steps`
/// rewrites per seed; every distinct intermediate packet is returned.
pub fn steer(prog: &[Insn], seeds: &[&[u8]], steps: usize) -> Vec<Vec<u8>> {
    let reach = can_accept(prog);
    let mut out: Vec<Vec<u8>> = Vec::new();
    for seed in seeds {
        let mut pkt = seed.to_vec();
        for _ in 0..steps {
            let (decisions, end) = trace(prog, &pkt);
            match end {
                End::Accepted => break,
                End::TooShort(len) if len <= 65535 => {
                    pkt.resize(len, 0);
                    if !out.contains(&pkt) {
                        out.push(pkt.clone());
                    }
                    continue;
                }
                _ => {}
            }
            let branch_accepts = |d: &Decision, taken: bool| {
                let i = prog[d.pc];
                let next = d.pc + 1 + if taken { i.jt } else { i.jf } as usize;
                reach.get(next).copied().unwrap_or(false)
            };
            // The first jump that chose a hopeless branch while the other one could accept.
            let Some(d) = decisions
                .iter()
                .find(|d| !branch_accepts(d, d.taken) && branch_accepts(d, !d.taken))
            else {
                break;
            };
            if !patch(&mut pkt, d) {
                break;
            }
            if !out.contains(&pkt) {
                out.push(pkt.clone());
            }
        }
    }
    out
}
