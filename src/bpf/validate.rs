//! `bpf_validate`: libpcap 1.10.3's user-space acceptance rules for a classic BPF program,
//! as measured on the system library (ctests and tests/bpf_differential.rs compare them).
//!
//! The rules look only at the class bits of most opcodes, so the validator accepts programs
//! that libpcap's interpreter cannot run (a `ret x`, a `neg x`, opcodes with bits above
//! 0xff): our interpreter rejects the packet there instead of aborting. Measured rules:
//! - an empty program is invalid; there is no upper bound on the length (4097 `ret`s pass);
//! - loads: modes imm, abs, ind, msh, len pass whatever the size bits; mem needs k < 16;
//!   modes 0xc0 and 0xe0 are invalid;
//! - stores need k < 16;
//! - ALU: operations 0xb0 and above are invalid; division or modulo by the constant 0 is
//!   invalid (by X is checked when it runs); shifts by 32 or more pass;
//! - jumps: a conditional jump's targets `i+1+jt` and `i+1+jf` must be inside the program;
//!   `ja` computes `i+1+k` in 32-bit wrap-around arithmetic, so a `ja` whose k is "negative"
//!   may jump backwards (libpcap's protochain code relies on it); operations 0x50 and above
//!   are invalid;
//! - returns and misc instructions pass whatever their other bits;
//! - the last instruction must be of the return class.

use super::insn::*;

/// Whether libpcap's `bpf_validate` accepts `insns`.
pub fn is_valid(insns: &[Insn]) -> bool {
    let Some(last) = insns.last() else {
        return false;
    };
    insns
        .iter()
        .enumerate()
        .all(|(i, insn)| insn_is_valid(insn, i, insns.len()))
        && class(last.code) == BPF_RET
}

/// The target of a `ja` at index `i`: `i + 1 + k` in u32 arithmetic, as libpcap computes it.
/// None when the index does not fit in u32 (a program that long cannot be validated).
pub fn ja_target(i: usize, k: u32) -> Option<u32> {
    let next = u32::try_from(i).ok()?.checked_add(1)?;
    Some(next.wrapping_add(k))
}

fn insn_is_valid(insn: &Insn, i: usize, len: usize) -> bool {
    let code = insn.code;
    let k = insn.k;
    let in_scratch = (k as usize) < BPF_MEMWORDS;
    match class(code) {
        BPF_LD | BPF_LDX => match mode(code) {
            BPF_IMM | BPF_ABS | BPF_IND | BPF_MSH | BPF_LEN => true,
            BPF_MEM => in_scratch,
            _ => false,
        },
        BPF_ST | BPF_STX => in_scratch,
        BPF_ALU => match op(code) {
            BPF_DIV | BPF_MOD => !(src(code) == BPF_K && k == 0),
            o => o <= BPF_XOR,
        },
        BPF_JMP => {
            let inside = |offset: usize| i + 1 + offset < len;
            match op(code) {
                BPF_JA => ja_target(i, k).is_some_and(|t| (t as usize) < len),
                BPF_JEQ | BPF_JGT | BPF_JGE | BPF_JSET => {
                    inside(insn.jt as usize) && inside(insn.jf as usize)
                }
                _ => false,
            }
        }
        // BPF_RET and BPF_MISC: anything goes.
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ret() -> Insn {
        Insn::stmt(BPF_RET | BPF_K, 1)
    }

    #[test]
    fn empty_and_unterminated_programs_are_invalid() {
        assert!(!is_valid(&[]));
        assert!(!is_valid(&[Insn::stmt(BPF_LD | BPF_IMM, 1)]));
        assert!(is_valid(&[ret()]));
        assert!(is_valid(&vec![ret(); BPF_MAXINSNS + 1]));
    }

    #[test]
    fn jumps_must_land_inside() {
        assert!(is_valid(&[Insn::jump(BPF_JMP | BPF_JEQ, 0, 0, 0), ret()]));
        assert!(!is_valid(&[Insn::jump(BPF_JMP | BPF_JEQ, 0, 1, 0), ret()]));
        assert!(!is_valid(&[Insn::stmt(BPF_JMP | BPF_JA, 1), ret()]));
        // i + 1 + k wraps to 0: a backward jump libpcap accepts.
        assert!(is_valid(&[Insn::stmt(BPF_JMP | BPF_JA, u32::MAX), ret()]));
        assert!(!is_valid(&[
            Insn::stmt(BPF_JMP | BPF_JA, u32::MAX - 1),
            ret()
        ]));
        assert!(!is_valid(&[Insn::stmt(BPF_JMP | 0x50, 0), ret()]));
    }

    #[test]
    fn constant_division_by_zero_and_scratch_bounds() {
        assert!(!is_valid(&[
            Insn::stmt(BPF_ALU | BPF_DIV | BPF_K, 0),
            ret()
        ]));
        assert!(!is_valid(&[
            Insn::stmt(BPF_ALU | BPF_MOD | BPF_K, 0),
            ret()
        ]));
        assert!(is_valid(&[Insn::stmt(BPF_ALU | BPF_DIV | BPF_X, 0), ret()]));
        assert!(!is_valid(&[Insn::stmt(BPF_ALU | 0xb0, 1), ret()]));
        assert!(is_valid(&[Insn::stmt(BPF_ST, 15), ret()]));
        assert!(!is_valid(&[Insn::stmt(BPF_STX, 16), ret()]));
        assert!(!is_valid(&[Insn::stmt(BPF_LDX | BPF_MEM, 16), ret()]));
        assert!(!is_valid(&[Insn::stmt(BPF_LD | 0xc0, 0), ret()]));
    }
}
