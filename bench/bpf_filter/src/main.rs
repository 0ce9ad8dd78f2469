//! ns/packet of our classic-BPF interpreter against the system libpcap 1.10.3's `bpf_filter`
//! (loaded with dlopen, so both run in one process over the same bytes).
//!
//! Programs: a few typical tcpdump filters and the longest programs the corpus compiles to,
//! all compiled by the system libpcap for Ethernet at optimize 1, so both interpreters run the
//! very same instructions. Packets: every Ethernet packet of ../shared/corpus/pcaps.
//! Three of ours are measured: `Program::run` (the decoded form a `pcap_t` filters with)
//! against libpcap's `bpf_filter`, and the C entry points, which follow a bare instruction
//! pointer (no program length, nothing decoded ahead): our `bpf_filter` against libpcap's,
//! our `pcap_offline_filter` against libpcap's (each given a `struct bpf_program` and a
//! `struct pcap_pkthdr` made the same way per packet).
//! Each figure is the median of several runs of thread CPU time (the machine may be busy);
//! the verdicts of both libraries are checked to agree first.

#[path = "../../../tests/common/bpf_oracle.rs"]
mod bpf_oracle;

use std::hint::black_box;
use std::path::{Path, PathBuf};

use bpf_oracle::{Packet, SystemLibpcap};
use pcap::bpf::{Insn, Program};
use pcap::ffi::{bpf_program, pcap_pkthdr};

const DLT_EN10MB: i32 = 1;
const RUNS: usize = 9;
/// Packet filterings per run and interpreter.
const TARGET_PER_RUN: usize = 400_000;

const FILTERS: [(&str, &str); 6] = [
    ("tcp", "tcp"),
    ("host", "host 192.168.1.1"),
    ("tcp port 80", "tcp port 80"),
    (
        "syn/fin, not net",
        "tcp[tcpflags] & (tcp-syn|tcp-fin) != 0 and not src net 10.0.0.0/8",
    ),
    (
        "vlan + ipv6 udp",
        "(vlan and ip6 and udp portrange 1000-2000) or (ip6 and udp portrange 1000-2000)",
    ),
    ("20 hosts", ""),
];

fn main() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let Some(sys) = SystemLibpcap::load() else {
        println!("bench bpf_filter: skipped, the system libpcap is not installed");
        return;
    };
    let packets = ethernet_packets(&sys, &corpus.join("pcaps"));
    if packets.is_empty() {
        println!(
            "bench bpf_filter: skipped, no Ethernet packets under {}",
            corpus.display()
        );
        return;
    }
    let hosts: Vec<String> = (1..=20).map(|i| format!("host 10.1.{i}.{i}")).collect();
    let mut programs: Vec<(String, Vec<Insn>)> = FILTERS
        .iter()
        .map(|(name, expr)| {
            let expr = if expr.is_empty() {
                hosts.join(" or ")
            } else {
                expr.to_string()
            };
            let prog = sys
                .compile(DLT_EN10MB, 262144, &expr, true, 0xffff_ff00)
                .unwrap_or_else(|| panic!("libpcap does not compile {expr}"));
            (name.to_string(), prog)
        })
        .collect();
    programs.extend(longest_corpus_programs(&sys, &corpus, 2));

    let bytes: usize = packets.iter().map(|p| p.data.len()).sum();
    println!(
        "bpf_filter: ns/packet over {} Ethernet corpus packets ({} bytes on average), median of \
         {RUNS} runs",
        packets.len(),
        bytes / packets.len()
    );
    println!(
        "{:<24} {:>6} {:>8} {:>8} {:>8} {:>6} {:>8} {:>6} {:>8} {:>8} {:>6}",
        "", "", "", "bpf_filter", "", "", "", "", "offline_filter", "", ""
    );
    println!(
        "{:<24} {:>6} {:>8} {:>8} {:>8} {:>6} {:>8} {:>6} {:>8} {:>8} {:>6}",
        "program",
        "insns",
        "accept%",
        "libpcap",
        "pcap_t",
        "ratio",
        "C entry",
        "ratio",
        "libpcap",
        "ours",
        "ratio"
    );
    // OXPCAP_BENCH_ONLY=<prefix> measures only the programs whose name starts with it.
    let only = std::env::var("OXPCAP_BENCH_ONLY").unwrap_or_default();
    for (name, prog) in programs.iter().filter(|(n, _)| n.starts_with(&only)) {
        measure(&sys, name, prog, &packets);
    }
    println!("ratio = ours / libpcap (below 1: we are faster)");
}

