//! The system libpcap 1.10.3 as a test oracle for the BPF calls, loaded with
//! `dlopen("libpcap.so.0.8", RTLD_NOW | RTLD_LOCAL)` so that its symbols never mix with ours
//! (the test binary contains our `pcap_*`/`bpf_*` too). Also reads savefiles through it, so
//! pcapng and byte-swapped files need no reader of our own in the test.
#![allow(dead_code)]

use std::ffi::{c_char, c_int, c_uint, c_void, CStr, CString};
use std::path::Path;

use pcap::bpf::Insn;
use pcap::ffi::{bpf_program, pcap_pkthdr};

type Opaque = c_void;

/// One captured packet.
#[derive(Clone, Debug)]
pub struct Packet {
    pub wire_len: u32,
    pub data: Vec<u8>,
}

/// The system library's functions we call.
pub struct SystemLibpcap {
    open_dead: unsafe extern "C" fn(c_int, c_int) -> *mut Opaque,
    open_offline: unsafe extern "C" fn(*const c_char, *mut c_char) -> *mut Opaque,
    next_ex: unsafe extern "C" fn(*mut Opaque, *mut *mut pcap_pkthdr, *mut *const u8) -> c_int,
    datalink: unsafe extern "C" fn(*mut Opaque) -> c_int,
    close: unsafe extern "C" fn(*mut Opaque),
    compile:
        unsafe extern "C" fn(*mut Opaque, *mut bpf_program, *const c_char, c_int, u32) -> c_int,
    freecode: unsafe extern "C" fn(*mut bpf_program),
    filter: unsafe extern "C" fn(*const Insn, *const u8, c_uint, c_uint) -> c_uint,
    validate: unsafe extern "C" fn(*const Insn, c_int) -> c_int,
    image: unsafe extern "C" fn(*const Insn, c_int) -> *const c_char,
    dump: unsafe extern "C" fn(*const bpf_program, c_int),
    offline_filter:
        unsafe extern "C" fn(*const bpf_program, *const pcap_pkthdr, *const u8) -> c_int,
}

// SAFETY: the functions are plain C code without shared state except bpf_image's buffer,
// which callers use from one thread (the test's).
unsafe impl Send for SystemLibpcap {}
unsafe impl Sync for SystemLibpcap {}

/// dlsym, typed; panics when the symbol is missing (the oracle is unusable then).
unsafe fn sym<T: Copy>(lib: *mut c_void, name: &str) -> T {
    let cname = CString::new(name).unwrap();
    // SAFETY: lib is a live dlopen handle.
    let p = unsafe { libc::dlsym(lib, cname.as_ptr()) };
    assert!(!p.is_null(), "system libpcap has no {name}");
    assert_eq!(std::mem::size_of::<T>(), std::mem::size_of::<*mut c_void>());
    // SAFETY: T is the function pointer type of that symbol, as declared in pcap.h.
    unsafe { std::mem::transmute_copy(&p) }
}

