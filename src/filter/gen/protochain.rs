//! `protochain N`: the protocol N anywhere in the IPv4/IPv6 header chain.
//!
//! libpcap 1.10.3 compiles this to a loop: starting from the IP protocol (or IPv6 next
//! header) field, it steps over IPv6 extension headers (hop-by-hop 0, destination options
//! 60, routing 43, fragment 44) and AH (51) until it meets N, "no next header" (59) or
//! anything else, and then tests the last protocol against N. The loop goes back with a
//! `ja` whose offset wraps around (libpcap's `bpf_filter` adds it sign-extended), so the
//! program cannot be optimised: like libpcap, a program using `protochain` is emitted
//! unoptimised even at optimize 1 ([`Gen::no_optimize`]).
//!
//! The walk is emitted exactly as libpcap emits it, quirks included, so that every packet
//! gets libpcap's verdict: the AH step sets X to the AH length in 4-byte words plus 2
//! times 4 (not added to the current offset), and the `st`/`ld` scratch word holds the next
//! header across the step. A packet whose AH headers make the walk cycle makes libpcap's
//! `bpf_filter` loop forever; our interpreter gives up after a bounded number of backward
//! jumps and rejects it. The whole walk lives in the statements of one block: its jumps stay
//! inside it and leave it only at its end, the final test against N, so the layout of the
//! rest of the graph is untouched.
//!
//! Variable-length link headers (802.11, pflog, the radio headers) keep the payload offset
//! in X, which the walk needs for itself: libpcap refuses them, and so do we.

use super::link::{ethertype, Base};
use super::Gen;
use crate::bpf::insn::*;
use crate::bpf::Insn;
use crate::filter::ast::Proto;
use crate::filter::cfg::Frag;

const NEXTHDR_HOP: u32 = 0;
const NEXTHDR_ROUTING: u32 = 43;
const NEXTHDR_FRAGMENT: u32 = 44;
const NEXTHDR_AH: u32 = 51;
const NEXTHDR_NONE: u32 = 59;
const NEXTHDR_DSTOPTS: u32 = 60;

/// A jump within the walk: targets are indices into the walk's statements, where the index
/// just past the last statement is the final test.
enum Step {
    Insn(Insn),
    /// `jeq #k`, true to `jt`, false to `jf` (absolute indices).
    Jeq {
        k: u32,
        jt: usize,
        jf: usize,
    },
    /// `ja` to an absolute index (backwards for the loop).
    Ja(usize),
}

fn stmt(code: u16, k: u32) -> Step {
    Step::Insn(Insn::stmt(code, k))
}

/// Resolves the absolute targets of `steps` to BPF's relative offsets.
fn assemble(steps: Vec<Step>) -> Vec<Insn> {
    steps
        .into_iter()
        .enumerate()
        .map(|(i, s)| match s {
            Step::Insn(insn) => insn,
            Step::Jeq { k, jt, jf } => Insn::jump(
                BPF_JMP | BPF_JEQ | BPF_K,
                k,
                (jt - i - 1) as u8,
                (jf - i - 1) as u8,
            ),
            // The offset wraps around for a backward jump, as in libpcap's code.
            Step::Ja(t) => Insn::stmt(BPF_JMP | BPF_JA, (t as u32).wrapping_sub(i as u32 + 1)),
        })
        .collect()
}

impl Gen {
    /// `[ip|ip6] protochain v`.
    pub fn protochain(&mut self, p: Proto, v: u32) -> Result<Frag, String> {
        // libpcap takes a scratch word before looking at the qualifier, and the default
        // case (IPv4 or IPv6) never gives its word back: the numbering of later words and
        // the point where 16 run out follow from that.
        let reg = self.alloc_reg_pub()?;
        let v6 = match p {
            Proto::Ip => false,
            Proto::Ip6 => true,
            Proto::Default => {
                let a = self.protochain(Proto::Ip, v)?;
                let b = self.protochain(Proto::Ip6, v)?;
                return Ok(self.g.or(a, b));
            }
            _ => return Err("bad protocol applied for 'protochain'".into()),
        };
        if self.link.pl_base != Base::Packet {
            return Err("'protochain' not supported with variable length headers".into());
        }
        self.no_optimize = true;
        let lt = self.linktype(if v6 { ethertype::IPV6 } else { ethertype::IP })?;
        let walk = self.protochain_walk(v6, v, reg);
        self.free_reg(reg);
        let test = self.g.eq(walk, v);
        Ok(self.g.and(lt, test))
    }