fn measure(sys: &SystemLibpcap, name: &str, prog: &[Insn], packets: &[Packet]) {
    let ours = Program::new(prog.to_vec());
    let mut accepted = 0;
    for p in packets {
        let theirs = sys.filter(prog, &p.data, p.wire_len);
        assert_eq!(
            theirs,
            ours.run(&p.data, p.wire_len),
            "verdicts differ on {name}"
        );
        accepted += (theirs != 0) as usize;
    }
    let rounds = (TARGET_PER_RUN / packets.len()).max(1);
    let time_one = |f: &dyn Fn(&Packet) -> u32| -> f64 {
        let start = thread_cpu_ns();
        let mut sum = 0u32;
        for _ in 0..rounds {
            for p in packets {
                sum = sum.wrapping_add(f(black_box(p)));
            }
        }
        black_box(sum);
        (thread_cpu_ns() - start) as f64 / (rounds * packets.len()) as f64
    };
    // What pcap_offline_filter takes, made per packet as `SystemLibpcap::offline_filter`
    // makes it for libpcap's.
    let offline_args = |p: &Packet| {
        let fp = bpf_program {
            bf_len: prog.len() as u32,
            bf_insns: prog.as_ptr() as *mut Insn,
        };
        let hdr = pcap_pkthdr {
            caplen: p.data.len() as u32,
            len: p.wire_len,
            ..pcap_pkthdr::default()
        };
        (fp, hdr)
    };
    // All are measured in turn within each run, so that a change in the machine's load
    // affects them alike.
    let mut samples = [Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..RUNS {
        samples[0].push(time_one(&|p| sys.filter(prog, &p.data, p.wire_len)));
        samples[1].push(time_one(&|p| ours.run(&p.data, p.wire_len)));
        samples[2].push(time_one(&|p| {
            // SAFETY: a program libpcap compiled (valid); the packet is a live slice.
            unsafe {
                pcap::ffi::filter::bpf_filter(
                    prog.as_ptr(),
                    p.data.as_ptr(),
                    p.wire_len,
                    p.data.len() as u32,
                )
            }
        }));
        samples[3].push(time_one(&|p| {
            sys.offline_filter(prog, &p.data, p.wire_len) as u32
        }));
        samples[4].push(time_one(&|p| {
            let (fp, hdr) = offline_args(p);
            // SAFETY: fp and hdr describe live memory; the program is valid.
            unsafe { pcap::ffi::filter::pcap_offline_filter(&fp, &hdr, p.data.as_ptr()) as u32 }
        }));
    }
    let [libpcap, decoded, c_entry, libpcap_offline, offline] = samples.map(|mut v| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    });
    println!(
        "{:<24} {:>6} {:>7.1}% {:>8.1} {:>8.1} {:>6.2} {:>8.1} {:>6.2} {:>8.1} {:>8.1} {:>6.2}",
        name,
        prog.len(),
        100.0 * accepted as f64 / packets.len() as f64,
        libpcap,
        decoded,
        decoded / libpcap,
        c_entry,
        c_entry / libpcap,
        libpcap_offline,
        offline,
        offline / libpcap_offline
    );
    // Machine-readable lines for scripts/bench-report.sh: metric, libpcap, oxpcap, unit.
    println!("RESULT bpf_filter/{name}\t{libpcap:.1}\t{decoded:.1}\tns/packet");
    println!("RESULT bpf_filter/{name} (C entry)\t{libpcap:.1}\t{c_entry:.1}\tns/packet");
    println!(
        "RESULT bpf_filter/{name} (pcap_offline_filter)\t{libpcap_offline:.1}\t{offline:.1}\t\
         ns/packet"
    );
}

/// CPU time of this thread: unlike wall time, it does not count the time other processes
/// on a busy machine take the CPU away from the measurement.
fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid timespec to write to.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

fn ethernet_packets(sys: &SystemLibpcap, dir: &Path) -> Vec<Packet> {
    let mut files = Vec::new();
    walk(dir, &mut files);
    files
        .iter()
        .filter_map(|f| sys.read_savefile(f))
        .filter(|(dlt, _)| *dlt == DLT_EN10MB)
        .flat_map(|(_, packets)| packets)
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The `n` longest Ethernet programs of the corpus (libpcap's compiler, optimize 1).
fn longest_corpus_programs(
    sys: &SystemLibpcap,
    corpus: &Path,
    n: usize,
) -> Vec<(String, Vec<Insn>)> {
    let Ok(text) = std::fs::read_to_string(corpus.join("filters.tsv")) else {
        return Vec::new();
    };
    let mut found: Vec<(String, Vec<Insn>)> = text
        .lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 7 || f[0] != "accept" || f[2] != "1" {
                return None;
            }
            let netmask = f[4].parse().ok()?;
            let prog = sys.compile(DLT_EN10MB, 262144, f[5], true, netmask)?;
            let label: String = f[5].chars().take(20).collect();
            Some((format!("corpus: {label}"), prog))
        })
        .collect();
    found.sort_by_key(|(_, p)| std::cmp::Reverse(p.len()));
    found.dedup_by(|a, b| a.1 == b.1);
    found.truncate(n);
    found
}
