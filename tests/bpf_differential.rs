//! Our BPF machine against the system libpcap 1.10.3: `bpf_filter`, `bpf_validate`,
//! `bpf_image`, `bpf_dump`, `pcap_offline_filter`, with zero differences allowed.
//!
//! Programs come from two places:
//! - the system libpcap's own compiler, on every case of `../shared/corpus/filters.tsv` it
//!   compiles (`pcap_open_dead(dlt, snaplen)`, the case's netmask, optimize 0 and 1); each is
//!   run by both libraries over every corpus packet of its link type, and over truncated
//!   (caplen cut short) and mutated (seeded byte flips) copies of them;
//! - a seeded generator: arbitrary programs (valid or not) for `bpf_validate` and `bpf_image`
//!   of any opcode, and runnable programs (valid, made of the opcodes libpcap implements, every
//!   scratch slot written first since libpcap's start uninitialised) over random packets.
//!
//! Host-name cases need the corpus's /etc files: as root the test re-runs itself in a private
//! mount namespace with them overlaid on /etc. It prints its counts; differences are listed
//! in target/bpf-differential.txt.

#[path = "common/bpf_oracle.rs"]
mod bpf_oracle;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use bpf_oracle::{capture_stdout, Packet, SystemLibpcap};
use pcap::bpf::{image, validate, Insn, Program};
use pcap::ffi::{bpf_program, pcap_pkthdr};

const TEST_NAME: &str = "bpf_matches_system_libpcap";
const NS_MARK: &str = "OXPCAP_BPF_NS";
const DEFAULT_SNAPLEN: i32 = 262144;
/// Mutated copies made of each corpus packet.
const MUTATED_COPIES: usize = 6;

/// A seeded xorshift generator: the same inputs on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn u32(&mut self) -> u32 {
        self.next() as u32
    }
}

/// Differences found, kept for the report (the first few hundred in full).
#[derive(Default)]
struct Diffs {
    count: AtomicU64,
    lines: Mutex<Vec<String>>,
}

impl Diffs {
    fn add(&self, line: String) {
        if self.count.fetch_add(1, Ordering::Relaxed) < 300 {
            self.lines.lock().unwrap().push(line);
        }
    }
}

fn corpus_dir() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    d.join("filters.tsv").exists().then_some(d)
}

