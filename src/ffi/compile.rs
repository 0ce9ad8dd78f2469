//! `pcap_compile` and `pcap_compile_nopcap`: the filter compiler behind the C ABI.
//!
//! The instructions are returned in memory from `malloc`, as libpcap does, so that
//! `pcap_freecode` (which calls `free`) releases them.

use std::ffi::{c_char, c_int, c_uint};

use super::{cstr, with_pcap, PcapT};
use crate::bpf::{Insn, Program};
use crate::error::{Error, Result};
use crate::ffi::types::bpf_program;
use crate::filter::{self, Target, VlanTags};
use crate::source::SourceKind;

/// The netmask value meaning "unknown" (`PCAP_NETMASK_UNKNOWN`).
pub const PCAP_NETMASK_UNKNOWN: u32 = 0xffff_ffff;

/// Copies a program into a `malloc`ed array and stores it in `*fp`.
///
/// # Safety
/// `fp` points to a writable `struct bpf_program`.
unsafe fn store_program(fp: *mut bpf_program, prog: &Program) -> Result<()> {
    let n = prog.insns().len();
    let bytes = n.max(1) * std::mem::size_of::<Insn>();
    // SAFETY: malloc of a non-zero size; checked for NULL below.
    let mem = unsafe { libc::malloc(bytes) }.cast::<Insn>();
    if mem.is_null() {
        return Err(Error::new("malloc: Cannot allocate memory"));
    }
    // SAFETY: mem has room for n instructions; the source is a live Vec of n.
    unsafe {
        std::ptr::copy_nonoverlapping(prog.insns().as_ptr(), mem, n);
        (*fp).bf_len = n as c_uint;
        (*fp).bf_insns = mem;
    }
    Ok(())
}

/// Compiles `text` (NULL reads as the empty expression) for a target.
fn compile_text(
    text: *const c_char,
    target: Target,
    vlan_tags: VlanTags,
    optimize: c_int,
) -> Result<Program> {
    // SAFETY: the caller passes NULL or a C string.
    let text = match unsafe { cstr(text) } {
        Some(s) => s.to_string_lossy().into_owned(),
        None => String::new(),
    };
    filter::compile_for(&text, target, vlan_tags, optimize != 0).map_err(Error::new)
}

/// `pcap_compile`: 0 on success; -1 with the message in `pcap_geterr` on failure.
///
/// # Safety
/// `p` is a live `pcap_t` (or NULL), `fp` a writable `struct bpf_program` (or NULL), `text`
/// NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn pcap_compile(
    p: *mut PcapT,
    fp: *mut bpf_program,
    text: *const c_char,
    optimize: c_int,
    netmask: c_uint,
) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap(p, -1, |h| {
            if fp.is_null() {
                return Err(Error::new("pcap_compile: NULL bpf_program"));
            }
            let core = h.core();
            let target = Target {
                linktype: core.linktype,
                snaplen: core.snaplen as u32,
                netmask,
                savefile: core.source.savefile_swapped(),
            };
            // A live Linux capture sees stripped VLAN tags as ancillary data, and libpcap
            // compiles `vlan` to look there too.
            let vlan_tags = match core.source.kind() {
                SourceKind::Live => VlanTags::Ancillary,
                _ => VlanTags::InPacket,
            };
            let prog = compile_text(text, target, vlan_tags, optimize)?;
            store_program(fp, &prog)?;
            Ok(0)
        })
    }
}

/// `pcap_compile_nopcap`: compiles for a link type and snapshot length without a handle;
/// the error text is lost, as in libpcap (it goes to a temporary handle).
///
/// # Safety
/// `fp` is a writable `struct bpf_program` (or NULL); `text` NULL or a C string.
#[no_mangle]
#[deprecated(note = "use pcap_open_dead(), pcap_compile() and pcap_close()")]
pub unsafe extern "C" fn pcap_compile_nopcap(
    snaplen: c_int,
    linktype: c_int,
    fp: *mut bpf_program,
    text: *const c_char,
    optimize: c_int,
    netmask: c_uint,
) -> c_int {
    super::boundary(-1, || {
        if fp.is_null() {
            return -1;
        }
        let target = Target {
            linktype,
            snaplen: snaplen as u32,
            netmask,
            savefile: None,
        };
        match compile_text(text, target, VlanTags::InPacket, optimize) {
            // SAFETY: fp is non-NULL and writable by the caller's guarantee.
            Ok(prog) => match unsafe { store_program(fp, &prog) } {
                Ok(()) => 0,
                Err(_) => -1,
            },
            Err(_) => -1,
        }
    })
}
