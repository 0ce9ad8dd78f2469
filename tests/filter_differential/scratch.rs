//! Programs that read scratch memory no path has written yet. libpcap's `bpf_filter` leaves
//! scratch memory uninitialised, so such a program's verdicts depend on whatever was on the
//! stack: differential tests must not compare them. libpcap 1.10.3 generates such code after
//! `geneve` on paths where the tunnel's code did not run, for `geneve` on link types whose
//! payload offset is computed at run time, and for `pppoes` behind a radio header (its
//! prologue and tunnel code fill the scratch words current at the end of the expression, not
//! the ones earlier code reads); oxpcap generates the same code and reads zeros.

use pcap::bpf::insn::*;
use pcap::bpf::Insn;

/// Whether some path through `prog` (whose jumps all go forward) loads a scratch word before
/// any store to it.
pub fn reads_unset_scratch(prog: &[Insn]) -> bool {
    // Words certainly written on every path reaching each instruction (jumps go forward).
    let mut written: Vec<Option<u16>> = vec![None; prog.len() + 1];
    written[0] = Some(0);
    let merge = |w: &mut Vec<Option<u16>>, at: usize, set: u16| {
        if at < w.len() {
            w[at] = Some(w[at].map_or(set, |s| s & set));
        }
    };
    for (pc, insn) in prog.iter().enumerate() {
        let Some(mut set) = written[pc] else {
            continue;
        };
        let class = insn.code & 0x07;
        let mode = insn.code & 0xe0;
        if (class == BPF_LD || class == BPF_LDX) && mode == BPF_MEM && set & (1 << insn.k) == 0 {
            return true;
        }
        if class == BPF_ST || class == BPF_STX {
            set |= 1 << insn.k;
        }
        if class == BPF_JMP {
            if insn.code & 0xf0 == BPF_JA {
                merge(&mut written, pc + 1 + insn.k as usize, set);
            } else {
                merge(&mut written, pc + 1 + insn.jt as usize, set);
                merge(&mut written, pc + 1 + insn.jf as usize, set);
            }
        } else if class != BPF_RET {
            merge(&mut written, pc + 1, set);
        }
    }
    false
}