#[test]
fn bpf_matches_system_libpcap() {
    let Some(dir) = corpus_dir() else {
        println!("skipped: ../shared/corpus is absent");
        return;
    };
    let Some(sys) = SystemLibpcap::load() else {
        println!("skipped: the system libpcap (libpcap.so.0.8) is not installed");
        return;
    };
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    if root && std::env::var_os(NS_MARK).is_none() {
        if let Some(code) = rerun_with_corpus_etc(&dir) {
            assert_eq!(code, 0, "the run in the private mount namespace failed");
            return;
        }
        println!("note: no private mount namespace; host-name cases see the real /etc");
    }
    let started = Instant::now();
    let diffs = Diffs::default();

    let packets = corpus_packets(&sys, &dir.join("pcaps"));
    let variants: BTreeMap<i32, Vec<Packet>> = packets
        .iter()
        .map(|(&dlt, list)| (dlt, variants_of(list, dlt as u64)))
        .collect();
    let (cases, compiled, programs) = corpus_programs(&sys, &dir);
    println!(
        "corpus: {} packets in {} link types ({} truncated/mutated copies); {} cases, {} \
         compiled by libpcap at optimize 0/1, {} distinct programs",
        packets.values().map(Vec::len).sum::<usize>(),
        packets.len(),
        variants.values().map(Vec::len).sum::<usize>(),
        cases,
        compiled,
        programs.len()
    );

    let mut text_checks = 0u64;
    for (_, prog) in &programs {
        text_checks += compare_text(&sys, prog, &diffs);
    }
    let verdicts = AtomicU64::new(0);
    let work = Mutex::new(programs.iter());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let Some((dlt, prog)) = work.lock().unwrap().next() else {
                    break;
                };
                let ours = Program::new(prog.clone());
                let real = packets.get(dlt).map_or(&[][..], Vec::as_slice);
                let copies = variants.get(dlt).map_or(&[][..], Vec::as_slice);
                let n = compare_verdicts(&sys, prog, &ours, real, true, &diffs)
                    + compare_verdicts(&sys, prog, &ours, copies, true, &diffs);
                verdicts.fetch_add(n, Ordering::Relaxed);
            });
        }
    });
    let corpus_progs: Vec<Vec<Insn>> = programs.iter().map(|(_, p)| p.clone()).collect();
    let dumps = compare_dumps(&sys, &corpus_progs, &diffs);
    println!(
        "corpus programs: {} verdict comparisons, {} validate/image checks, {} bpf_dump \
         levels x {} programs",
        verdicts.load(Ordering::Relaxed),
        text_checks,
        dumps,
        corpus_progs.len()
    );

    let (arbitrary, arbitrary_checks) = random_arbitrary(&sys, &diffs);
    let (runnable, random_verdicts) = random_runnable(&sys, &diffs);
    println!(
        "random programs: {arbitrary} arbitrary ({arbitrary_checks} validate/image checks), \
         {runnable} runnable ({random_verdicts} verdict comparisons)"
    );
    let total = diffs.count.load(Ordering::Relaxed);
    println!(
        "bpf differential: {total} differences in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    if total > 0 {
        let report = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bpf-differential.txt");
        let lines = diffs.lines.lock().unwrap();
        let _ = std::fs::write(&report, lines.join("\n"));
        panic!(
            "{total} differences from the system libpcap, first: {}\n(all in {})",
            lines[0],
            report.display()
        );
    }
}

/// Re-runs this test under `unshare -m` with the corpus's hosts/ethers/networks and an empty
/// resolv.conf overlaid on /etc; None when that can't be set up here.
fn rerun_with_corpus_etc(dir: &Path) -> Option<i32> {
    let etc = dir.join("etc").canonicalize().ok()?;
    let empty = std::env::temp_dir().join(format!("oxpcap-bpf-etc-{}", std::process::id()));
    std::fs::create_dir_all(&empty).ok()?;
    std::fs::write(empty.join("resolv.conf"), "").ok()?;
    let script = format!(
        "mount -t overlay overlay -o lowerdir={}:{}:/etc /etc || exit 97; exec \"$0\" \"$@\"",
        empty.display(),
        etc.display()
    );
    let status = Command::new("unshare")
        .args(["-m", "sh", "-c", &script])
        .arg(std::env::current_exe().ok()?)
        .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
        .env(NS_MARK, "1")
        .status();
    let _ = std::fs::remove_dir_all(&empty);
    match status.ok()?.code() {
        Some(97) | None => None,
        Some(code) => Some(code),
    }
}

/// Every packet of every corpus savefile libpcap can read, by link type.
fn corpus_packets(sys: &SystemLibpcap, root: &Path) -> BTreeMap<i32, Vec<Packet>> {
    let mut files = Vec::new();
    collect_files(root, &mut files);
    let mut by_dlt: BTreeMap<i32, Vec<Packet>> = BTreeMap::new();
    for f in files {
        if let Some((dlt, packets)) = sys.read_savefile(&f) {
            by_dlt.entry(dlt).or_default().extend(packets);
        }
    }
    by_dlt
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Truncated copies (caplen cut at 0, 1, a quarter, a half, one short) and mutated copies
/// (one to four bytes flipped, mostly in the first 64) of each packet.
fn variants_of(packets: &[Packet], seed: u64) -> Vec<Packet> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ seed.wrapping_mul(0x2545_f491_4f6c_dd1d));
    let mut out = Vec::new();
    for p in packets {
        let len = p.data.len();
        let mut cuts = vec![0, 1, len / 4, len / 2, len.saturating_sub(1)];
        cuts.sort_unstable();
        cuts.dedup();
        for cut in cuts.into_iter().filter(|&c| c < len) {
            out.push(Packet {
                wire_len: p.wire_len,
                data: p.data[..cut].to_vec(),
            });
        }
        if len == 0 {
            continue;
        }
        for _ in 0..MUTATED_COPIES {
            let mut data = p.data.clone();
            for _ in 0..1 + rng.below(4) {
                let span = if rng.below(4) == 0 { len } else { len.min(64) };
                let at = rng.below(span as u64) as usize;
                data[at] ^= 1 + rng.below(255) as u8;
            }
            out.push(Packet {
                wire_len: p.wire_len,
                data,
            });
        }
    }
    out
}

