//! The classic-BPF interpreter with libpcap's `bpf_filter` semantics: a load outside the
//! captured bytes rejects the packet (returns 0), division or modulo by zero rejects,
//! arithmetic wraps around in u32, `BPF_LEN` is the length on the wire.
//!
//! It never panics and never reads outside `data`, whatever the program: a jump past the end
//! or an unknown opcode rejects the packet.

use super::insn::*;

/// Runs `prog` over a packet; returns the number of bytes to keep (0 rejects).
pub fn run(prog: &[Insn], data: &[u8], wire_len: u32) -> u32 {
    let mut a: u32 = 0;
    let mut x: u32 = 0;
    let mut mem = [0u32; BPF_MEMWORDS];
    let mut pc: usize = 0;
    loop {
        let Some(insn) = prog.get(pc) else {
            return 0;
        };
        pc += 1;
        let k = insn.k;
        match insn.code {
            // Returns.
            c if c == BPF_RET | BPF_K => return k,
            c if c == BPF_RET | BPF_A => return a,

            // Loads into A.
            c if c == BPF_LD | BPF_W | BPF_ABS => match load_u32(data, k as usize) {
                Some(v) => a = v,
                None => return 0,
            },
            c if c == BPF_LD | BPF_H | BPF_ABS => match load_u16(data, k as usize) {
                Some(v) => a = v,
                None => return 0,
            },
            c if c == BPF_LD | BPF_B | BPF_ABS => match data.get(k as usize) {
                Some(&v) => a = v as u32,
                None => return 0,
            },
            c if c == BPF_LD | BPF_W | BPF_IND => {
                match indexed(x, k).and_then(|o| load_u32(data, o)) {
                    Some(v) => a = v,
                    None => return 0,
                }
            }
            c if c == BPF_LD | BPF_H | BPF_IND => {
                match indexed(x, k).and_then(|o| load_u16(data, o)) {
                    Some(v) => a = v,
                    None => return 0,
                }
            }
            c if c == BPF_LD | BPF_B | BPF_IND => match indexed(x, k).and_then(|o| data.get(o)) {
                Some(&v) => a = v as u32,
                None => return 0,
            },
            c if c == BPF_LD | BPF_W | BPF_LEN => a = wire_len,
            c if c == BPF_LD | BPF_IMM => a = k,
            c if c == BPF_LD | BPF_MEM => match mem.get(k as usize) {
                Some(&v) => a = v,
                None => return 0,
            },

            // Loads into X.
            c if c == BPF_LDX | BPF_W | BPF_LEN => x = wire_len,
            c if c == BPF_LDX | BPF_IMM => x = k,
            c if c == BPF_LDX | BPF_MEM => match mem.get(k as usize) {
                Some(&v) => x = v,
                None => return 0,
            },
            c if c == BPF_LDX | BPF_B | BPF_MSH => match data.get(k as usize) {
                Some(&v) => x = ((v & 0x0f) as u32) << 2,
                None => return 0,
            },

            // Stores.
            c if c == BPF_ST => match mem.get_mut(k as usize) {
                Some(slot) => *slot = a,
                None => return 0,
            },
            c if c == BPF_STX => match mem.get_mut(k as usize) {
                Some(slot) => *slot = x,
                None => return 0,
            },

            // Jumps.
            c if c == BPF_JMP | BPF_JA => pc = pc.wrapping_add(k as usize),
            c if class(c) == BPF_JMP => {
                let operand = if src(c) == BPF_X { x } else { k };
                let taken = match op(c) {
                    BPF_JEQ => a == operand,
                    BPF_JGT => a > operand,
                    BPF_JGE => a >= operand,
                    BPF_JSET => a & operand != 0,
                    _ => return 0,
                };
                pc += if taken { insn.jt } else { insn.jf } as usize;
            }

            // Arithmetic.
            c if c == BPF_ALU | BPF_NEG => a = a.wrapping_neg(),
            c if class(c) == BPF_ALU => {
                let operand = if src(c) == BPF_X { x } else { k };
                a = match op(c) {
                    BPF_ADD => a.wrapping_add(operand),
                    BPF_SUB => a.wrapping_sub(operand),
                    BPF_MUL => a.wrapping_mul(operand),
                    BPF_DIV => match a.checked_div(operand) {
                        Some(v) => v,
                        None => return 0,
                    },
                    BPF_MOD => match a.checked_rem(operand) {
                        Some(v) => v,
                        None => return 0,
                    },
                    BPF_AND => a & operand,
                    BPF_OR => a | operand,
                    BPF_XOR => a ^ operand,
                    // C leaves shifts by 32 or more undefined; x86, where libpcap runs here,
                    // masks the count to 5 bits, and so does wrapping_shl.
                    BPF_LSH => a.wrapping_shl(operand),
                    BPF_RSH => a.wrapping_shr(operand),
                    _ => return 0,
                };
            }

            // Register transfers.
            c if c == BPF_MISC | BPF_TAX => x = a,
            c if c == BPF_MISC | BPF_TXA => a = x,

            _ => return 0,
        }
    }
}

/// `x + k` as a packet offset, or None when it overflows u32 (libpcap rejects those).
fn indexed(x: u32, k: u32) -> Option<usize> {
    x.checked_add(k).map(|o| o as usize)
}

fn load_u32(data: &[u8], off: usize) -> Option<u32> {
    let bytes = data.get(off..off.checked_add(4)?)?;
    Some(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

fn load_u16(data: &[u8], off: usize) -> Option<u32> {
    let bytes = data.get(off..off.checked_add(2)?)?;
    Some(u16::from_be_bytes([bytes[0], bytes[1]]) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_bounds_load_rejects() {
        let prog = [
            Insn::stmt(BPF_LD | BPF_W | BPF_ABS, 2),
            Insn::stmt(BPF_RET | BPF_K, 96),
        ];
        assert_eq!(run(&prog, &[0; 5], 5), 0);
        assert_eq!(run(&prog, &[0; 6], 6), 96);
    }

    #[test]
    fn division_by_zero_rejects() {
        let prog = [
            Insn::stmt(BPF_LD | BPF_IMM, 7),
            Insn::stmt(BPF_ALU | BPF_DIV | BPF_X, 0),
            Insn::stmt(BPF_RET | BPF_K, 1),
        ];
        assert_eq!(run(&prog, &[], 0), 0);
    }

    #[test]
    fn falling_off_the_end_rejects() {
        let prog = [Insn::stmt(BPF_LD | BPF_IMM, 7)];
        assert_eq!(run(&prog, &[], 0), 0);
    }
}