    /// The walk over the header chain, ending with A = the last protocol met.
    fn protochain_walk(&self, v6: bool, v: u32, reg: u32) -> Vec<Insn> {
        let nl = self.nl();
        let ldb_x = |off: u32| stmt(BPF_LD | BPF_B | BPF_IND, nl.wrapping_add(off));
        let mut s = Vec::new();
        if v6 {
            s.push(stmt(BPF_LD | BPF_B | BPF_ABS, nl.wrapping_add(6)));
            s.push(stmt(BPF_LDX | BPF_IMM, 40));
        } else {
            s.push(stmt(BPF_LD | BPF_B | BPF_ABS, nl.wrapping_add(9)));
            s.push(Step::Insn(self.ldx_iphdrlen()));
        }
        // Layout (indices): the loop head at 2; for IPv6 the extension-header tests, then
        // their step (9 statements ending in `ja`); the AH test and step (12 statements
        // ending in `ja`); then `add #0`, the end of the walk.
        let head = 2;
        let ext_tests = if v6 { 4 } else { 1 };
        let ext_step = head + 2 + ext_tests;
        let ext_len = if v6 { 9 } else { 0 };
        let ah_test = ext_step + ext_len;
        let ah_step = ah_test + 1;
        let end = ah_step + 12;
        s.push(Step::Jeq {
            k: v,
            jt: end,
            jf: head + 1,
        });
        s.push(Step::Jeq {
            k: NEXTHDR_NONE,
            jt: end,
            jf: head + 2,
        });
        if v6 {
            let kinds = [
                NEXTHDR_HOP,
                NEXTHDR_DSTOPTS,
                NEXTHDR_ROUTING,
                NEXTHDR_FRAGMENT,
            ];
            for (i, k) in kinds.into_iter().enumerate() {
                let next = if i + 1 == kinds.len() {
                    ah_test
                } else {
                    s.len() + 1
                };
                s.push(Step::Jeq {
                    k,
                    jt: ext_step,
                    jf: next,
                });
            }
            // Next header from the extension header's first byte; X += (length + 1) * 8.
            s.push(ldb_x(0));
            s.push(stmt(BPF_ST, reg));
            s.push(ldb_x(1));
            s.push(stmt(BPF_ALU | BPF_ADD | BPF_K, 1));
            s.push(stmt(BPF_ALU | BPF_MUL | BPF_K, 8));
            s.push(stmt(BPF_ALU | BPF_ADD | BPF_X, 0));
            s.push(stmt(BPF_MISC | BPF_TAX, 0));
            s.push(stmt(BPF_LD | BPF_MEM, reg));
            s.push(Step::Ja(head));
        } else {
            s.push(stmt(BPF_ALU | BPF_ADD | BPF_K, 0));
        }
        debug_assert_eq!(s.len(), ah_test);
        s.push(Step::Jeq {
            k: NEXTHDR_AH,
            jt: ah_step,
            jf: end,
        });
        // AH: next header from its first byte; X = (its length field + 2) * 4.
        s.push(stmt(BPF_MISC | BPF_TXA, 0));
        s.push(ldb_x(0));
        s.push(stmt(BPF_ST, reg));
        s.push(stmt(BPF_MISC | BPF_TXA, 0));
        s.push(stmt(BPF_ALU | BPF_ADD | BPF_K, 1));
        s.push(stmt(BPF_MISC | BPF_TAX, 0));
        s.push(ldb_x(0));
        s.push(stmt(BPF_ALU | BPF_ADD | BPF_K, 2));
        s.push(stmt(BPF_ALU | BPF_MUL | BPF_K, 4));
        s.push(stmt(BPF_MISC | BPF_TAX, 0));
        s.push(stmt(BPF_LD | BPF_MEM, reg));
        s.push(Step::Ja(head));
        debug_assert_eq!(s.len(), end);
        s.push(stmt(BPF_ALU | BPF_ADD | BPF_K, 0));
        assemble(s)
    }
}

#[cfg(test)]
mod tests {
    use crate::filter::{compile, Target};

    fn target(linktype: i32) -> Target {
        Target {
            linktype,
            snaplen: 262144,
            netmask: 0,
            savefile: None,
        }
    }

    /// An Ethernet frame carrying IPv6 with the given extension headers (next header,
    /// length in 8-byte units) before a final protocol.
    fn ip6_frame(chain: &[(u8, u8)], last: u8) -> Vec<u8> {
        let mut p = vec![0u8; 12];
        p.extend_from_slice(&[0x86, 0xdd]);
        let mut ip6 = vec![0u8; 40];
        ip6[0] = 0x60;
        ip6[6] = chain.first().map_or(last, |c| c.0);
        p.extend_from_slice(&ip6);
        for (i, &(_, len)) in chain.iter().enumerate() {
            let next = chain.get(i + 1).map_or(last, |c| c.0);
            let mut h = vec![0u8; (len as usize + 1) * 8];
            h[0] = next;
            h[1] = len;
            p.extend_from_slice(&h);
        }
        p.extend_from_slice(&[0; 20]);
        p
    }

    #[test]
    fn walks_ipv6_extension_headers() {
        let prog = compile("ip6 protochain 6", target(1), true).expect("compiles");
        let run = |p: &[u8]| prog.run(p, p.len() as u32);
        assert_ne!(run(&ip6_frame(&[(0, 0), (60, 1), (43, 0)], 6)), 0);
        assert_eq!(run(&ip6_frame(&[(0, 0), (60, 1)], 17)), 0);
        assert_ne!(run(&ip6_frame(&[], 6)), 0);
        // Truncated inside the chain: the walk's load fails and the packet is rejected.
        let p = ip6_frame(&[(0, 0), (60, 1)], 6);
        assert_eq!(prog.run(&p[..60], p.len() as u32), 0);
    }

    #[test]
    fn refused_where_libpcap_refuses() {
        for (dlt, text, msg) in [
            (
                105,
                "protochain 6",
                "'protochain' not supported with variable length headers",
            ),
            (
                1,
                "tcp protochain 6",
                "bad protocol applied for 'protochain'",
            ),
            (
                1,
                "protochain 1.2.3.4",
                "'protochain' modifier applied to ip host",
            ),
        ] {
            assert_eq!(compile(text, target(dlt), false).unwrap_err(), msg);
        }
        let many = vec!["protochain 6"; 16].join(" and ");
        assert_eq!(
            compile(&many, target(1), false).unwrap_err(),
            "too many registers needed to evaluate expression"
        );
        let fifteen = vec!["protochain 6"; 15].join(" and ");
        assert!(compile(&fifteen, target(1), false).is_ok());
    }
}
