//! The classic-BPF interpreter with libpcap's `bpf_filter` semantics, as measured on the
//! system libpcap 1.10.3:
//! - a load outside the captured bytes rejects the packet (returns 0), and so does division
//!   or modulo by X == 0; arithmetic wraps around in u32; `len` loads the length on the wire;
//! - a shift by the constant k uses k mod 32 (x86's rule, which libpcap inherits); a shift by
//!   X of 32 or more gives 0 (libpcap tests for it);
//! - Linux's "ancillary data" offsets (k >= 0xfffff000) are ordinary offsets in user space,
//!   beyond any packet, so they reject; except, when the caller has the kernel's metadata
//!   about a live packet ([`VlanAux`], libpcap's user-space filter on Linux), the byte loads
//!   of `SKF_AD_VLAN_TAG_PRESENT` and `SKF_AD_VLAN_TAG`, which read it (only byte loads, as
//!   libpcap's code generator writes them);
//! - `ja` computes its target in 32-bit wrap-around, so it can jump backwards.
//!
//! Where libpcap aborts or reads outside the program (an opcode it does not implement, such as
//! `ret x` or anything above 0xff; a scratch index >= 16; a constant divisor of 0; a jump or
//! fall-through past the end), we reject the packet instead. A program whose backward jumps
//! run more than [`BACKWARD_JUMP_LIMIT`] times on one packet is taken to loop forever (libpcap
//! would hang) and rejects too. Nothing here panics or reads outside `data`, whatever the
//! program. Scratch memory starts zeroed (libpcap's starts uninitialised).
//!
//! [`Executable`] decodes a program once (absolute jump targets, checked scratch indices, a
//! final reject step that every out-of-range target points to, each load followed by a
//! conditional jump fused into one step) and then runs packets with no allocation and no
//! per-step opcode decoding, without even setting up scratch memory when no step loads from
//! it; [`super::Program`] caches one. The C entry points, which get a bare instruction
//! pointer with no length, run [`super::raw`] instead, held to the same verdicts by the tests
//! here (`both`) and in raw.rs.

use super::insn::*;

/// How many backward jumps one packet may take before the program counts as looping forever.
pub const BACKWARD_JUMP_LIMIT: u32 = 1 << 20;

/// The operations the interpreter implements, one per opcode libpcap's `bpf_filter` runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum Op {
    RetK,
    RetA,
    LdAbsW,
    LdAbsH,
    LdAbsB,
    LdIndW,
    LdIndH,
    LdIndB,
    LdLen,
    LdImm,
    LdMem,
    LdxLen,
    LdxImm,
    LdxMem,
    LdxMsh,
    St,
    Stx,
    Ja,
    JeqK,
    JgtK,
    JgeK,
    JsetK,
    JeqX,
    JgtX,
    JgeX,
    JsetX,
    AddK,
    SubK,
    MulK,
    DivK,
    ModK,
    AndK,
    OrK,
    XorK,
    LshK,
    RshK,
    AddX,
    SubX,
    MulX,
    DivX,
    ModX,
    AndX,
    OrX,
    XorX,
    LshX,
    RshX,
    Neg,
    Tax,
    Txa,
    /// `ldb [vlanp]` and `ldb [vlan_tci]`: the metadata of a live packet, or reject.
    LdVlanPresent,
    LdVlanTci,
    /// Reject the packet: an opcode libpcap cannot run, or a target outside the program.
    Reject,
    // A load followed by a conditional jump on a constant, the commonest pair in compiled
    // filters, run as one step (see `Executable::fuse`). The step keeps the load's k and takes
    // the jump's targets; the constant is the next step's k.
    LdAbsWJeq,
    LdAbsWJgt,
    LdAbsWJge,
    LdAbsWJset,
    LdAbsHJeq,
    LdAbsHJgt,
    LdAbsHJge,
    LdAbsHJset,
    LdAbsBJeq,
    LdAbsBJgt,
    LdAbsBJge,
    LdAbsBJset,
    LdIndWJeq,
    LdIndWJgt,
    LdIndWJge,
    LdIndWJset,
    LdIndHJeq,
    LdIndHJgt,
    LdIndHJge,
    LdIndHJset,
    LdIndBJeq,
    LdIndBJgt,
    LdIndBJge,
    LdIndBJset,
}