/// Compiles every corpus case with the system libpcap at optimize 0 and 1: the number of
/// cases, of successful compilations, and the distinct (link type, program) pairs.
fn corpus_programs(sys: &SystemLibpcap, dir: &Path) -> (usize, usize, Vec<(i32, Vec<Insn>)>) {
    let text = std::fs::read_to_string(dir.join("filters.tsv")).expect("filters.tsv");
    let mut seen = HashSet::new();
    let mut programs = Vec::new();
    let (mut cases, mut compiled) = (0, 0);
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 7 {
            continue;
        }
        let (Ok(dlt), Ok(snaplen), Ok(netmask)) = (
            f[2].parse::<i32>(),
            f[3].parse::<i32>(),
            f[4].parse::<u32>(),
        ) else {
            continue;
        };
        let snaplen = if snaplen == 0 {
            DEFAULT_SNAPLEN
        } else {
            snaplen
        };
        cases += 1;
        for optimize in [false, true] {
            if let Some(prog) = sys.compile(dlt, snaplen, f[5], optimize, netmask) {
                compiled += 1;
                if seen.insert((dlt, prog.clone())) {
                    programs.push((dlt, prog));
                }
            }
        }
    }
    (cases, compiled, programs)
}

/// bpf_validate and bpf_image (ours in Rust and through our C entry points) on one program;
/// returns the number of checks.
fn compare_text(sys: &SystemLibpcap, prog: &[Insn], diffs: &Diffs) -> u64 {
    let mut checks = 1;
    let theirs = sys.validate(prog);
    // SAFETY: prog is a live slice of that length.
    let ours_c = unsafe { pcap::ffi::filter::bpf_validate(prog.as_ptr(), prog.len() as i32) };
    if validate::is_valid(prog) != theirs || (ours_c != 0) != theirs {
        diffs.add(format!(
            "bpf_validate {prog:?}: libpcap {theirs}, ours {ours_c}"
        ));
    }
    for (n, insn) in prog.iter().enumerate() {
        checks += 1;
        compare_image(sys, insn, n as i32, diffs);
    }
    checks
}

fn compare_image(sys: &SystemLibpcap, insn: &Insn, n: i32, diffs: &Diffs) {
    let theirs = sys.image(insn, n);
    let ours = image::image(insn, n);
    // SAFETY: insn is a live instruction; the result is our static NUL-terminated buffer.
    let ours_c = unsafe { std::ffi::CStr::from_ptr(pcap::ffi::filter::bpf_image(insn, n)) };
    if ours != theirs || ours_c.to_bytes() != theirs.as_bytes() {
        diffs.add(format!(
            "bpf_image {insn:?} at {n}: libpcap {theirs:?}, ours {ours:?}"
        ));
    }
}

