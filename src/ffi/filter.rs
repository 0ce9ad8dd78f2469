//! The BPF calls: `bpf_filter`, `bpf_validate`, `bpf_image`, `bpf_dump`, `pcap_freecode`,
//! `pcap_offline_filter`, `pcap_setfilter`; and the two conversions between C's
//! `struct bpf_program` and our instructions that `pcap_compile` and friends use
//! ([`program_to_c`], [`program_insns`]).
//!
//! `bf_insns` arrays we hand out come from `malloc`, as libpcap's do, so a caller that frees
//! them with `free()` instead of `pcap_freecode` stays correct.

use std::cell::UnsafeCell;
use std::ffi::{c_char, c_int, c_uchar, c_uint, CString};
use std::ptr;

use super::{boundary, pcap_pkthdr, with_pcap_status, PcapT};
use crate::bpf::raw::{self, Unbounded};
use crate::bpf::{image, validate, Insn, Program};
use crate::error::{Error, Result};
use crate::ffi::types::bpf_program;

/// Copies `insns` into a `malloc`ed array and stores it, with its length, in `*out`
/// (what `pcap_compile` returns). Whatever `*out` held before is overwritten, not freed.
///
/// # Safety
/// `out` points to a writable `struct bpf_program`.
pub unsafe fn program_to_c(insns: &[Insn], out: *mut bpf_program) -> Result<()> {
    let len = c_uint::try_from(insns.len()).map_err(|_| Error::new("BPF program is too long"))?;
    // malloc(0) may return NULL; ask for at least one instruction's room.
    let bytes = insns.len().max(1) * std::mem::size_of::<Insn>();
    // SAFETY: a plain allocation, checked for NULL below.
    let mem = unsafe { libc::malloc(bytes) }.cast::<Insn>();
    if mem.is_null() {
        return Err(Error::new("malloc: Cannot allocate memory"));
    }
    // SAFETY: mem has room for insns.len() instructions and cannot overlap a live slice;
    // out is writable by the caller's guarantee.
    unsafe {
        ptr::copy_nonoverlapping(insns.as_ptr(), mem, insns.len());
        (*out).bf_len = len;
        (*out).bf_insns = mem;
    }
    Ok(())
}

/// Borrows the instructions of a C `struct bpf_program`: `bf_len` of them, none when
/// `bf_insns` is NULL.
///
/// # Safety
/// `fp.bf_insns` is NULL or points to `fp.bf_len` readable instructions that outlive `'a`
/// and are not written meanwhile.
pub unsafe fn program_insns(fp: &bpf_program) -> &[Insn] {
    if fp.bf_insns.is_null() || fp.bf_len == 0 {
        &[]
    } else {
        // SAFETY: the caller's guarantee.
        unsafe { std::slice::from_raw_parts(fp.bf_insns, fp.bf_len as usize) }
    }
}

/// The captured bytes of a packet as a slice; empty for NULL.
///
/// # Safety
/// `p` is NULL or points to `len` readable bytes.
unsafe fn packet<'a>(p: *const u8, len: c_uint) -> &'a [u8] {
    if p.is_null() {
        &[]
    } else {
        // SAFETY: the caller's guarantee.
        unsafe { std::slice::from_raw_parts(p, len as usize) }
    }
}

/// `bpf_filter`: runs a program over `buflen` captured bytes of a `wirelen`-byte packet.
/// A NULL program accepts everything (returns `(u_int)-1`), as in libpcap.
///
/// # Safety
/// `pc` is NULL or a program that returns before running off its end; `p` points to
/// `buflen` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn bpf_filter(
    pc: *const Insn,
    p: *const c_uchar,
    wirelen: c_uint,
    buflen: c_uint,
) -> c_uint {
    boundary(0, || {
        if pc.is_null() {
            return c_uint::MAX;
        }
        // SAFETY: forwarded from the caller.
        let (code, data) = unsafe { (Unbounded::new(pc), packet(p, buflen)) };
        raw::run(&code, data, wirelen)
    })
}

/// `bpf_validate`: 1 when libpcap would accept the program, else 0.
///
/// # Safety
/// `f` is NULL or points to `len` readable instructions.
#[no_mangle]
pub unsafe extern "C" fn bpf_validate(f: *const Insn, len: c_int) -> c_int {
    boundary(0, || {
        if f.is_null() || len < 1 {
            return 0;
        }
        // SAFETY: f points to len (> 0) instructions by the caller's guarantee.
        let insns = unsafe { std::slice::from_raw_parts(f, len as usize) };
        validate::is_valid(insns) as c_int
    })
}

/// The static buffer `bpf_image` returns, overwritten by every call (libpcap's contract:
/// the same pointer each time, so concurrent callers race, in both libraries).
struct ImageText(UnsafeCell<[c_char; 256]>);

// SAFETY: written only by bpf_image, whose contract (like libpcap's) is single-threaded use.
unsafe impl Sync for ImageText {}

static IMAGE_TEXT: ImageText = ImageText(UnsafeCell::new([0; 256]));

/// `bpf_image`: the text of instruction `n`, in a static buffer overwritten by each call.
/// NULL for a NULL instruction (libpcap crashes).
///
/// # Safety
/// `p` is NULL or points to a readable instruction.
#[no_mangle]
pub unsafe extern "C" fn bpf_image(p: *const Insn, n: c_int) -> *mut c_char {
    boundary(ptr::null_mut(), || {
        // SAFETY: NULL or readable, by the caller's guarantee.
        let Some(insn) = (unsafe { p.as_ref() }) else {
            return ptr::null_mut();
        };
        let text = image::image(insn, n);
        let buf = IMAGE_TEXT.0.get().cast::<c_char>();
        // SAFETY: the buffer is 256 bytes and write_errbuf writes at most 256 (255 + NUL);
        // the longest image is under 80 bytes anyway.
        unsafe { super::write_errbuf(buf, &text) };
        buf
    })
}

