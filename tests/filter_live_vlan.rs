//! `vlan` compiled on a live Linux handle, against the system libpcap 1.10.3 in the same
//! process: both libraries open the loopback interface, and every expression below (each
//! `vlan` expression of the corpus's filters.tsv, plus combinations with the other
//! primitives) is compiled by both at optimize 0 and 1.
//!
//! On a live handle libpcap looks for a stripped tag in Linux's ancillary data as well as in
//! the packet (see `filter::gen::vlan`). Asserted:
//! - both accept or both reject, with the same message;
//! - unoptimised programs are identical (length and every instruction);
//! - optimised programs: the share identical to libpcap's is printed (our optimizer is a
//!   different one, see docs/filter-differences.md), and every program of ours, optimised
//!   or not, gives libpcap's unoptimised program's verdict on every packet of a set built
//!   for these filters, each seen as a live capture presents it: with its outer 802.1Q /
//!   802.1ad tag stripped into the metadata, and with the tag left in the packet. (libpcap's
//!   own optimised programs are counted against its unoptimised ones too: its optimizer can
//!   break the jumps inside the tag-identifier block, which the output reports.)
//!
//! Needs root (a live handle); skips with a message otherwise.

use std::ffi::{c_char, c_int, c_uint, c_void, CStr, CString};

#[path = "common/dl.rs"]
mod dl;

use dl::{open_system_libpcap, sym};
use pcap::bpf::interpret::VlanAux;
use pcap::bpf::{Insn, Program};
use pcap::ffi::types::bpf_program;

type Create = unsafe extern "C" fn(*const c_char, *mut c_char) -> *mut c_void;
type Activate = unsafe extern "C" fn(*mut c_void) -> c_int;
type Compile =
    unsafe extern "C" fn(*mut c_void, *mut bpf_program, *const c_char, c_int, c_uint) -> c_int;
type Geterr = unsafe extern "C" fn(*mut c_void) -> *mut c_char;
type Freecode = unsafe extern "C" fn(*mut bpf_program);
type Close = unsafe extern "C" fn(*mut c_void);

/// One library's entry points and a live handle on `lo`.
struct Lib {
    compile: Compile,
    geterr: Geterr,
    freecode: Freecode,
    close: Close,
    handle: *mut c_void,
}

const NETMASK_UNKNOWN: u32 = 0xffff_ffff;

impl Lib {
    fn open(create: Create, activate: Activate, rest: (Compile, Geterr, Freecode, Close)) -> Lib {
        let mut err = [0 as c_char; 256];
        let handle = unsafe { create(c"lo".as_ptr(), err.as_mut_ptr()) };
        assert!(!handle.is_null());
        let status = unsafe { activate(handle) };
        assert_eq!(status, 0, "activating lo");
        Lib {
            compile: rest.0,
            geterr: rest.1,
            freecode: rest.2,
            close: rest.3,
            handle,
        }
    }

    fn compile(&self, text: &str, optimize: bool) -> Result<Vec<Insn>, String> {
        let c = CString::new(text).expect("no NUL");
        let mut prog = bpf_program {
            bf_len: 0,
            bf_insns: std::ptr::null_mut(),
        };
        unsafe {
            let r = (self.compile)(
                self.handle,
                &mut prog,
                c.as_ptr(),
                optimize as c_int,
                NETMASK_UNKNOWN,
            );
            if r < 0 {
                return Err(CStr::from_ptr((self.geterr)(self.handle))
                    .to_string_lossy()
                    .into_owned());
            }
            let v = std::slice::from_raw_parts(prog.bf_insns, prog.bf_len as usize).to_vec();
            (self.freecode)(&mut prog);
            Ok(v)
        }
    }
}

impl Drop for Lib {
    fn drop(&mut self) {
        unsafe { (self.close)(self.handle) };
    }
}

fn system_lib() -> Option<Lib> {
    let lib = open_system_libpcap()?;
    unsafe {
        Some(Lib::open(
            sym(lib, c"pcap_create"),
            sym(lib, c"pcap_activate"),
            (
                sym(lib, c"pcap_compile"),
                sym(lib, c"pcap_geterr"),
                sym(lib, c"pcap_freecode"),
                sym(lib, c"pcap_close"),
            ),
        ))
    }
}