/// Verdicts of libpcap's `bpf_filter` against our `Program::run` and, with the C entry
/// points, our C `bpf_filter` and both `pcap_offline_filter`s; returns the number of
/// comparisons.
fn compare_verdicts(
    sys: &SystemLibpcap,
    prog: &[Insn],
    ours: &Program,
    packets: &[Packet],
    with_c_entry_points: bool,
    diffs: &Diffs,
) -> u64 {
    for p in packets {
        let theirs = sys.filter(prog, &p.data, p.wire_len);
        let fast = ours.run(&p.data, p.wire_len);
        let mut same = fast == theirs;
        if with_c_entry_points {
            let buflen = p.data.len() as u32;
            // SAFETY: a valid program libpcap itself ran; the packet is a live slice.
            let c = unsafe {
                pcap::ffi::filter::bpf_filter(prog.as_ptr(), p.data.as_ptr(), p.wire_len, buflen)
            };
            let fp = bpf_program {
                bf_len: prog.len() as u32,
                bf_insns: prog.as_ptr() as *mut Insn,
            };
            let hdr = pcap_pkthdr {
                caplen: buflen,
                len: p.wire_len,
                ..pcap_pkthdr::default()
            };
            // SAFETY: fp and hdr describe live memory.
            let offline =
                unsafe { pcap::ffi::filter::pcap_offline_filter(&fp, &hdr, p.data.as_ptr()) };
            same &= c == theirs && offline == sys.offline_filter(prog, &p.data, p.wire_len);
        }
        if !same {
            diffs.add(format!(
                "verdict: libpcap {theirs}, ours {fast} on a {}-byte packet (wire {}) {:02x?} \
                 with {prog:?}",
                p.data.len(),
                p.wire_len,
                p.data
            ));
        }
    }
    packets.len() as u64 * if with_c_entry_points { 3 } else { 1 }
}

/// bpf_dump of all programs at levels -1 to 4, printed by each library on stdout; returns
/// the number of levels compared.
fn compare_dumps(sys: &SystemLibpcap, progs: &[Vec<Insn>], diffs: &Diffs) -> u64 {
    let levels = -1..=4;
    for level in levels.clone() {
        let theirs = sys.dump_text(progs, level);
        let ours = capture_stdout(|| {
            for prog in progs {
                let fp = bpf_program {
                    bf_len: prog.len() as u32,
                    bf_insns: prog.as_ptr() as *mut Insn,
                };
                // SAFETY: fp describes a live program.
                unsafe { pcap::ffi::filter::bpf_dump(&fp, level) };
            }
        });
        if theirs != ours || theirs.is_empty() {
            let first = theirs
                .split(|&b| b == b'\n')
                .zip(ours.split(|&b| b == b'\n'))
                .find(|(a, b)| a != b);
            diffs.add(format!(
                "bpf_dump level {level}: {} vs {} bytes; first different line {:?}",
                theirs.len(),
                ours.len(),
                first.map(|(a, b)| (
                    String::from_utf8_lossy(a).into_owned(),
                    String::from_utf8_lossy(b).into_owned()
                ))
            ));
        }
    }
    levels.count() as u64
}

/// The opcodes libpcap's interpreter implements (measured: every other one aborts).
const RUNNABLE: [u16; 48] = [
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0c, 0x14, 0x15, 0x16, 0x1c, 0x1d, 0x20, 0x24,
    0x25, 0x28, 0x2c, 0x2d, 0x30, 0x34, 0x35, 0x3c, 0x3d, 0x40, 0x44, 0x45, 0x48, 0x4c, 0x4d, 0x50,
    0x54, 0x5c, 0x60, 0x61, 0x64, 0x6c, 0x74, 0x7c, 0x80, 0x81, 0x84, 0x87, 0x94, 0x9c, 0xa4, 0xac,
];

/// A constant that is sometimes small, sometimes special, sometimes anything.
fn random_k(rng: &mut Rng) -> u32 {
    match rng.below(6) {
        0 => rng.u32(),
        1 => 0xffff_f000 + rng.below(0x50) as u32,
        2 => u32::MAX - rng.below(4) as u32,
        3 => rng.below(40) as u32,
        _ => rng.below(100) as u32,
    }
}

