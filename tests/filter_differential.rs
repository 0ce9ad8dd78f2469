//! The filter compiler against the system libpcap 1.10.3, case by case and packet by packet.
//!
//! For every case of `../shared/corpus/filters.tsv` both compilers run at optimize 0 and 1
//! on `pcap_open_dead(dlt, snaplen)` with the case's netmask: both must accept or both
//! reject; when both reject, the messages are compared; when both accept, the verdicts of
//! the two programs (`bpf_filter` of the system library on its program, our interpreter on
//! ours) are compared on every corpus packet of that link type, on generated structured
//! packets, and on truncated and mutated copies. `apply` cases run over their own savefile.
//!
//! Host-name cases need the corpus's hosts/ethers/networks: when run as root the test
//! re-executes itself in a private mount namespace with those files overlaid on /etc (and an
//! empty resolv.conf, so unknown names fail fast). The figures are printed, and every
//! disagreement is written to target/filter-differential.txt.

#[path = "filter_differential/exprgen.rs"]
mod exprgen;
#[path = "filter_differential/packetgen.rs"]
mod packetgen;
#[path = "filter_differential/regressions.rs"]
mod regressions;
#[path = "filter_differential/scratch.rs"]
mod scratch;
#[path = "filter_differential/steer.rs"]
mod steer;
#[path = "filter_differential/syslib.rs"]
mod syslib;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use pcap::filter::{self, Target};
use syslib::{Packet, SysPcap};

const NS_MARK: &str = "OXPCAP_FILTER_NS";
const TEST_NAME: &str = "filter_corpus_matches_system_libpcap";
/// Packets taken from one savefile, and from the corpus per link type.
const PER_FILE: usize = 300;
const PER_DLT: usize = 6000;

struct Case {
    kind: String,
    dlt: i32,
    snaplen: i32,
    netmask: u32,
    expr: String,
    savefile: String,
}

fn corpus_dir() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    d.join("filters.tsv").exists().then_some(d)
}

fn load_cases(dir: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(dir.join("filters.tsv")).expect("filters.tsv");
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            if f.len() < 7 {
                return None;
            }
            let snaplen: i32 = f[3].parse().unwrap_or(0);
            Some(Case {
                kind: f[0].to_string(),
                dlt: f[2].parse().unwrap_or(-1),
                snaplen: if snaplen == 0 { 262144 } else { snaplen },
                netmask: f[4].parse().unwrap_or(u32::MAX),
                expr: f[5].to_string(),
                savefile: f[6].to_string(),
            })
        })
        .collect()
}

fn pcap_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            pcap_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn filter_corpus_matches_system_libpcap() {
    let Some(dir) = corpus_dir() else {
        println!("skipped: ../shared/corpus is absent");
        return;
    };
    let Some(sys) = SysPcap::load() else {
        println!("skipped: the system libpcap (libpcap.so.0.8) is not installed");
        return;
    };
    let inside = std::env::var_os(NS_MARK).is_some();
    let root = unsafe { libc::geteuid() } == 0;
    if !inside && root {
        if let Some(code) = rerun_in_namespace(&dir) {
            assert_eq!(
                code, 0,
                "the differential run in the private namespace failed"
            );
            return;
        }
        println!(
            "note: could not make a private mount namespace; host-name cases use /etc as it is"
        );
    } else if !root {
        println!("note: not root, so host-name cases use /etc as it is");
    }
    run(&dir, &sys);
}