fn our_lib() -> Lib {
    use pcap::ffi::{compile, filter, handle, live};
    // Our entry points take `*mut PcapT` where the system's take `pcap_t *`: the same
    // pointer in the C ABI.
    unsafe {
        Lib::open(
            std::mem::transmute::<*const (), Create>(live::pcap_create as *const ()),
            std::mem::transmute::<*const (), Activate>(live::pcap_activate as *const ()),
            (
                std::mem::transmute::<*const (), Compile>(compile::pcap_compile as *const ()),
                std::mem::transmute::<*const (), Geterr>(handle::pcap_geterr as *const ()),
                std::mem::transmute::<*const (), Freecode>(filter::pcap_freecode as *const ()),
                std::mem::transmute::<*const (), Close>(handle::pcap_close as *const ()),
            ),
        )
    }
}

/// The corpus's `vlan` expressions (whatever link type they were written for: on Ethernet
/// each must compile, or fail, as libpcap's does).
fn corpus_expressions() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/filters.tsv");
    let Ok(text) = std::fs::read_to_string(path) else {
        println!("note: ../shared/corpus is absent; only this test's own expressions");
        return Vec::new();
    };
    let mut v: Vec<String> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').nth(5))
        .filter(|e| e.contains("vlan"))
        .map(str::to_string)
        .collect();
    v.sort();
    v.dedup();
    v
}

/// `vlan` alone, and with every family of primitive before and after it.
fn own_expressions() -> Vec<String> {
    let heads = ["vlan", "vlan 5", "vlan 0", "not vlan", "vlan 4095"];
    let others = [
        "ip",
        "ip6",
        "arp",
        "rarp",
        "tcp",
        "udp port 53",
        "tcp port 80",
        "host 198.18.0.1",
        "net 198.18.0.0/15",
        "ether host 1:2:3:4:5:6",
        "ether src 1:2:3:4:5:6",
        "ether broadcast",
        "ether multicast",
        "ip broadcast",
        "ip multicast",
        "ip6 multicast",
        "icmp",
        "icmp6",
        "igmp",
        "pim",
        "vrrp",
        "carp",
        "sctp",
        "ah",
        "esp",
        "llc",
        "llc u",
        "llc i",
        "stp",
        "ipx",
        "atalk",
        "aarp",
        "iso",
        "isis",
        "clnp",
        "esis",
        "l1",
        "netbeui",
        "decnet host 1.2",
        "lat",
        "moprc",
        "mopdl",
        "sca",
        "mpls",
        "mpls 100",
        "mpls and ip",
        "mpls 5 and mpls 6 and ip6",
        "pppoes",
        "pppoes 3",
        "pppoes and ip",
        "pppoes 7 and tcp",
        "pppoed",
        "geneve",
        "geneve 7 and ip",
        "vlan",
        "vlan 3",
        "vlan and vlan",
        "inbound",
        "outbound",
        "ifindex 2",
        "len > 100",
        "greater 1000",
        "less 64",
        "ip[0] & 0xf > 5",
        "tcp[13] & 2 != 0",
        "ether[12:2] = 0x800",
        "link[0] = 1",
        "ip proto 17",
        "ip6 proto 58",
        "portrange 1-1000",
        "tcp dst portrange 20-22",
        "ip host 1.2.3.4 and tcp port 22",
        "ip protochain 6",
        "ip6 protochain 17",
        "udp[8:2] = 1",
        "ip[2:2] > 576",
        "(ip or ip6)",
        "not ip",
        "src port 1234",
        "tcp[tcpflags] & tcp-syn != 0",
        "icmp[icmptype] = icmp-echo",
        "ether proto 0x88cc",
        "ip[0]+ip[1] > 3",
    ];
    let mut v = Vec::new();
    for h in heads {
        v.push(h.to_string());
        for o in others {
            v.push(format!("{h} and {o}"));
        }
    }
    for o in others {
        v.push(format!("{o} and vlan"));
        v.push(format!("{o} and vlan 7"));
        v.push(format!("vlan or {o}"));
        v.push(format!("{o} or vlan 9"));
    }
    v.extend(
        [
            "vlan and vlan and vlan 7",
            "vlan 1 or vlan 2 or vlan 3",
            "(vlan 1 or vlan 2) and ip",
            "vlan and not vlan",
            "vlan 100 and vlan 200",
            "vlan and vlan 3 and tcp port 80",
            "vlan and mpls and vlan",
            "vlan and pppoes and ip6",
            "vlan and pppoes and vlan",
            "vlan and geneve and vlan",
            "vlan and geneve 5 and vlan 3 and tcp",
            "not (vlan 5 and ip)",
            "(vlan and ip) or (not vlan and ip6)",
            "vlan and ether[16:2] = 0x800",
            "vlan and vlan and vlan and vlan",
            "vlan 1 and vlan 2 and vlan 3 and vlan 4",
            "vlan and mpls 1 and mpls 2 and ip",
            "pppoes and vlan",
            "mpls and vlan",
            "vlan 4096",
            "vlan any",
        ]
        .map(str::to_string),
    );
    v.sort();
    v.dedup();
    v
}

