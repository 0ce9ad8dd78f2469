//! The user-space filter on savefiles: a record the program rejects is skipped inside the
//! reader, and the records that pass come out exactly as they do unfiltered (same headers,
//! same bytes, same order). Checked on every corpus file that opens.

use std::ffi::CString;
use std::path::{Path, PathBuf};

use pcap::bpf::{Insn, Program};
use pcap::handle::Precision;
use pcap::savefile::Savefile;
use pcap::source::{PacketHeader, Poll};

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/pcaps");
    dir.is_dir().then_some(dir)
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn open(path: &Path) -> Option<Savefile> {
    let c = CString::new(path.to_str()?).ok()?;
    // SAFETY: plain fopen of a NUL-terminated path.
    let fp = unsafe { libc::fopen(c.as_ptr(), c"rb".as_ptr()) };
    assert!(!fp.is_null());
    // SAFETY: fp is a fresh stream the savefile takes over (and closes).
    match unsafe { Savefile::open(fp, true, Precision::Micro) } {
        Ok(sf) => Some(sf),
        Err(_) => {
            // SAFETY: the failed open left the stream to us.
            unsafe { libc::fclose(fp) };
            None
        }
    }
}

fn read_all(sf: &mut Savefile, filter: Option<&Program>) -> Vec<(PacketHeader, Vec<u8>)> {
    let mut out = Vec::new();
    while let Ok(Poll::Packet(h, data)) = sf.next_packet(filter) {
        out.push((h, data.to_vec()));
    }
    out
}

#[test]
fn filter_skips_exactly_the_rejected_records() {
    let Some(dir) = corpus() else {
        eprintln!("no corpus: skipped");
        return;
    };
    // "len >= 100": BPF_LD|BPF_W|BPF_LEN; BPF_JMP|BPF_JGE|BPF_K; BPF_RET|BPF_K (twice).
    let program = Program::new(vec![
        Insn::stmt(0x80, 0),
        Insn::jump(0x35, 100, 0, 1),
        Insn::stmt(0x06, 262_144),
        Insn::stmt(0x06, 0),
    ]);
    let mut paths = Vec::new();
    files(&dir, &mut paths);
    let (mut checked, mut kept, mut dropped) = (0, 0, 0);
    for path in paths {
        let (Some(mut plain), Some(mut filtered)) = (open(&path), open(&path)) else {
            continue;
        };
        let all = read_all(&mut plain, None);
        let passed = read_all(&mut filtered, Some(&program));
        let expected: Vec<_> = all.iter().filter(|(h, _)| h.len >= 100).cloned().collect();
        assert_eq!(passed, expected, "{}", path.display());
        checked += 1;
        kept += passed.len();
        dropped += all.len() - passed.len();
    }
    assert!(
        checked > 100 && kept > 0 && dropped > 0,
        "{checked} {kept} {dropped}"
    );
}