/// One decoded instruction. Jump targets are absolute step indices; for `Ja`, `jt` holds
/// the target. `k` of a scratch access is always < 16.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Step {
    op: Op,
    jt: u32,
    jf: u32,
    k: u32,
}

const REJECT: Step = Step {
    op: Op::Reject,
    jt: 0,
    jf: 0,
    k: 0,
};

/// The operation of each 8-bit opcode; everything else (and every opcode above 0xff) rejects.
const fn op_of(code: u8) -> Op {
    match code {
        0x06 => Op::RetK,
        0x16 => Op::RetA,
        0x20 => Op::LdAbsW,
        0x28 => Op::LdAbsH,
        0x30 => Op::LdAbsB,
        0x40 => Op::LdIndW,
        0x48 => Op::LdIndH,
        0x50 => Op::LdIndB,
        0x80 => Op::LdLen,
        0x00 => Op::LdImm,
        0x60 => Op::LdMem,
        0x81 => Op::LdxLen,
        0x01 => Op::LdxImm,
        0x61 => Op::LdxMem,
        0xb1 => Op::LdxMsh,
        0x02 => Op::St,
        0x03 => Op::Stx,
        0x05 => Op::Ja,
        0x15 => Op::JeqK,
        0x25 => Op::JgtK,
        0x35 => Op::JgeK,
        0x45 => Op::JsetK,
        0x1d => Op::JeqX,
        0x2d => Op::JgtX,
        0x3d => Op::JgeX,
        0x4d => Op::JsetX,
        0x04 => Op::AddK,
        0x14 => Op::SubK,
        0x24 => Op::MulK,
        0x34 => Op::DivK,
        0x94 => Op::ModK,
        0x54 => Op::AndK,
        0x44 => Op::OrK,
        0xa4 => Op::XorK,
        0x64 => Op::LshK,
        0x74 => Op::RshK,
        0x0c => Op::AddX,
        0x1c => Op::SubX,
        0x2c => Op::MulX,
        0x3c => Op::DivX,
        0x9c => Op::ModX,
        0x5c => Op::AndX,
        0x4c => Op::OrX,
        0xac => Op::XorX,
        0x6c => Op::LshX,
        0x7c => Op::RshX,
        0x84 => Op::Neg,
        0x07 => Op::Tax,
        0x87 => Op::Txa,
        _ => Op::Reject,
    }
}

/// [`op_of`] as a table, so decoding costs one load.
const OPS: [Op; 256] = {
    let mut table = [Op::Reject; 256];
    let mut code = 0;
    while code < 256 {
        table[code] = op_of(code as u8);
        code += 1;
    }
    table
};

/// Decodes the instruction at index `at`. Targets at or past `len` (the program length)
/// become `len`, where the caller keeps a reject step; targets that do not fit a u32 become
/// u32::MAX, which no program reaches.
#[inline(always)]
fn decode(insn: Insn, at: usize, len: usize) -> Step {
    let k = insn.k;
    let op = match OPS.get(insn.code as usize) {
        Some(&op) => op,
        None => return REJECT,
    };
    let clamp = |t: usize| -> u32 { u32::try_from(t.min(len)).unwrap_or(u32::MAX) };
    let (jt, jf) = match op {
        Op::LdMem | Op::LdxMem | Op::St | Op::Stx if k as usize >= BPF_MEMWORDS => return REJECT,
        Op::DivK | Op::ModK if k == 0 => return REJECT,
        Op::Ja => match super::validate::ja_target(at, k) {
            Some(t) => (clamp(t as usize), 0),
            None => return REJECT,
        },
        Op::JeqK | Op::JgtK | Op::JgeK | Op::JsetK | Op::JeqX | Op::JgtX | Op::JgeX | Op::JsetX => {
            (
                clamp(at + 1 + insn.jt as usize),
                clamp(at + 1 + insn.jf as usize),
            )
        }
        _ => (0, 0),
    };
    let op = match (op, k.wrapping_sub(SKF_AD_OFF)) {
        (Op::LdAbsB, SKF_AD_VLAN_TAG_PRESENT) => Op::LdVlanPresent,
        (Op::LdAbsB, SKF_AD_VLAN_TAG) => Op::LdVlanTci,
        _ => op,
    };
    Step { op, jt, jf, k }
}

