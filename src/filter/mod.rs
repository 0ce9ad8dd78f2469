//! The pcap-filter language compiled to classic BPF.
//!
//! Pipeline: [`lex`] (text -> tokens) -> [`parse`] (tokens -> primitives, [`ast`]) ->
//! [`gen`] (primitives -> [`cfg`] graph, one module per protocol family) -> [`opt`]
//! (graph -> smaller graph) -> [`emit`] (graph -> instructions). [`compile`] runs it; it
//! keeps no state between calls, so any number of threads may compile at once.
//!
//! Errors are libpcap 1.10.3's messages, reported in the order its parser meets them.

pub mod ast;
pub mod cfg;
pub mod emit;
pub mod gen;
pub mod lex;
pub mod opt;
pub mod parse;

use crate::bpf::insn::*;
use crate::bpf::{Insn, Program};
pub use gen::vlan::VlanTags;

/// The longest expression accepted (bytes); libpcap has no such limit, but anything longer
/// than this would compile to more than the kernel's 4096 instructions anyway... except for
/// long host lists, so the bound is generous.
pub const MAX_TEXT: usize = 1 << 20;

/// Stack reserved for parsing deeply nested input.
const DEEP_STACK: usize = 256 << 20;
/// Nesting below which the caller's stack is certainly enough.
const SHALLOW: usize = 200;

/// What `pcap_compile` needs to know about the handle.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    pub linktype: i32,
    pub snaplen: u32,
    pub netmask: u32,
    /// `Some(swapped)` when the handle reads a savefile: a BSD loopback header there may
    /// come from any system, in the byte order of the machine that wrote the file.
    pub savefile: Option<bool>,
}

/// Compiles `text` for a link type; `Err` holds libpcap's message. VLAN tags are looked
/// for in the packet (a dead or savefile handle); see [`compile_for`].
pub fn compile(text: &str, target: Target, optimize: bool) -> Result<Program, String> {
    compile_for(text, target, VlanTags::InPacket, optimize)
}

/// Compiles `text` for a handle whose capture presents VLAN tags as `vlan_tags` says
/// (libpcap's live Linux handles: [`VlanTags::Ancillary`]).
pub fn compile_for(
    text: &str,
    target: Target,
    vlan_tags: VlanTags,
    optimize: bool,
) -> Result<Program, String> {
    if text.len() > MAX_TEXT {
        return Err("expression too long".to_string());
    }
    let (toks, lex_err) = lex::tokenize(text);
    if parse::nesting(&toks) < SHALLOW {
        return compile_tokens(&toks, lex_err, target, vlan_tags, optimize);
    }
    // Deep nesting: parse on a thread whose stack is sized for the parser's depth bound.
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(DEEP_STACK)
            .spawn_scoped(s, || {
                compile_tokens(&toks, lex_err.clone(), target, vlan_tags, optimize)
            })
            .map_err(|e| format!("can't compile filter: {e}"))?
            .join()
            .unwrap_or_else(|_| Err("can't compile filter: internal error".to_string()))
    })
}

fn compile_tokens(
    toks: &[lex::Spanned],
    lex_err: Option<String>,
    target: Target,
    vlan_tags: VlanTags,
    optimize: bool,
) -> Result<Program, String> {
    let mut g = gen::Gen::new(target.linktype, target.netmask)?;
    g.savefile = target.savefile;
    g.vlan.tags = vlan_tags;
    let mut parser = parse::Parser::new(toks, &mut g);
    let result = parser.program_keep_pos();
    let frag = match (result, lex_err) {
        (Ok(_), Some(e)) => return Err(e),
        (Err((msg, at_end)), Some(e)) if msg == lex::SYNTAX && at_end => return Err(e),
        (Err((msg, _)), _) => return Err(msg),
        (Ok(f), None) => f,
    };
    let Some(frag) = frag else {
        return Ok(Program::new(vec![Insn::stmt(
            BPF_RET | BPF_K,
            target.snaplen,
        )]));
    };
    let mut entry = g.finish(&frag);
    // libpcap skips the optimizer for code it cannot handle (`protochain`'s loop).
    let optimize = optimize && !g.no_optimize;
    if optimize {
        entry = opt::optimize(&mut g.g, entry);
    }
    let insns = if optimize {
        emit::emit_compact(&g.g, entry, target.snaplen)
    } else {
        emit::emit(&g.g, entry, target.snaplen)
    };
    // libpcap refuses a program its optimizer reduced to a lone `ret #0`. Ours may keep loads
    // in front (they may fault, which rejects too), so straight-line code ending in `ret #0`
    // counts; code that still branches does not (libpcap's optimizer keeps such code too,
    // e.g. behind 802.11's run-time payload offset).
    let rejects_all = insns.iter().all(|i| {
        let class = i.code & 0x07;
        class != BPF_JMP && (class != BPF_RET || (i.code == BPF_RET | BPF_K && i.k == 0))
    });
    if optimize && rejects_all {
        return Err("expression rejects all packets".to_string());
    }
    Ok(Program::new(insns))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eth() -> Target {
        Target {
            linktype: 1,
            snaplen: 262144,
            netmask: 0xffff_ff00,
            savefile: None,
        }
    }

    #[test]
    fn deep_nesting_is_refused_like_libpcap_without_overflowing_the_stack() {
        let ok = format!("{}tcp{}", "(".repeat(5000), ")".repeat(5000));
        assert!(compile(&ok, eth(), false).is_ok());
        let deep = format!("{}tcp{}", "(".repeat(20000), ")".repeat(20000));
        assert_eq!(
            compile(&deep, eth(), false).unwrap_err(),
            "can't parse filter expression: memory exhausted"
        );
        let nots = format!("{}tcp", "not ".repeat(20000));
        assert!(compile(&nots, eth(), false).is_err());
    }

    #[test]
    fn long_chains_compile_in_linear_time() {
        let chain = vec!["tcp"; 20000].join(" or ");
        let t = std::time::Instant::now();
        let p = compile(&chain, eth(), false).expect("compiles");
        assert!(p.insns().len() > 20000);
        // Generous bound: quadratic behaviour would take minutes.
        assert!(t.elapsed().as_secs() < 20);
    }

    #[test]
    fn two_threads_compile_at_once_with_equal_results() {
        let exprs = [
            "host 10.1.2.3 and tcp port 80",
            "ip6 and udp",
            "vlan 5 and icmp",
        ];
        let handles: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(move || {
                    exprs
                        .iter()
                        .map(|e| compile(e, eth(), false).expect("compiles"))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let results: Vec<_> = handles
            .into_iter()
            .map(|h| h.join().expect("no panic"))
            .collect();
        for r in &results[1..] {
            assert_eq!(r, &results[0]);
        }
    }

    #[test]
    fn hostile_bytes_never_panic() {
        for text in [
            "\u{0}",
            "ip[",
            "ip[1:",
            "((((",
            "$",
            "\\",
            "1:2:3:4:5:6:7:8:9:a",
            "0x",
            "-",
            "!!!!",
        ] {
            let _ = compile(text, eth(), false);
            let _ = compile(text, eth(), true);
        }
    }
}