/// `bpf_dump`: prints the program on the C library's stdout (so that it interleaves with
/// the caller's own buffered output) at `tcpdump -d` (option <= 1), `-dd` (2) or `-ddd`
/// (> 2) form.
///
/// # Safety
/// `p` is NULL or a `struct bpf_program` whose `bf_insns` holds `bf_len` instructions.
#[no_mangle]
pub unsafe extern "C" fn bpf_dump(p: *const bpf_program, option: c_int) {
    boundary((), || {
        // SAFETY: NULL or readable, by the caller's guarantee.
        let Some(fp) = (unsafe { p.as_ref() }) else {
            return;
        };
        // SAFETY: forwarded from the caller.
        let insns = unsafe { program_insns(fp) };
        for line in image::dump_lines(insns, option) {
            // Lines are ASCII digits, letters and punctuation: never an interior NUL.
            if let Ok(line) = CString::new(line) {
                // SAFETY: a NUL-terminated string; puts appends the newline.
                unsafe { libc::puts(line.as_ptr()) };
            }
        }
    })
}

/// `pcap_freecode`: frees the instructions (with `free`, as they came from `malloc`) and
/// leaves the program empty. A zeroed or already freed program, or NULL, is fine.
///
/// # Safety
/// `program` is NULL or a `struct bpf_program` whose `bf_insns` is NULL or from `malloc`.
#[no_mangle]
pub unsafe extern "C" fn pcap_freecode(program: *mut bpf_program) {
    boundary((), || {
        // SAFETY: NULL or writable, by the caller's guarantee.
        let Some(fp) = (unsafe { program.as_mut() }) else {
            return;
        };
        fp.bf_len = 0;
        if !fp.bf_insns.is_null() {
            // SAFETY: bf_insns came from malloc (ours or libpcap-compatible code's).
            unsafe { libc::free(fp.bf_insns.cast()) };
            fp.bf_insns = ptr::null_mut();
        }
    })
}

/// `pcap_offline_filter`: the filter's return value for one packet (non-zero: it passes);
/// 0 when the program has no instructions. Like libpcap it runs `bf_insns` until it returns,
/// whatever `bf_len` says.
///
/// # Safety
/// `fp` and `h` are NULL or readable; `pkt` points to `h->caplen` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn pcap_offline_filter(
    fp: *const bpf_program,
    h: *const pcap_pkthdr,
    pkt: *const c_uchar,
) -> c_int {
    boundary(0, || {
        // SAFETY: NULL or readable, by the caller's guarantee.
        let (Some(fp), Some(h)) = (unsafe { fp.as_ref() }, unsafe { h.as_ref() }) else {
            return 0;
        };
        if fp.bf_insns.is_null() {
            return 0;
        }
        // SAFETY: forwarded from the caller (bf_len is not consulted, as in libpcap).
        let (code, data) = unsafe { (Unbounded::new(fp.bf_insns), packet(pkt, h.caplen)) };
        raw::run(&code, data, h.len) as c_int
    })
}

/// `pcap_setfilter`: installs a copy of the program on the handle (see
/// [`crate::Pcap::set_filter`] for what each kind of handle does with it).
///
/// # Safety
/// `p` is NULL or a live `pcap_t`; `fp` is NULL or a `struct bpf_program` whose `bf_insns`
/// is NULL or holds `bf_len` instructions.
#[no_mangle]
pub unsafe extern "C" fn pcap_setfilter(p: *mut PcapT, fp: *mut bpf_program) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_pcap_status(p, |h| {
            // A NULL program, or NULL instructions, make an empty program: invalid, so the
            // handle reports libpcap's "not valid" error (libpcap itself would crash).
            let insns = fp.as_ref().map_or(&[][..], |fp| program_insns(fp));
            h.core().set_filter(Program::new(insns.to_vec()))?;
            Ok(0)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bpf::insn::*;

    #[test]
    fn program_round_trips_through_c_and_freecode_empties_it() {
        let insns = [
            Insn::stmt(BPF_LD | BPF_H | BPF_ABS, 12),
            Insn::stmt(BPF_RET | BPF_K, 7),
        ];
        let mut fp = bpf_program {
            bf_len: 0,
            bf_insns: ptr::null_mut(),
        };
        unsafe { program_to_c(&insns, &mut fp) }.unwrap();
        assert_eq!(unsafe { program_insns(&fp) }, &insns);
        let hdr = pcap_pkthdr {
            caplen: 14,
            len: 60,
            ..pcap_pkthdr::default()
        };
        assert_eq!(
            unsafe { pcap_offline_filter(&fp, &hdr, [0u8; 14].as_ptr()) },
            7
        );
        unsafe { pcap_freecode(&mut fp) };
        assert_eq!((fp.bf_len, fp.bf_insns), (0, ptr::null_mut()));
        unsafe { pcap_freecode(&mut fp) };
        unsafe { pcap_freecode(ptr::null_mut()) };
    }

    #[test]
    fn null_program_accepts_everything() {
        assert_eq!(
            unsafe { bpf_filter(ptr::null(), ptr::null(), 5, 0) },
            u32::MAX
        );
    }
}