/// The kernel's metadata about a live packet that a filter may read (Linux's ancillary
/// data, as libpcap hands it to its user-space filter): whether a VLAN tag was stripped
/// from the frame, and its identifier (libpcap passes the 12-bit VLAN ID, not the TCI).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VlanAux {
    pub present: bool,
    pub vlan_id: u16,
}

/// The fused operation of each load (abs w/h/b, ind w/h/b) and jump (jeq, jgt, jge, jset).
const FUSED: [[Op; 4]; 6] = [
    [Op::LdAbsWJeq, Op::LdAbsWJgt, Op::LdAbsWJge, Op::LdAbsWJset],
    [Op::LdAbsHJeq, Op::LdAbsHJgt, Op::LdAbsHJge, Op::LdAbsHJset],
    [Op::LdAbsBJeq, Op::LdAbsBJgt, Op::LdAbsBJge, Op::LdAbsBJset],
    [Op::LdIndWJeq, Op::LdIndWJgt, Op::LdIndWJge, Op::LdIndWJset],
    [Op::LdIndHJeq, Op::LdIndHJgt, Op::LdIndHJge, Op::LdIndHJset],
    [Op::LdIndBJeq, Op::LdIndBJgt, Op::LdIndBJge, Op::LdIndBJset],
];

/// Scratch memory. Most programs never load from it, and for those a run skips setting it
/// up ([`NoScratch`]); the rest get zeroed words (libpcap leaves them uninitialised, so a
/// program that reads a slot before writing it sees garbage there and zero here).
trait Scratch: Sized {
    fn new() -> Self;
    fn load(&self, slot: usize) -> u32;
    fn store(&mut self, slot: usize, value: u32);
}

impl Scratch for [u32; BPF_MEMWORDS] {
    #[inline(always)]
    fn new() -> Self {
        [0; BPF_MEMWORDS]
    }
    #[inline(always)]
    fn load(&self, slot: usize) -> u32 {
        self[slot & (BPF_MEMWORDS - 1)]
    }
    #[inline(always)]
    fn store(&mut self, slot: usize, value: u32) {
        self[slot & (BPF_MEMWORDS - 1)] = value;
    }
}

/// Scratch memory for a program with no scratch loads: stores vanish, as nothing reads them.
struct NoScratch;

impl Scratch for NoScratch {
    #[inline(always)]
    fn new() -> Self {
        NoScratch
    }
    #[inline(always)]
    fn load(&self, _slot: usize) -> u32 {
        0
    }
    #[inline(always)]
    fn store(&mut self, _slot: usize, _value: u32) {}
}

/// The registers of a run.
struct Machine<S> {
    a: u32,
    x: u32,
    mem: S,
    backward_jumps_left: u32,
}

impl<S: Scratch> Machine<S> {
    #[inline(always)]
    fn new() -> Machine<S> {
        Machine {
            a: 0,
            x: 0,
            mem: S::new(),
            backward_jumps_left: BACKWARD_JUMP_LIMIT,
        }
    }
}

/// What follows a step.
enum Flow {
    Goto(usize),
    Return(u32),
}

/// Big-endian u32 at `off`, if the packet has those bytes.
#[inline(always)]
fn load_w(data: &[u8], off: usize) -> Option<u32> {
    let b = data.get(off..)?.first_chunk::<4>()?;
    Some(u32::from_be_bytes(*b))
}

/// Big-endian u16 at `off`, if the packet has those bytes.
#[inline(always)]
fn load_h(data: &[u8], off: usize) -> Option<u32> {
    let b = data.get(off..)?.first_chunk::<2>()?;
    Some(u16::from_be_bytes(*b) as u32)
}

#[inline(always)]
fn load_b(data: &[u8], off: usize) -> Option<u32> {
    data.get(off).map(|&b| b as u32)
}

/// `x + k` as an offset: computed in usize, so it never wraps on 64-bit targets, matching
/// libpcap's overflow-checked bounds test.
#[inline(always)]
fn indexed(x: u32, k: u32) -> usize {
    (x as usize).saturating_add(k as usize)
}