/// Re-runs this test under `unshare -m` with the corpus's /etc files overlaid; None when
/// the namespace or the overlay can't be made.
fn rerun_in_namespace(dir: &Path) -> Option<i32> {
    let etc = dir.join("etc").canonicalize().ok()?;
    let tmp = std::env::temp_dir().join(format!("oxpcap-filter-etc-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).ok()?;
    std::fs::write(tmp.join("resolv.conf"), "").ok()?;
    let exe = std::env::current_exe().ok()?;
    let script = format!(
        "mount -t overlay overlay -o lowerdir={}:{}:/etc /etc || exit 97; exec \"$0\" \"$@\"",
        tmp.display(),
        etc.display()
    );
    let status = Command::new("unshare")
        .args(["-m", "sh", "-c", &script])
        .arg(&exe)
        .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
        .env(NS_MARK, "1")
        .status()
        .ok()?;
    let _ = std::fs::remove_dir_all(&tmp);
    match status.code() {
        Some(97) | None => None,
        Some(c) => Some(c),
    }
}

#[derive(Default)]
struct Figures {
    cases: usize,
    compiles: usize,
    accept_agree: usize,
    both_reject: usize,
    msg_agree: usize,
    verdicts: u64,
    verdict_agree: u64,
    verdicts_opt1: u64,
    verdict_agree_opt1: u64,
    cases_verdict_mismatch: usize,
    /// (dlt, expression, optimize) of every compile where one library accepted and the
    /// other refused.
    accept_reject: Vec<(i32, String, bool)>,
    /// Packets made by steering seeds into the programs' branches (see `steer`).
    steered: u64,
    /// Accepted cases (optimize 0) for which some packet was accepted, and rejected.
    cases_compared: usize,
    cases_some_accepted: usize,
    cases_some_rejected: usize,
}

/// Packets steered into the branches of libpcap's and our unoptimized programs, from a few
/// seeds spread over the case's packets.
fn steered_packets(
    theirs: &[pcap::bpf::Insn],
    ours: &[pcap::bpf::Insn],
    pkts: &[Packet],
) -> Vec<Packet> {
    const SEEDS: usize = 6;
    const STEPS: usize = 24;
    let stride = (pkts.len() / SEEDS).max(1);
    // An empty packet too: steering grows it load by load, so link types without sample
    // packets get some as well.
    let mut seeds: Vec<&[u8]> = vec![&[]];
    seeds.extend(
        pkts.iter()
            .step_by(stride)
            .take(SEEDS)
            .map(|p| p.data.as_slice()),
    );
    let mut out: Vec<Vec<u8>> = steer::steer(theirs, &seeds, STEPS);
    for p in steer::steer(ours, &seeds, STEPS) {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out.into_iter()
        .map(|data| Packet {
            wire_len: data.len() as u32,
            data,
        })
        .collect()
}

fn run(dir: &Path, sys: &SysPcap) {
    let cases = load_cases(dir);
    // Corpus packets by link type.
    let mut files = Vec::new();
    pcap_files(&dir.join("pcaps"), &mut files);
    let mut by_dlt: BTreeMap<i32, Vec<Packet>> = BTreeMap::new();
    let mut by_file: BTreeMap<String, (i32, Vec<Packet>)> = BTreeMap::new();
    for f in &files {
        let Some((dlt, pkts)) = sys.read_file(f) else {
            continue;
        };
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let slot = by_dlt.entry(dlt).or_default();
        for p in pkts.iter().take(PER_FILE) {
            if slot.len() < PER_DLT {
                slot.push(p.clone());
            }
        }
        by_file.insert(name, (dlt, pkts));
    }
    let mut generated_counts = BTreeMap::new();
    let mut pool: BTreeMap<i32, Vec<Packet>> = BTreeMap::new();
    let dlts: std::collections::BTreeSet<i32> = cases.iter().map(|c| c.dlt).collect();
    for &dlt in &dlts {
        let mut pkts = by_dlt.get(&dlt).cloned().unwrap_or_default();
        let gen = packetgen::packets_for(dlt);
        generated_counts.insert(dlt, gen.len());
        let mut raw: Vec<Vec<u8>> = pkts.iter().map(|p| p.data.clone()).collect();
        raw.extend(gen.iter().cloned());
        for g in gen {
            let len = g.len() as u32;
            pkts.push(Packet {
                data: g,
                wire_len: len,
            });
        }
        for v in packetgen::variants(&raw, 4000) {
            let len = v.len() as u32 + (v.len() as u32 % 7);
            pkts.push(Packet {
                data: v,
                wire_len: len,
            });
        }
        pool.insert(dlt, pkts);
    }

    let mut fig = Figures::default();
    let mut opt1 = Opt1::default();
    let mut report = String::new();
    for c in &cases {
        fig.cases += 1;
        let (dlt, pkts): (i32, &[Packet]) = if c.kind == "apply" {
            match by_file.get(&c.savefile) {
                Some((d, p)) => (*d, p),
                None => continue,
            }
        } else {
            (c.dlt, pool.get(&c.dlt).map(|v| v.as_slice()).unwrap_or(&[]))
        };
        let mut case_mismatch = false;
        // Packets steered into both unoptimized programs' branches (filled at optimize 0).
        let mut steered: Vec<Packet> = Vec::new();
        let mut opt0: Option<(Vec<pcap::bpf::Insn>, pcap::bpf::Program)> = None;
        for opt in [false, true] {
            fig.compiles += 1;
            let theirs = sys.compile(dlt, c.snaplen, &c.expr, opt, c.netmask);
            let target = Target {
                linktype: dlt,
                snaplen: c.snaplen as u32,
                netmask: c.netmask,
                savefile: None,
            };
            let ours = filter::compile(&c.expr, target, opt);
            match (&theirs, &ours) {
                (Ok(t), Ok(o)) => {
                    fig.accept_agree += 1;
                    if !opt {
                        steered = steered_packets(t, o.insns(), pkts);
                        fig.steered += steered.len() as u64;
                    }
                    let mut bad = 0u64;
                    let mut first = None;
                    let (mut some_accepted, mut some_rejected) = (false, false);
                    for (i, p) in pkts.iter().chain(steered.iter()).enumerate() {
                        let a = sys.filter(t, p);
                        some_accepted |= a != 0;
                        some_rejected |= a == 0;
                        let b = o.run(&p.data, p.wire_len);
                        if a != b {
                            bad += 1;
                            first.get_or_insert((i, a, b));
                        }
                    }
                    let n = (pkts.len() + steered.len()) as u64;
                    if !opt {
                        fig.cases_compared += 1;
                        fig.cases_some_accepted += usize::from(some_accepted);
                        fig.cases_some_rejected += usize::from(some_rejected);
                        opt0 = Some((t.clone(), o.clone()));
                    } else if let Some((t0, o0)) = &opt0 {
                        let at = (dlt, c.expr.as_str());
                        opt1.check(sys, (t0, o0), (t, o), pkts, at, &mut report);
                        opt1.check(sys, (t0, o0), (t, o), &steered, at, &mut report);
                    }
                    if opt {
                        fig.verdicts_opt1 += n;
                        fig.verdict_agree_opt1 += n - bad;
                    } else {
                        fig.verdicts += n;
                        fig.verdict_agree += n - bad;
                        if bad > 0 {
                            case_mismatch = true;
                            let (i, a, b) = first.expect("a mismatch");
                            let _ = writeln!(
                                report,
                                "VERDICT\t{}\t{}\t{} of {} packets differ (first #{i}: libpcap {a}, ours {b})",
                                dlt, c.expr, bad, n
                            );
                        }
                    }
                }
                (Err(t), Err(o)) => {
                    fig.accept_agree += 1;
                    fig.both_reject += 1;
                    if t == o {
                        fig.msg_agree += 1;
                    } else if !opt {
                        let _ = writeln!(
                            report,
                            "MESSAGE\t{dlt}\t{}\tlibpcap: {t:?}\tours: {o:?}",
                            c.expr
                        );
                    }
                }
                (Ok(_), Err(o)) => {
                    fig.accept_reject.push((dlt, c.expr.clone(), opt));
                    let _ = writeln!(
                        report,
                        "ACCEPT{}\t{dlt}\t{}\tlibpcap accepts, ours: {o:?}",
                        if opt { "-O1" } else { "" },
                        c.expr
                    );
                }
                (Err(t), Ok(_)) => {
                    fig.accept_reject.push((dlt, c.expr.clone(), opt));
                    let _ = writeln!(
                        report,
                        "REJECT{}\t{dlt}\t{}\tlibpcap: {t:?}, ours accepts",
                        if opt { "-O1" } else { "" },
                        c.expr
                    );
                }
            }
        }
        if case_mismatch {
            fig.cases_verdict_mismatch += 1;
        }
    }
    for &dlt in FUZZ_DLTS.iter().chain(regressions::DLTS) {
        pool.entry(dlt).or_insert_with(|| {
            let mut v: Vec<Packet> = by_dlt.get(&dlt).cloned().unwrap_or_default();
            v.extend(packetgen::packets_for(dlt).into_iter().map(|d| {
                let len = d.len() as u32;
                Packet {
                    data: d,
                    wire_len: len,
                }
            }));
            v
        });
    }
    let fz = fuzz(sys, &pool, &mut report);
    let (reg_compiles, reg_verdicts, reg_bad) = run_regressions(sys, &pool, &mut report);
    opt1.print();
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/filter-differential.txt");
    let _ = std::fs::write(&out, &report);
    let pct = |a: u64, b: u64| {
        if b == 0 {
            100.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    println!("filter differential vs system libpcap 1.10.3:");
    println!(
        "  cases {} ({} compiles at optimize 0 and 1)",
        fig.cases, fig.compiles
    );
    println!(
        "  accept/reject agreement {}/{} = {:.2}%",
        fig.accept_agree,
        fig.compiles,
        pct(fig.accept_agree as u64, fig.compiles as u64)
    );
    println!(
        "  message agreement (both reject) {}/{} = {:.2}%",
        fig.msg_agree,
        fig.both_reject,
        pct(fig.msg_agree as u64, fig.both_reject as u64)
    );
    println!(
        "  verdicts at optimize 0: {}/{} agree = {:.4}% ({} cases with a difference)",
        fig.verdict_agree,
        fig.verdicts,
        pct(fig.verdict_agree, fig.verdicts),
        fig.cases_verdict_mismatch
    );
    println!(
        "  verdicts at optimize 1: {}/{} agree = {:.4}%",
        fig.verdict_agree_opt1,
        fig.verdicts_opt1,
        pct(fig.verdict_agree_opt1, fig.verdicts_opt1)
    );
    let gen: Vec<String> = generated_counts
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(d, n)| format!("{d}:{n}"))
        .collect();
    println!("  generated packets per link type: {}", gen.join(" "));
    println!(
        "  packets steered into the programs' branches: {}",
        fig.steered
    );
    println!(
        "  accepted cases with a packet libpcap accepts: {}/{}, with one it rejects: {}/{}",
        fig.cases_some_accepted, fig.cases_compared, fig.cases_some_rejected, fig.cases_compared
    );
    println!(
        "  fuzz: {} random expressions over {} link types: accept/reject {:.2}%, messages {}/{} = {:.2}%, verdicts {}/{} = {:.4}%",
        fz[0],
        FUZZ_DLTS.len(),
        pct(fz[1], fz[0]),
        fz[3],
        fz[2],
        pct(fz[3], fz[2]),
        fz[5],
        fz[4],
        pct(fz[5], fz[4])
    );
    println!(
        "  regressions: {} expressions x {} link types x 2 optimize levels = {reg_compiles} compiles, {reg_verdicts} verdicts, {reg_bad} differences",
        regressions::EXPRESSIONS.len(),
        regressions::DLTS.len()
    );
    println!("  differences listed in {}", out.display());
    assert_eq!(
        reg_bad, 0,
        "regression expressions differ from libpcap (see the REGRESSION lines)"
    );

    // Issue 3's bar: every compile of the corpus accepted or refused alike (but for the
    // listed cases where libpcap is demonstrably wrong), every verdict at optimize 0 equal,
    // messages at least 99% equal. Fuzz floors were measured and only go up.
    let msg_pct = pct(fig.msg_agree as u64, fig.both_reject as u64);
    let verdict_pct = pct(fig.verdict_agree, fig.verdicts);
    check_exceptions(sys, &fig.accept_reject);
    assert!(
        msg_pct >= FLOOR_MESSAGE,
        "message agreement fell to {msg_pct:.2}%"
    );
    assert!(
        verdict_pct >= FLOOR_VERDICT,
        "verdict agreement fell to {verdict_pct:.4}%"
    );
    opt1.assert_done();
    let fuzz_accept = pct(fz[1], fz[0]);
    let fuzz_msg = pct(fz[3], fz[2]);
    let fuzz_verdict = pct(fz[5], fz[4]);
    assert!(
        fuzz_msg >= FLOOR_FUZZ_MESSAGE,
        "fuzz message agreement fell to {fuzz_msg:.2}%"
    );
    assert!(
        fuzz_accept >= FLOOR_FUZZ_ACCEPT,
        "fuzz accept/reject agreement fell to {fuzz_accept:.2}%"
    );
    assert!(
        fuzz_verdict >= FLOOR_FUZZ_VERDICT,
        "fuzz verdict agreement fell to {fuzz_verdict:.4}%"
    );
}

/// [`regressions::EXPRESSIONS`] on [`regressions::DLTS`] at both optimize levels: accept or
/// refuse alike with the same message, and at optimize 0 the same verdicts. Returns
/// (compiles, verdicts compared, differences).
fn run_regressions(
    sys: &SysPcap,
    pool: &BTreeMap<i32, Vec<Packet>>,
    report: &mut String,
) -> (u64, u64, u64) {
    let (mut compiles, mut verdicts, mut bad, mut proven_empty) = (0, 0, 0, 0);
    for &dlt in regressions::DLTS {
        let pkts = pool.get(&dlt).map(|v| v.as_slice()).unwrap_or(&[]);
        for expr in regressions::EXPRESSIONS {
            for opt in [false, true] {
                compiles += 1;
                let theirs = sys.compile(dlt, 262144, expr, opt, 0xffff_ff00);
                let target = Target {
                    linktype: dlt,
                    snaplen: 262144,
                    netmask: 0xffff_ff00,
                    savefile: None,
                };
                let ours = filter::compile(expr, target, opt);
                let diff = match (&theirs, &ours) {
                    // libpcap's verdicts are undefined where its program reads unset words.
                    (Ok(t), Ok(_)) if scratch::reads_unset_scratch(t) => None,
                    (Ok(t), Ok(o)) if !opt => {
                        let steered = steered_packets(t, o.insns(), pkts);
                        let all = pkts.len() + steered.len();
                        let n = pkts
                            .iter()
                            .chain(steered.iter())
                            .filter(|p| sys.filter(t, p) != o.run(&p.data, p.wire_len))
                            .count();
                        verdicts += all as u64;
                        (n > 0).then(|| format!("{n} of {all} verdicts"))
                    }
                    (Ok(_), Ok(_)) => None,
                    (Err(t), Err(o)) if t == o => None,
                    // Our optimizer proved the expression matches nothing where libpcap's
                    // could not (e.g. IPv4 and IPv6 at once behind ARCnet's two IPv4
                    // codes): fine when libpcap's program indeed rejects every packet.
                    (Ok(t), Err(o))
                        if opt
                            && o == "expression rejects all packets"
                            && pkts.iter().all(|p| sys.filter(t, p) == 0) =>
                    {
                        proven_empty += 1;
                        None
                    }
                    (t, o) => Some(format!(
                        "libpcap {:?}, ours {:?}",
                        t.as_ref().map(|_| "accepts"),
                        o.as_ref().map(|_| "accepts")
                    )),
                };
                if let Some(d) = diff {
                    bad += 1;
                    let _ = writeln!(report, "REGRESSION\t{dlt}\t{expr}\t-O{}\t{d}", opt as u8);
                }
            }
        }
    }
    if proven_empty > 0 {
        println!(
            "  regressions: {proven_empty} compiles at optimize 1 refused as matching nothing where libpcap's optimizer keeps a program that rejects every packet"
        );
    }
    (compiles, verdicts, bad)
}

/// The bounded fuzz run: random expressions per link type, and packets per comparison.
const FUZZ_EXPRESSIONS: usize = 4000;
const FUZZ_PACKETS: usize = 1500;
const FUZZ_DLTS: &[i32] = &[1, 113, 276, 12, 0, 108, 105, 117, 10, 9, 104, 7, 123];

/// Random expressions from [`exprgen`], compiled by both libraries at optimize 0: accept or
/// reject alike, same message, same verdicts. Returns (compiles, accept/reject agreements,
/// both-reject, message agreements, verdict comparisons, verdict agreements).
fn fuzz(sys: &SysPcap, pool: &BTreeMap<i32, Vec<Packet>>, report: &mut String) -> [u64; 6] {
    // OXPCAP_FUZZ_EXPRESSIONS / OXPCAP_FUZZ_SEED widen a run by hand; CI uses the defaults.
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    let count = env("OXPCAP_FUZZ_EXPRESSIONS").map_or(FUZZ_EXPRESSIONS, |n| n as usize);
    let mut rng = exprgen::Rng::new(env("OXPCAP_FUZZ_SEED").unwrap_or(0x005e_ed0f_f11e));
    let mut f = [0u64; 6];
    for i in 0..count {
        let dlt = FUZZ_DLTS[i % FUZZ_DLTS.len()];
        let expr = exprgen::expression(&mut rng);
        let netmask = if i % 5 == 0 { u32::MAX } else { 0xffff_ff00 };
        let theirs = sys.compile(dlt, 262144, &expr, false, netmask);
        let target = Target {
            linktype: dlt,
            snaplen: 262144,
            netmask,
            savefile: None,
        };
        let ours = filter::compile(&expr, target, false);
        f[0] += 1;
        match (&theirs, &ours) {
            (Ok(t), Ok(o)) => {
                f[1] += 1;
                // libpcap's verdicts are undefined where its program reads unset scratch words.
                if scratch::reads_unset_scratch(t) {
                    continue;
                }
                let pkts = pool.get(&dlt).map(|v| v.as_slice()).unwrap_or(&[]);
                // Spread over the pool: corpus packets, generated ones and their variants.
                let step = pkts.len().div_ceil(FUZZ_PACKETS).max(1);
                let sample: Vec<Packet> = pkts.iter().step_by(step).cloned().collect();
                let steered = steered_packets(t, o.insns(), &sample);
                let mut bad = 0;
                for p in sample.iter().chain(steered.iter()) {
                    f[4] += 1;
                    if sys.filter(t, p) == o.run(&p.data, p.wire_len) {
                        f[5] += 1;
                    } else {
                        bad += 1;
                    }
                }
                if bad > 0 {
                    let _ = writeln!(report, "FUZZ-VERDICT\t{dlt}\t{expr}\t{bad} packets differ");
                }
            }
            (Err(t), Err(o)) => {
                f[1] += 1;
                f[2] += 1;
                if t == o {
                    f[3] += 1;
                } else {
                    let _ = writeln!(
                        report,
                        "FUZZ-MESSAGE\t{dlt}\t{expr}\tlibpcap: {t:?}\tours: {o:?}"
                    );
                }
            }
            (Ok(_), Err(o)) => {
                let _ = writeln!(
                    report,
                    "FUZZ-ACCEPT\t{dlt}\t{expr}\tlibpcap accepts, ours: {o:?}"
                );
            }
            (Err(t), Ok(_)) => {
                let _ = writeln!(
                    report,
                    "FUZZ-REJECT\t{dlt}\t{expr}\tlibpcap: {t:?}, ours accepts"
                );
            }
        }
    }
    f
}

const FLOOR_MESSAGE: f64 = 99.9;
const FLOOR_VERDICT: f64 = 100.0;
const FLOOR_FUZZ_ACCEPT: f64 = 99.9;
const FLOOR_FUZZ_MESSAGE: f64 = 99.5;
const FLOOR_FUZZ_VERDICT: f64 = 100.0;

/// A corpus compile where libpcap 1.10.3 is wrong and we do not copy it, with the packet
/// that proves it: libpcap's optimizer says the expression "rejects all packets", but its
/// own unoptimised program accepts `evidence`.
struct Exception {
    dlt: i32,
    expr: &'static str,
    evidence: &'static [u8],
}

/// `A & 0xffffffff == 0` is folded wrongly by libpcap's optimizer into "never" (see
/// docs/filter-differences.md): a packet starting with zero bytes matches.
const EXCEPTIONS: &[Exception] = &[
    Exception {
        dlt: 12,
        expr: "link[0:1] & 0xFFFFFFFF == 0",
        evidence: &[0x00, 0x00, 0x00, 0x00],
    },
    Exception {
        dlt: 12,
        expr: "link[0:2] & 0xFFFFFFFF == 0",
        evidence: &[0x00, 0x00, 0x00, 0x00],
    },
];

/// Fails unless every accept/reject disagreement is a listed exception at optimize 1 whose
/// evidence still holds, and every listed exception still occurs (so the list stays true).
fn check_exceptions(sys: &SysPcap, found: &[(i32, String, bool)]) {
    let unexplained: Vec<_> = found
        .iter()
        .filter(|(dlt, expr, opt)| {
            !(*opt && EXCEPTIONS.iter().any(|e| e.dlt == *dlt && e.expr == expr))
        })
        .collect();
    assert!(
        unexplained.is_empty(),
        "{} compiles accepted by one library and refused by the other: {unexplained:?}",
        unexplained.len()
    );
    for e in EXCEPTIONS {
        assert!(
            found
                .iter()
                .any(|(d, x, opt)| *opt && *d == e.dlt && x == e.expr),
            "exception no longer occurs, remove it: {} on {}",
            e.expr,
            e.dlt
        );
        assert!(
            sys.compile(e.dlt, 262144, e.expr, true, u32::MAX).is_err(),
            "libpcap now accepts {} at optimize 1",
            e.expr
        );
        let prog = sys
            .compile(e.dlt, 262144, e.expr, false, u32::MAX)
            .expect("libpcap compiles it unoptimised");
        let pkt = Packet {
            data: e.evidence.to_vec(),
            wire_len: e.evidence.len() as u32,
        };
        assert_ne!(
            sys.filter(&prog, &pkt),
            0,
            "libpcap's own unoptimised {} no longer accepts the evidence",
            e.expr
        );
    }
}

/// The optimizer's part of the comparison (issue 4). A packet is *truncated* for a case when
/// libpcap's unoptimized program faults on it (a load past the captured bytes, or a division
/// by zero): libpcap's optimizer drops such loads, so its optimized verdict may differ there.
/// Our optimized program must give libpcap's optimized verdict on every other packet, and
/// our unoptimized verdict on every packet.
#[derive(Default)]
struct Opt1 {
    /// Packets not truncated, and those where ours agrees with libpcap's optimized program.
    untruncated: u64,
    untruncated_agree: u64,
    /// Truncated packets where ours and libpcap's optimized program differ.
    truncated_differ: u64,
    /// Packets, and those where our optimized and unoptimized programs agree.
    all: u64,
    self_agree: u64,
}

impl Opt1 {
    /// `zero`: libpcap's and our optimize-0 programs; `one`: the optimize-1 programs.
    fn check(
        &mut self,
        sys: &SysPcap,
        zero: (&[pcap::bpf::Insn], &pcap::bpf::Program),
        one: (&[pcap::bpf::Insn], &pcap::bpf::Program),
        pkts: &[Packet],
        (dlt, expr): (i32, &str),
        report: &mut String,
    ) {
        // The program with every return turned into `ret #1` returns 0 exactly when it faults.
        let probe: Vec<pcap::bpf::Insn> = zero
            .0
            .iter()
            .map(|i| match i.code & 0x07 {
                0x06 => pcap::bpf::Insn::stmt(0x06, 1),
                _ => *i,
            })
            .collect();
        let (mut untruncated_bad, mut self_bad) = (0u64, 0u64);
        for p in pkts {
            let ours = one.1.run(&p.data, p.wire_len);
            self.all += 1;
            if ours == zero.1.run(&p.data, p.wire_len) {
                self.self_agree += 1;
            } else {
                self_bad += 1;
            }
            let theirs = sys.filter(one.0, p);
            if sys.filter(&probe, p) == 0 {
                self.truncated_differ += (theirs != ours) as u64;
                continue;
            }
            self.untruncated += 1;
            if theirs == ours {
                self.untruncated_agree += 1;
            } else {
                untruncated_bad += 1;
            }
        }
        if untruncated_bad + self_bad > 0 {
            let _ = writeln!(
                report,
                "OPT1\t{dlt}\t{expr}\t{untruncated_bad} untruncated packets differ from libpcap -O, {self_bad} from our -O0"
            );
        }
    }

    fn print(&self) {
        println!(
            "  optimize 1 on untruncated packets: {}/{} agree with libpcap; {} truncated packets differ (libpcap's optimizer dropped a faulting load)",
            self.untruncated_agree, self.untruncated, self.truncated_differ
        );
        println!(
            "  optimize 1 vs our optimize 0, every packet: {}/{} agree",
            self.self_agree, self.all
        );
    }

    fn assert_done(&self) {
        assert_eq!(
            self.untruncated_agree, self.untruncated,
            "optimize 1 differs from libpcap on untruncated packets"
        );
        assert_eq!(
            self.self_agree, self.all,
            "optimize 1 differs from our optimize 0"
        );
    }
}