/// Arbitrary programs, valid or not: bpf_validate and bpf_image must agree on each.
fn random_arbitrary(sys: &SystemLibpcap, diffs: &Diffs) -> (u64, u64) {
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let mut checks = 0;
    let programs = 200_000;
    for _ in 0..programs {
        let len = rng.below(12) as usize;
        let prog: Vec<Insn> = (0..len)
            .map(|_| {
                let code = match rng.below(4) {
                    0 => rng.next() as u16,
                    1 => rng.next() as u8 as u16,
                    _ => RUNNABLE[rng.below(RUNNABLE.len() as u64) as usize],
                };
                let code = if rng.below(20) == 0 { 0xb1 } else { code };
                let small = |r: &mut Rng| {
                    if r.below(2) == 0 {
                        r.below(4) as u8
                    } else {
                        r.next() as u8
                    }
                };
                Insn::jump(code, random_k(&mut rng), small(&mut rng), small(&mut rng))
            })
            .collect();
        // Mostly end with a return, so that the other rules decide.
        let mut prog = prog;
        if rng.below(4) != 0 {
            if let Some(last) = prog.last_mut() {
                last.code = 0x06 | (last.code & 0xfff8);
            }
        }
        checks += compare_text(sys, &prog, diffs);
        let n = rng.u32() as i32 >> (rng.below(32) as u32);
        if let Some(insn) = prog.first() {
            compare_image(sys, insn, n, diffs);
            checks += 1;
        }
    }
    (programs, checks)
}

/// Programs libpcap can run, over random packets: every scratch slot is written first,
/// jumps go forward inside the program, constant divisors are non-zero.
fn random_runnable(sys: &SystemLibpcap, diffs: &Diffs) -> (u64, u64) {
    let mut rng = Rng(0xfeed_f00d_dead_beef);
    let programs = 100_000;
    let mut verdicts = 0;
    for _ in 0..programs {
        let mut prog: Vec<Insn> = (0..16).map(|i| Insn::stmt(0x02, i)).collect();
        let body = 1 + rng.below(24) as usize;
        let len = prog.len() + body + 1;
        while prog.len() < len - 1 {
            let at = prog.len();
            let code = RUNNABLE[rng.below(RUNNABLE.len() as u64) as usize];
            let mut k = random_k(&mut rng);
            let room = (len - at - 2) as u64;
            let mut jt = rng.below(room.min(255) + 1) as u8;
            let mut jf = rng.below(room.min(255) + 1) as u8;
            match code {
                0x02 | 0x03 | 0x60 | 0x61 => k %= 16,
                0x34 | 0x94 => k |= 1,
                0x05 => k = rng.below(room + 1) as u32,
                0x06 | 0x16 if rng.below(3) != 0 => continue,
                _ => {}
            }
            if code & 0x07 != 0x05 {
                (jt, jf) = (rng.next() as u8, rng.next() as u8);
                if code & 0x07 != 0x06 && rng.below(2) == 0 {
                    (jt, jf) = (0, 0);
                }
            }
            prog.push(Insn::jump(code, k, jt, jf));
        }
        let ret = if rng.below(2) == 0 { 0x06 } else { 0x16 };
        prog.push(Insn::stmt(ret, random_k(&mut rng)));
        assert!(
            sys.validate(&prog),
            "generator made an invalid program {prog:?}"
        );
        let ours = Program::new(prog.clone());
        let packets: Vec<Packet> = (0..16)
            .map(|_| {
                let n = rng.below(120) as usize;
                Packet {
                    wire_len: if rng.below(2) == 0 {
                        n as u32
                    } else {
                        rng.u32()
                    },
                    data: (0..n).map(|_| rng.next() as u8).collect(),
                }
            })
            .collect();
        verdicts += compare_verdicts(sys, &prog, &ours, &packets, true, diffs);
        compare_text(sys, &prog, diffs);
    }
    (programs, verdicts)
}