impl SystemLibpcap {
    /// Loads the system library; None when it is not installed.
    pub fn load() -> Option<SystemLibpcap> {
        let name = CString::new("libpcap.so.0.8").unwrap();
        // SAFETY: dlopen with a valid name; the handle is never closed (kept for the process).
        let lib = unsafe { libc::dlopen(name.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
        if lib.is_null() {
            return None;
        }
        // SAFETY: each symbol gets the type pcap.h declares for it.
        unsafe {
            Some(SystemLibpcap {
                open_dead: sym(lib, "pcap_open_dead"),
                open_offline: sym(lib, "pcap_open_offline"),
                next_ex: sym(lib, "pcap_next_ex"),
                datalink: sym(lib, "pcap_datalink"),
                close: sym(lib, "pcap_close"),
                compile: sym(lib, "pcap_compile"),
                freecode: sym(lib, "pcap_freecode"),
                filter: sym(lib, "bpf_filter"),
                validate: sym(lib, "bpf_validate"),
                image: sym(lib, "bpf_image"),
                dump: sym(lib, "bpf_dump"),
                offline_filter: sym(lib, "pcap_offline_filter"),
            })
        }
    }

    /// `pcap_compile` on `pcap_open_dead(dlt, snaplen)`; None when it fails.
    pub fn compile(
        &self,
        dlt: i32,
        snaplen: i32,
        expr: &str,
        optimize: bool,
        netmask: u32,
    ) -> Option<Vec<Insn>> {
        let text = CString::new(expr).ok()?;
        // SAFETY: documented libpcap calls on a handle we own and close.
        unsafe {
            let p = (self.open_dead)(dlt, snaplen);
            if p.is_null() {
                return None;
            }
            let mut fp = bpf_program {
                bf_len: 0,
                bf_insns: std::ptr::null_mut(),
            };
            let rc = (self.compile)(p, &mut fp, text.as_ptr(), optimize as c_int, netmask);
            let out = (rc == 0)
                .then(|| std::slice::from_raw_parts(fp.bf_insns, fp.bf_len as usize).to_vec());
            if rc == 0 {
                (self.freecode)(&mut fp);
            }
            (self.close)(p);
            out
        }
    }

    /// Every packet of a savefile and its link type; None when libpcap can't open it.
    /// Reading stops at the first error (a truncated or corrupt record).
    pub fn read_savefile(&self, path: &Path) -> Option<(i32, Vec<Packet>)> {
        let cpath = CString::new(path.to_str()?).ok()?;
        let mut errbuf = [0 as c_char; 256];
        // SAFETY: documented libpcap calls; the record stays valid until the next call.
        unsafe {
            let p = (self.open_offline)(cpath.as_ptr(), errbuf.as_mut_ptr());
            if p.is_null() {
                return None;
            }
            let dlt = (self.datalink)(p);
            let mut packets = Vec::new();
            loop {
                let mut hdr: *mut pcap_pkthdr = std::ptr::null_mut();
                let mut data: *const u8 = std::ptr::null();
                if (self.next_ex)(p, &mut hdr, &mut data) != 1 {
                    break;
                }
                let h = &*hdr;
                packets.push(Packet {
                    wire_len: h.len,
                    data: std::slice::from_raw_parts(data, h.caplen as usize).to_vec(),
                });
            }
            (self.close)(p);
            Some((dlt, packets))
        }
    }

    /// `bpf_filter` over a packet. The program must be one libpcap can run (valid, reads no
    /// scratch slot before writing it, only opcodes it implements).
    pub fn filter(&self, prog: &[Insn], data: &[u8], wire_len: u32) -> u32 {
        // SAFETY: the caller's guarantee on prog; data is a live slice.
        unsafe { (self.filter)(prog.as_ptr(), data.as_ptr(), wire_len, data.len() as c_uint) }
    }

    /// `pcap_offline_filter` over a packet (same requirement as [`Self::filter`]).
    pub fn offline_filter(&self, prog: &[Insn], data: &[u8], wire_len: u32) -> i32 {
        let fp = bpf_program {
            bf_len: prog.len() as c_uint,
            bf_insns: prog.as_ptr() as *mut Insn,
        };
        let hdr = pcap_pkthdr {
            caplen: data.len() as u32,
            len: wire_len,
            ..pcap_pkthdr::default()
        };
        // SAFETY: fp and hdr describe live memory.
        unsafe { (self.offline_filter)(&fp, &hdr, data.as_ptr()) }
    }

    /// `bpf_validate`.
    pub fn validate(&self, prog: &[Insn]) -> bool {
        // SAFETY: prog is a live slice of that length.
        unsafe { (self.validate)(prog.as_ptr(), prog.len() as c_int) != 0 }
    }

    /// `bpf_image`, copied out of libpcap's static buffer.
    pub fn image(&self, insn: &Insn, n: i32) -> String {
        // SAFETY: returns a NUL-terminated static buffer.
        unsafe { CStr::from_ptr((self.image)(insn, n)) }
            .to_string_lossy()
            .into_owned()
    }

    /// `bpf_dump` of each program at `level`, as printed on stdout.
    pub fn dump_text(&self, progs: &[Vec<Insn>], level: i32) -> Vec<u8> {
        capture_stdout(|| {
            for prog in progs {
                let fp = bpf_program {
                    bf_len: prog.len() as c_uint,
                    bf_insns: prog.as_ptr() as *mut Insn,
                };
                // SAFETY: fp describes a live program.
                unsafe { (self.dump)(&fp, level) };
            }
        })
    }
}

/// Runs `body` with file descriptor 1 pointing at a temporary file and returns what was
/// written there (C's stdout is flushed before and after). Only one test of the binary may
/// write to fd 1 meanwhile: callers run it from a single-test binary.
pub fn capture_stdout(body: impl FnOnce()) -> Vec<u8> {
    use std::io::{Read, Seek};
    let mut file = tempfile_in_target();
    // SAFETY: plain descriptor juggling on descriptors we own; fflush(NULL) flushes every
    // C stream.
    unsafe {
        libc::fflush(std::ptr::null_mut());
        let saved = libc::dup(1);
        assert!(saved >= 0);
        assert!(libc::dup2(std::os::fd::AsRawFd::as_raw_fd(&file), 1) >= 0);
        body();
        libc::fflush(std::ptr::null_mut());
        libc::dup2(saved, 1);
        libc::close(saved);
    }
    let mut out = Vec::new();
    file.rewind().unwrap();
    file.read_to_end(&mut out).unwrap();
    out
}

fn tempfile_in_target() -> std::fs::File {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("bpf-dump-{}.txt", std::process::id()));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .unwrap();
    let _ = std::fs::remove_file(&path);
    file
}