/// An empty barrier in one arm of a conditional jump, so that the compiler keeps a real
/// branch instead of a conditional move. With a move, the next step's index waits for the
/// packet load behind the comparison; with a branch the CPU predicts it and runs ahead, as it
/// does in libpcap's C (measured: up to 2.5 times slower per packet without it).
#[inline(always)]
pub(super) fn keep_branch() {
    #[cfg(any(target_arch = "x86_64", target_arch = "x86", target_arch = "aarch64"))]
    // SAFETY: an empty instruction sequence: no memory, stack or flags touched.
    unsafe {
        std::arch::asm!("", options(nomem, nostack, preserves_flags))
    };
}

/// Runs the step at index `pc`.
#[inline(always)]
fn exec<S: Scratch>(
    s: Step,
    pc: usize,
    m: &mut Machine<S>,
    data: &[u8],
    wire_len: u32,
    steps: &[Step],
    aux: Option<VlanAux>,
) -> Flow {
    let next = Flow::Goto(pc + 1);
    let branch = |taken: bool| {
        if taken {
            keep_branch();
            Flow::Goto(s.jt as usize)
        } else {
            Flow::Goto(s.jf as usize)
        }
    };
    macro_rules! load {
        ($reg:ident, $value:expr) => {
            match $value {
                Some(v) => {
                    m.$reg = v;
                    next
                }
                None => Flow::Return(0),
            }
        };
    }
    macro_rules! alu {
        ($value:expr) => {{
            m.a = $value;
            next
        }};
    }
    // A fused load-and-jump: the load, then the jump whose constant is the next step's k
    // (fusion only happens when that step exists, so the fallback is never taken).
    macro_rules! fused {
        ($value:expr, $cond:expr) => {
            match $value {
                Some(v) => {
                    m.a = v;
                    let c = steps.get(pc + 1).map_or(0, |next| next.k);
                    branch($cond(v, c))
                }
                None => Flow::Return(0),
            }
        };
    }
    let k = s.k;
    // Scratch indices were checked by decode; `Scratch` masks them, so no second check.
    let slot = k as usize;
    match s.op {
        Op::RetK => Flow::Return(k),
        Op::RetA => Flow::Return(m.a),
        Op::LdAbsW => load!(a, load_w(data, k as usize)),
        Op::LdAbsH => load!(a, load_h(data, k as usize)),
        Op::LdAbsB => load!(a, load_b(data, k as usize)),
        Op::LdIndW => load!(a, load_w(data, indexed(m.x, k))),
        Op::LdIndH => load!(a, load_h(data, indexed(m.x, k))),
        Op::LdIndB => load!(a, load_b(data, indexed(m.x, k))),
        Op::LdLen => load!(a, Some(wire_len)),
        Op::LdImm => load!(a, Some(k)),
        Op::LdMem => load!(a, Some(m.mem.load(slot))),
        Op::LdxLen => load!(x, Some(wire_len)),
        Op::LdxImm => load!(x, Some(k)),
        Op::LdxMem => load!(x, Some(m.mem.load(slot))),
        Op::LdxMsh => load!(x, load_b(data, k as usize).map(|b| (b & 0x0f) << 2)),
        Op::LdVlanPresent => load!(a, aux.map(|v| u32::from(v.present))),
        Op::LdVlanTci => load!(a, aux.map(|v| u32::from(v.vlan_id))),
        Op::St => {
            m.mem.store(slot, m.a);
            next
        }
        Op::Stx => {
            m.mem.store(slot, m.x);
            next
        }
        Op::Ja => {
            let target = s.jt as usize;
            if target <= pc {
                if m.backward_jumps_left == 0 {
                    return Flow::Return(0);
                }
                m.backward_jumps_left -= 1;
            }
            Flow::Goto(target)
        }
        Op::JeqK => branch(m.a == k),
        Op::JgtK => branch(m.a > k),
        Op::JgeK => branch(m.a >= k),
        Op::JsetK => branch(m.a & k != 0),
        Op::JeqX => branch(m.a == m.x),
        Op::JgtX => branch(m.a > m.x),
        Op::JgeX => branch(m.a >= m.x),
        Op::JsetX => branch(m.a & m.x != 0),
        Op::AddK => alu!(m.a.wrapping_add(k)),
        Op::SubK => alu!(m.a.wrapping_sub(k)),
        Op::MulK => alu!(m.a.wrapping_mul(k)),
        // decode turned a zero constant divisor into Reject; checked_* keeps this total.
        Op::DivK => load!(a, m.a.checked_div(k)),
        Op::ModK => load!(a, m.a.checked_rem(k)),
        Op::AndK => alu!(m.a & k),
        Op::OrK => alu!(m.a | k),
        Op::XorK => alu!(m.a ^ k),
        Op::LshK => alu!(m.a.wrapping_shl(k)),
        Op::RshK => alu!(m.a.wrapping_shr(k)),
        Op::AddX => alu!(m.a.wrapping_add(m.x)),
        Op::SubX => alu!(m.a.wrapping_sub(m.x)),
        Op::MulX => alu!(m.a.wrapping_mul(m.x)),
        Op::DivX => load!(a, m.a.checked_div(m.x)),
        Op::ModX => load!(a, m.a.checked_rem(m.x)),
        Op::AndX => alu!(m.a & m.x),
        Op::OrX => alu!(m.a | m.x),
        Op::XorX => alu!(m.a ^ m.x),
        Op::LshX => alu!(m.a.checked_shl(m.x).unwrap_or(0)),
        Op::RshX => alu!(m.a.checked_shr(m.x).unwrap_or(0)),
        Op::Neg => alu!(m.a.wrapping_neg()),
        Op::Tax => {
            m.x = m.a;
            next
        }
        Op::Txa => alu!(m.x),
        Op::Reject => Flow::Return(0),
        Op::LdAbsWJeq => fused!(load_w(data, k as usize), |a: u32, c: u32| a == c),
        Op::LdAbsWJgt => fused!(load_w(data, k as usize), |a: u32, c: u32| a > c),
        Op::LdAbsWJge => fused!(load_w(data, k as usize), |a: u32, c: u32| a >= c),
        Op::LdAbsWJset => fused!(load_w(data, k as usize), |a: u32, c: u32| a & c != 0),
        Op::LdAbsHJeq => fused!(load_h(data, k as usize), |a: u32, c: u32| a == c),
        Op::LdAbsHJgt => fused!(load_h(data, k as usize), |a: u32, c: u32| a > c),
        Op::LdAbsHJge => fused!(load_h(data, k as usize), |a: u32, c: u32| a >= c),
        Op::LdAbsHJset => fused!(load_h(data, k as usize), |a: u32, c: u32| a & c != 0),
        Op::LdAbsBJeq => fused!(load_b(data, k as usize), |a: u32, c: u32| a == c),
        Op::LdAbsBJgt => fused!(load_b(data, k as usize), |a: u32, c: u32| a > c),
        Op::LdAbsBJge => fused!(load_b(data, k as usize), |a: u32, c: u32| a >= c),
        Op::LdAbsBJset => fused!(load_b(data, k as usize), |a: u32, c: u32| a & c != 0),
        Op::LdIndWJeq => fused!(load_w(data, indexed(m.x, k)), |a: u32, c: u32| a == c),
        Op::LdIndWJgt => fused!(load_w(data, indexed(m.x, k)), |a: u32, c: u32| a > c),
        Op::LdIndWJge => fused!(load_w(data, indexed(m.x, k)), |a: u32, c: u32| a >= c),
        Op::LdIndWJset => {
            fused!(load_w(data, indexed(m.x, k)), |a: u32, c: u32| a & c != 0)
        }
        Op::LdIndHJeq => fused!(load_h(data, indexed(m.x, k)), |a: u32, c: u32| a == c),
        Op::LdIndHJgt => fused!(load_h(data, indexed(m.x, k)), |a: u32, c: u32| a > c),
        Op::LdIndHJge => fused!(load_h(data, indexed(m.x, k)), |a: u32, c: u32| a >= c),
        Op::LdIndHJset => {
            fused!(load_h(data, indexed(m.x, k)), |a: u32, c: u32| a & c != 0)
        }
        Op::LdIndBJeq => fused!(load_b(data, indexed(m.x, k)), |a: u32, c: u32| a == c),
        Op::LdIndBJgt => fused!(load_b(data, indexed(m.x, k)), |a: u32, c: u32| a > c),
        Op::LdIndBJge => fused!(load_b(data, indexed(m.x, k)), |a: u32, c: u32| a >= c),
        Op::LdIndBJset => {
            fused!(load_b(data, indexed(m.x, k)), |a: u32, c: u32| a & c != 0)
        }
    }
}