/// An Ethernet frame: addresses, then `tags` (TPID, TCI), then the type and payload.
fn frame(tags: &[(u16, u16)], ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
    ];
    for &(tpid, tci) in tags {
        f.extend_from_slice(&tpid.to_be_bytes());
        f.extend_from_slice(&tci.to_be_bytes());
    }
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

fn ipv4(proto: u8, l4: &[u8]) -> Vec<u8> {
    let total = (20 + l4.len()) as u16;
    let mut v = vec![
        0x45,
        0,
        (total >> 8) as u8,
        total as u8,
        0,
        1,
        0,
        0,
        64,
        proto,
        0,
        0,
    ];
    v.extend_from_slice(&[198, 18, 0, 1, 1, 2, 3, 4]);
    v.extend_from_slice(l4);
    v
}

fn ipv6(next: u8, l4: &[u8]) -> Vec<u8> {
    let mut v = vec![0x60, 0, 0, 0, 0, l4.len() as u8, next, 64];
    v.extend_from_slice(&[0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    v.extend_from_slice(&[0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    v.extend_from_slice(l4);
    v
}

/// A transport header with these ports (TCP-sized, SYN set), then some bytes.
fn ports(sport: u16, dport: u16) -> Vec<u8> {
    let mut v = sport.to_be_bytes().to_vec();
    v.extend_from_slice(&dport.to_be_bytes());
    v.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0, 0, 0, 0, 0, 0]);
    v.extend_from_slice(&[0xab; 200]);
    v
}

/// Payloads of the protocols the expressions test, each with its Ethernet type.
fn payloads() -> Vec<(u16, Vec<u8>)> {
    let arp = vec![
        0, 1, 8, 0, 6, 4, 0, 1, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 198, 18, 0, 1,
    ]
    .into_iter()
    .chain([0; 6])
    .chain([198, 18, 0, 2])
    .collect();
    let mut llc = vec![0x42, 0x42, 0x03];
    llc.extend_from_slice(&[0; 40]);
    vec![
        (0x0800, ipv4(6, &ports(1234, 80))),
        (0x0800, ipv4(17, &ports(5353, 53))),
        (0x0800, ipv4(1, &[8, 0, 0, 0, 0, 1, 0, 1])),
        (0x86dd, ipv6(6, &ports(22, 443))),
        (0x86dd, ipv6(58, &[128, 0, 0, 0, 0, 1, 0, 1])),
        (0x0806, arp),
        (
            0x8847,
            [vec![0, 0x06, 0x41, 64], ipv4(17, &ports(1, 53))].concat(),
        ),
        (
            0x8864,
            [vec![0x11, 0, 0, 3, 0, 40, 0, 0x21], ipv4(6, &ports(9, 80))].concat(),
        ),
        (40, llc),
    ]
}

/// Every packet as a live capture's filter may see it: (bytes, metadata).
fn live_views() -> Vec<(Vec<u8>, VlanAux)> {
    let tag_sets: [&[(u16, u16)]; 12] = [
        &[],
        &[(0x8100, 5)],
        &[(0x8100, 0x2007)],
        &[(0x8100, 0)],
        &[(0x8100, 3)],
        &[(0x8100, 9)],
        &[(0x8100, 4095)],
        &[(0x88a8, 100), (0x8100, 5)],
        &[(0x8100, 1), (0x8100, 2)],
        &[(0x8100, 5), (0x8100, 3), (0x8100, 7)],
        &[(0x9100, 200), (0x8100, 5)],
        &[(0x8100, 100), (0x88a8, 200), (0x8100, 2)],
    ];
    let untagged = VlanAux::default();
    let mut out = Vec::new();
    for tags in tag_sets {
        for (ty, pl) in payloads() {
            let whole = frame(tags, ty, &pl);
            out.push((whole.clone(), untagged));
            // The kernel strips an outer 802.1Q / 802.1ad tag into the metadata.
            if let Some(&(_, tci)) = tags.first().filter(|t| matches!(t.0, 0x8100 | 0x88a8)) {
                let stripped = frame(&tags[1..], ty, &pl);
                let aux = VlanAux {
                    present: true,
                    vlan_id: tci & 0xfff,
                };
                out.push((stripped, aux));
            }
            for cut in [14, 18, 30] {
                out.push((whole[..cut.min(whole.len())].to_vec(), untagged));
            }
        }
    }
    out
}

fn verdicts(p: &Program, views: &[(Vec<u8>, VlanAux)]) -> Vec<bool> {
    views
        .iter()
        .map(|(b, aux)| p.run_with_aux(b, b.len() as u32, *aux) != 0)
        .collect()
}

#[test]
fn vlan_on_a_live_handle_compiles_as_libpcap() {
    if unsafe { libc::geteuid() } != 0 {
        println!("skipped: a live handle on lo needs root");
        return;
    }
    let Some(sys) = system_lib() else {
        println!("skipped: the system libpcap (libpcap.so.0.8) is not installed");
        return;
    };
    let ours = our_lib();
    let corpus = corpus_expressions();
    let mut exprs = corpus.clone();
    exprs.extend(own_expressions());
    exprs.sort();
    exprs.dedup();
    let views = live_views();
    let (mut errors, mut same0, mut same1, mut compiled) = (0, 0, 0, 0);
    let (mut lib_broken, mut proved_empty) = (0, 0);
    let mut failures = Vec::new();
    for e in &exprs {
        let s0 = sys.compile(e, false);
        let o0 = ours.compile(e, false);
        let s1 = sys.compile(e, true);
        let o1 = ours.compile(e, true);
        // Our optimizer proves more contradictions than libpcap's (`geneve and ip and vlan`:
        // one type field cannot be both), and refuses those programs at optimize 1 as
        // libpcap refuses the ones its optimizer proves (docs/filter-differences.md).
        if let (Ok(s0), Ok(_), Ok(_), Err(msg)) = (&s0, &o0, &s1, &o1) {
            if msg == "expression rejects all packets" {
                if verdicts(&Program::new(s0.clone()), &views).contains(&true) {
                    failures.push(format!("{e}: refused at optimize 1, but libpcap's accepts"));
                }
                proved_empty += 1;
                continue;
            }
        }
        if s0.is_err() || o0.is_err() || s1.is_err() || o1.is_err() {
            if s0.as_ref().err() != o0.as_ref().err() || s1.as_ref().err() != o1.as_ref().err() {
                failures.push(format!(
                    "{e}: accept/reject or message differs: libpcap {:?}/{:?}, ours {:?}/{:?}",
                    s0.as_ref().err(),
                    s1.as_ref().err(),
                    o0.as_ref().err(),
                    o1.as_ref().err()
                ));
            }
            errors += 1;
            continue;
        }
        let (s0, o0, s1, o1) = (s0.unwrap(), o0.unwrap(), s1.unwrap(), o1.unwrap());
        compiled += 1;
        if s0 == o0 {
            same0 += 1;
        } else {
            failures.push(format!("{e}: unoptimised programs differ"));
        }
        same1 += usize::from(s1 == o1);
        let want = verdicts(&Program::new(s0), &views);
        for (what, p) in [("unoptimised", o0), ("optimised", o1)] {
            if verdicts(&Program::new(p), &views) != want {
                failures.push(format!("{e}: our {what} program's verdicts differ"));
            }
        }
        lib_broken += usize::from(verdicts(&Program::new(s1), &views) != want);
    }
    println!(
        "live lo, vlan expressions: {} ({} from the corpus); both reject {errors} alike; of \
         {compiled} compiled: unoptimised identical {same0}/{compiled}, optimised identical \
         {same1}/{compiled}; verdicts on {} packet views equal libpcap's unoptimised \
         program's for all of ours; libpcap's own optimised program differs from it for \
         {lib_broken}; refused by our optimizer only (no packet can match): {proved_empty}",
        exprs.len(),
        corpus.len(),
        views.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
