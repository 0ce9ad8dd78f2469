//! The system libpcap, loaded with dlopen(RTLD_LOCAL) so that its symbols never mix with
//! ours: compile, run a filter, read savefiles.

use std::ffi::{c_char, c_int, c_uint, c_void, CStr, CString};

use pcap::bpf::Insn;

#[path = "../common/dl.rs"]
mod dl;

use dl::{open_system_libpcap, sym};

#[repr(C)]
struct BpfProgram {
    bf_len: c_uint,
    bf_insns: *mut Insn,
}

#[repr(C)]
struct PktHdr {
    ts: libc::timeval,
    caplen: u32,
    len: u32,
}

type OpenDead = unsafe extern "C" fn(c_int, c_int) -> *mut c_void;
type Compile =
    unsafe extern "C" fn(*mut c_void, *mut BpfProgram, *const c_char, c_int, c_uint) -> c_int;
type Geterr = unsafe extern "C" fn(*mut c_void) -> *mut c_char;
type Freecode = unsafe extern "C" fn(*mut BpfProgram);
type Close = unsafe extern "C" fn(*mut c_void);
type OpenOffline = unsafe extern "C" fn(*const c_char, *mut c_char) -> *mut c_void;
type NextEx = unsafe extern "C" fn(*mut c_void, *mut *mut PktHdr, *mut *const u8) -> c_int;
type Datalink = unsafe extern "C" fn(*mut c_void) -> c_int;
type BpfFilter = unsafe extern "C" fn(*const Insn, *const u8, c_uint, c_uint) -> c_uint;

/// The system library's entry points.
pub struct SysPcap {
    open_dead: OpenDead,
    compile: Compile,
    geterr: Geterr,
    freecode: Freecode,
    close: Close,
    open_offline: OpenOffline,
    next_ex: NextEx,
    datalink: Datalink,
    bpf_filter: BpfFilter,
}

/// A packet: captured bytes and length on the wire.
#[derive(Clone)]
pub struct Packet {
    pub data: Vec<u8>,
    pub wire_len: u32,
}

impl SysPcap {
    /// Loads libpcap.so.0.8, or None when it is not installed.
    pub fn load() -> Option<SysPcap> {
        let lib = open_system_libpcap()?;
        unsafe {
            Some(SysPcap {
                open_dead: sym(lib, c"pcap_open_dead"),
                compile: sym(lib, c"pcap_compile"),
                geterr: sym(lib, c"pcap_geterr"),
                freecode: sym(lib, c"pcap_freecode"),
                close: sym(lib, c"pcap_close"),
                open_offline: sym(lib, c"pcap_open_offline"),
                next_ex: sym(lib, c"pcap_next_ex"),
                datalink: sym(lib, c"pcap_datalink"),
                bpf_filter: sym(lib, c"bpf_filter"),
            })
        }
    }

    /// Compiles with the system library: the instructions or the `pcap_geterr` text.
    pub fn compile(
        &self,
        dlt: i32,
        snaplen: i32,
        text: &str,
        optimize: bool,
        netmask: u32,
    ) -> Result<Vec<Insn>, String> {
        let Ok(c) = CString::new(text) else {
            return Err("NUL in expression".into());
        };
        unsafe {
            let p = (self.open_dead)(dlt, snaplen);
            assert!(!p.is_null());
            let mut prog = BpfProgram {
                bf_len: 0,
                bf_insns: std::ptr::null_mut(),
            };
            let r = if (self.compile)(p, &mut prog, c.as_ptr(), optimize as c_int, netmask) < 0 {
                Err(CStr::from_ptr((self.geterr)(p))
                    .to_string_lossy()
                    .into_owned())
            } else {
                let v = std::slice::from_raw_parts(prog.bf_insns, prog.bf_len as usize).to_vec();
                (self.freecode)(&mut prog);
                Ok(v)
            };
            (self.close)(p);
            r
        }
    }

    /// The system `bpf_filter` verdict.
    pub fn filter(&self, prog: &[Insn], pkt: &Packet) -> u32 {
        unsafe {
            (self.bpf_filter)(
                prog.as_ptr(),
                pkt.data.as_ptr(),
                pkt.wire_len,
                pkt.data.len() as c_uint,
            )
        }
    }

    /// Every packet of a savefile and its link type, or None when the library can't read it.
    pub fn read_file(&self, path: &std::path::Path) -> Option<(i32, Vec<Packet>)> {
        let c = CString::new(path.as_os_str().as_encoded_bytes()).ok()?;
        let mut err = [0 as c_char; 256];
        unsafe {
            let p = (self.open_offline)(c.as_ptr(), err.as_mut_ptr());
            if p.is_null() {
                return None;
            }
            let dlt = (self.datalink)(p);
            let mut out = Vec::new();
            loop {
                let mut h: *mut PktHdr = std::ptr::null_mut();
                let mut d: *const u8 = std::ptr::null();
                if (self.next_ex)(p, &mut h, &mut d) != 1 {
                    break;
                }
                let caplen = (*h).caplen as usize;
                out.push(Packet {
                    data: std::slice::from_raw_parts(d, caplen).to_vec(),
                    wire_len: (*h).len,
                });
            }
            (self.close)(p);
            Some((dlt, out))
        }
    }
}