/// A program decoded for fast repeated runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Executable {
    /// One step per instruction, then one reject step at index `len`: every decoded target
    /// is at most `len`, so every index the run loop uses is in bounds.
    steps: Box<[Step]>,
    /// Whether any step loads from scratch memory (else runs skip setting it up).
    loads_scratch: bool,
}

impl Executable {
    /// Decodes `insns`; any program is accepted (what libpcap cannot run rejects packets).
    pub fn new(insns: &[Insn]) -> Executable {
        let len = insns.len();
        let steps = insns
            .iter()
            .enumerate()
            .map(|(at, &insn)| decode(insn, at, len))
            .chain(std::iter::once(REJECT))
            .collect();
        let steps = Self::fuse(steps);
        let loads_scratch = steps.iter().any(|s| matches!(s.op, Op::LdMem | Op::LdxMem));
        Executable {
            steps,
            loads_scratch,
        }
    }

    /// Turns each load followed by a conditional jump on a constant into one fused step at
    /// the load's index. The jump's own step stays in place, so jumps that land on it still
    /// work, and the fused step reads the constant from it.
    fn fuse(mut steps: Vec<Step>) -> Box<[Step]> {
        for at in 0..steps.len().saturating_sub(1) {
            let next = steps[at + 1];
            let jump = match next.op {
                Op::JeqK => 0,
                Op::JgtK => 1,
                Op::JgeK => 2,
                Op::JsetK => 3,
                _ => continue,
            };
            let load = match steps[at].op {
                Op::LdAbsW => 0,
                Op::LdAbsH => 1,
                Op::LdAbsB => 2,
                Op::LdIndW => 3,
                Op::LdIndH => 4,
                Op::LdIndB => 5,
                _ => continue,
            };
            let step = &mut steps[at];
            step.op = FUSED[load][jump];
            step.jt = next.jt;
            step.jf = next.jf;
        }
        steps.into_boxed_slice()
    }

    /// The program's verdict on a packet: bytes to keep, 0 to reject. `data` holds the
    /// captured bytes, `wire_len` the length on the wire.
    pub fn run(&self, data: &[u8], wire_len: u32) -> u32 {
        if self.loads_scratch {
            self.run_with::<[u32; BPF_MEMWORDS]>(data, wire_len, None)
        } else {
            self.run_with::<NoScratch>(data, wire_len, None)
        }
    }

    /// [`Executable::run`] on a live packet whose VLAN metadata the kernel gave.
    pub fn run_with_aux(&self, data: &[u8], wire_len: u32, aux: VlanAux) -> u32 {
        if self.loads_scratch {
            self.run_with::<[u32; BPF_MEMWORDS]>(data, wire_len, Some(aux))
        } else {
            self.run_with::<NoScratch>(data, wire_len, Some(aux))
        }
    }

    #[inline(always)]
    fn run_with<S: Scratch>(&self, data: &[u8], wire_len: u32, aux: Option<VlanAux>) -> u32 {
        let steps = &*self.steps;
        let mut m = Machine::<S>::new();
        let mut pc = 0;
        loop {
            // Never out of bounds (see `steps`); `get` turns a broken invariant into a
            // rejected packet rather than a panic.
            let Some(&s) = steps.get(pc) else {
                return 0;
            };
            match exec(s, pc, &mut m, data, wire_len, steps, aux) {
                Flow::Goto(next) => pc = next,
                Flow::Return(v) => return v,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vlan_metadata_loads_answer_only_with_metadata_and_only_as_bytes() {
        let ret_a = Insn::stmt(BPF_RET | BPF_A, 0);
        let ldb = |what| Insn::stmt(BPF_LD | BPF_B | BPF_ABS, SKF_AD_OFF + what);
        let ldh = Insn::stmt(BPF_LD | BPF_H | BPF_ABS, SKF_AD_OFF + SKF_AD_VLAN_TAG);
        let tagged = VlanAux {
            present: true,
            vlan_id: 5,
        };
        let pkt = [0u8; 64];
        for (prog, want) in [
            (vec![ldb(SKF_AD_VLAN_TAG_PRESENT), ret_a], 1),
            (vec![ldb(SKF_AD_VLAN_TAG), ret_a], 5),
            (vec![ldh, ret_a], 0),
        ] {
            let e = Executable::new(&prog);
            assert_eq!(e.run_with_aux(&pkt, 64, tagged), want);
            // No metadata (bpf_filter, savefiles): out of the packet, so rejected.
            assert_eq!(e.run(&pkt, 64), 0);
            assert_eq!(super::super::raw::run(&prog[..], &pkt, 64), 0);
        }
        // A present-test fused with its jump would read the packet: it is not fused.
        let test = vec![
            ldb(SKF_AD_VLAN_TAG_PRESENT),
            Insn::jump(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
            Insn::stmt(BPF_RET | BPF_K, 7),
            Insn::stmt(BPF_RET | BPF_K, 9),
        ];
        let e = Executable::new(&test);
        assert_eq!(e.run_with_aux(&pkt, 64, tagged), 7);
        assert_eq!(e.run_with_aux(&pkt, 64, VlanAux::default()), 9);
    }

    fn both(prog: &[Insn], data: &[u8], wire_len: u32) -> u32 {
        let fast = Executable::new(prog).run(data, wire_len);
        let fetched = super::super::raw::run(prog, data, wire_len);
        assert_eq!(fast, fetched, "interpret and raw disagree");
        fast
    }

    #[test]
    fn out_of_bounds_load_rejects() {
        let prog = [
            Insn::stmt(BPF_LD | BPF_W | BPF_ABS, 2),
            Insn::stmt(BPF_RET | BPF_K, 96),
        ];
        assert_eq!(both(&prog, &[0; 5], 5), 0);
        assert_eq!(both(&prog, &[0; 6], 6), 96);
    }

    #[test]
    fn division_by_zero_rejects() {
        for code in [BPF_DIV, BPF_MOD] {
            let prog = [
                Insn::stmt(BPF_LD | BPF_IMM, 7),
                Insn::stmt(BPF_ALU | code | BPF_X, 0),
                Insn::stmt(BPF_RET | BPF_K, 1),
            ];
            assert_eq!(both(&prog, &[], 0), 0);
            let prog = [prog[0], Insn::stmt(BPF_ALU | code | BPF_K, 0), prog[2]];
            assert_eq!(both(&prog, &[], 0), 0);
        }
    }

    #[test]
    fn falling_or_jumping_off_the_end_rejects() {
        assert_eq!(both(&[Insn::stmt(BPF_LD | BPF_IMM, 7)], &[], 0), 0);
        assert_eq!(both(&[Insn::jump(BPF_JMP | BPF_JEQ, 0, 5, 5)], &[], 0), 0);
        assert_eq!(both(&[Insn::stmt(BPF_JMP | BPF_JA, 7)], &[], 0), 0);
    }

    #[test]
    fn shifts_follow_libpcap() {
        let by_k = |op, n| {
            both(
                &[
                    Insn::stmt(BPF_LD | BPF_IMM, 0x8000_0001),
                    Insn::stmt(BPF_ALU | op | BPF_K, n),
                    Insn::stmt(BPF_RET | BPF_A, 0),
                ],
                &[],
                0,
            )
        };
        let by_x = |op, n| {
            both(
                &[
                    Insn::stmt(BPF_LDX | BPF_IMM, n),
                    Insn::stmt(BPF_LD | BPF_IMM, 0x8000_0001),
                    Insn::stmt(BPF_ALU | op | BPF_X, 0),
                    Insn::stmt(BPF_RET | BPF_A, 0),
                ],
                &[],
                0,
            )
        };
        assert_eq!(by_k(BPF_LSH, 33), 2);
        assert_eq!(by_k(BPF_RSH, 32), 0x8000_0001);
        assert_eq!(by_x(BPF_LSH, 1), 2);
        assert_eq!(by_x(BPF_LSH, 32), 0);
        assert_eq!(by_x(BPF_RSH, 33), 0);
    }

    #[test]
    fn backward_ja_loops_and_terminates() {
        // M[0] counts down from 3; a `ja` with a wrapped offset jumps back to the test.
        let prog = [
            Insn::stmt(BPF_LD | BPF_IMM, 3),
            Insn::jump(BPF_JMP | BPF_JEQ, 0, 2, 0), // 1: a == 0 -> 4
            Insn::stmt(BPF_ALU | BPF_SUB | BPF_K, 1),
            Insn::stmt(BPF_JMP | BPF_JA, (-3i32) as u32), // 3: back to 1
            Insn::stmt(BPF_RET | BPF_K, 42),
        ];
        assert!(super::super::validate::is_valid(&prog));
        assert_eq!(both(&prog, &[], 0), 42);
        let forever = [
            Insn::stmt(BPF_JMP | BPF_JA, u32::MAX),
            Insn::stmt(BPF_RET | BPF_K, 1),
        ];
        assert_eq!(both(&forever, &[], 0), 0);
    }

    #[test]
    fn unimplemented_opcodes_and_bad_scratch_reject() {
        for code in [0x0e, 0x08, 0xa0, 0x8c, 0x0d, 0x100, 0x0a] {
            let prog = [Insn::stmt(code, 3), Insn::stmt(BPF_RET | BPF_K, 1)];
            assert_eq!(both(&prog, &[0; 64], 64), 0, "code {code:#x}");
        }
        let prog = [Insn::stmt(BPF_ST, 16), Insn::stmt(BPF_RET | BPF_K, 1)];
        assert_eq!(both(&prog, &[], 0), 0);
    }

    #[test]
    fn jumps_into_a_fused_pair_land_on_the_jump() {
        // 0-1 fuse (ldb [0]; jeq #1); the ja at 3 lands on 1, the jump alone, with A = 7.
        let prog = [
            Insn::stmt(BPF_LD | BPF_B | BPF_ABS, 0),
            Insn::jump(BPF_JMP | BPF_JEQ | BPF_K, 7, 0, 1), // 1: a == 7 -> 2, else 3
            Insn::stmt(BPF_RET | BPF_K, 70),
            Insn::jump(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 2), // 3: a == 1 -> 4, else 6
            Insn::stmt(BPF_LD | BPF_IMM, 7),
            Insn::stmt(BPF_JMP | BPF_JA, (-5i32) as u32), // 5: back to 1
            Insn::stmt(BPF_RET | BPF_K, 60),
        ];
        assert_eq!(both(&prog, &[1], 1), 70);
        assert_eq!(both(&prog, &[7], 1), 70);
        assert_eq!(both(&prog, &[2], 1), 60);
        assert_eq!(both(&prog, &[], 0), 0);
    }

    #[test]
    fn scratch_is_zero_until_written() {
        let prog = [
            Insn::stmt(BPF_LD | BPF_IMM, 5),
            Insn::stmt(BPF_ST, 3),
            Insn::stmt(BPF_LDX | BPF_MEM, 4),
            Insn::stmt(BPF_LD | BPF_MEM, 3),
            Insn::stmt(BPF_ALU | BPF_ADD | BPF_X, 0),
            Insn::stmt(BPF_RET | BPF_A, 0),
        ];
        assert_eq!(both(&prog, &[], 0), 5);
    }

    #[test]
    fn lengths_and_msh() {
        let prog = [
            Insn::stmt(BPF_LDX | BPF_W | BPF_LEN, 0),
            Insn::stmt(BPF_MISC | BPF_TXA, 0),
            Insn::stmt(BPF_RET | BPF_A, 0),
        ];
        assert_eq!(both(&prog, &[1, 2], 1000), 1000);
        let msh = [
            Insn::stmt(BPF_LDX | BPF_B | BPF_MSH, 1),
            Insn::stmt(BPF_MISC | BPF_TXA, 0),
            Insn::stmt(BPF_RET | BPF_A, 0),
        ];
        assert_eq!(both(&msh, &[0, 0x45], 2), 20);
        assert_eq!(both(&msh, &[0], 2), 0);
    }
}
