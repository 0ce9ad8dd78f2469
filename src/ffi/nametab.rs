//! The `pcap/namedb.h` calls: host, network, service, protocol, Ethernet-type, LLC and
//! Ethernet-address lookups by name, and the exported `eproto_db` table.
//!
//! The answers come from the same lookups the filter compiler uses ([`crate::names::netdb`])
//! and the ethers reader ([`crate::names::ethers`]); this file only converts. Conventions
//! measured against libpcap 1.10.3: unknown names give `PROTO_UNDEF` (-1) from the protocol
//! calls and 0 from `pcap_nametonetaddr`/`pcap_nametoport*`; `pcap_ether_hostton` and
//! `pcap_ether_aton` return 6 `malloc`ed bytes for `free()`; `pcap_nametoaddrinfo` returns
//! the resolver's own list for `freeaddrinfo`; `pcap_nametoaddr` and `pcap_next_etherent`
//! return static storage that the next call overwrites (libpcap's is not reentrant either).
#![allow(non_camel_case_types, non_upper_case_globals)]

use std::ffi::{c_char, c_int, c_uchar, c_ushort, CStr};
use std::ptr;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;

use super::{boundary, cstr};
use crate::names::{ethers, netdb};

/// `PROTO_UNDEF`: no such protocol, or a service known for both TCP and UDP.
const PROTO_UNDEF: c_int = -1;

/// One entry of `eproto_db`, laid out as libpcap's `struct eproto`.
#[repr(C)]
pub struct eproto {
    pub s: *const c_char,
    pub p: c_ushort,
}

// SAFETY: the entries are immutable and their strings are 'static literals.
unsafe impl Sync for eproto {}

/// The Ethernet types by name, ending with a NULL name, exported as libpcap exports it (not
/// declared in its headers; programs that know it declare it themselves). Same entries, in
/// the same order, as [`netdb::EPROTO`] (checked by the tests below).
#[no_mangle]
pub static eproto_db: [eproto; 13] = [
    eproto {
        s: c"aarp".as_ptr(),
        p: 0x80f3,
    },
    eproto {
        s: c"arp".as_ptr(),
        p: 0x0806,
    },
    eproto {
        s: c"atalk".as_ptr(),
        p: 0x809b,
    },
    eproto {
        s: c"decnet".as_ptr(),
        p: 0x6003,
    },
    eproto {
        s: c"ip".as_ptr(),
        p: 0x0800,
    },
    eproto {
        s: c"ip6".as_ptr(),
        p: 0x86dd,
    },
    eproto {
        s: c"lat".as_ptr(),
        p: 0x6004,
    },
    eproto {
        s: c"loopback".as_ptr(),
        p: 0x9000,
    },
    eproto {
        s: c"mopdl".as_ptr(),
        p: 0x6001,
    },
    eproto {
        s: c"moprc".as_ptr(),
        p: 0x6002,
    },
    eproto {
        s: c"rarp".as_ptr(),
        p: 0x8035,
    },
    eproto {
        s: c"sca".as_ptr(),
        p: 0x6007,
    },
    eproto {
        s: ptr::null(),
        p: 0,
    },
];

/// `struct pcap_etherent`.
#[repr(C)]
pub struct pcap_etherent {
    pub addr: [c_uchar; 6],
    pub name: [c_char; 122],
}

/// A C string as text; None for NULL or text that is not UTF-8 (no name we know is).
///
/// # Safety
/// `s` is NULL or a NUL-terminated string.
unsafe fn text_of<'a>(s: *const c_char) -> Option<&'a str> {
    // SAFETY: forwarded from the caller.
    unsafe { cstr(s) }.and_then(|c| c.to_str().ok())
}

/// Six `malloc`ed bytes holding `mac`, NULL when memory runs out.
fn malloc_mac(mac: [u8; 6]) -> *mut c_uchar {
    // SAFETY: plain allocation; the 6 bytes are written before the caller sees them.
    unsafe {
        let out = libc::malloc(6).cast::<c_uchar>();
        if !out.is_null() {
            ptr::copy_nonoverlapping(mac.as_ptr(), out, 6);
        }
        out
    }
}

/// Writes `value` through an out-parameter the caller may have left NULL.
///
/// # Safety
/// `out` is NULL or a writable `int`.
unsafe fn put(out: *mut c_int, value: c_int) {
    if !out.is_null() {
        // SAFETY: non-NULL and writable, by the caller's guarantee.
        unsafe { *out = value };
    }
}

/// The IPv4 addresses `pcap_nametoaddr` returns, host byte order, and the NULL-terminated
/// array of pointers to them that C sees. Replaced by the next call.
struct AddrTable {
    addrs: Vec<u32>,
    ptrs: Vec<*mut u32>,
}

// SAFETY: the pointers only point into `addrs` of the same table, which moves with it.
unsafe impl Send for AddrTable {}

static ADDR_TABLE: Mutex<AddrTable> = Mutex::new(AddrTable {
    addrs: Vec::new(),
    ptrs: Vec::new(),
});

/// `pcap_nametoaddr` (deprecated): a host's IPv4 addresses in host byte order, as a
/// NULL-terminated array in static storage; NULL when it has none.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
#[deprecated(note = "this is not reentrant; use 'pcap_nametoaddrinfo' instead")]
pub unsafe extern "C" fn pcap_nametoaddr(name: *const c_char) -> *mut *mut u32 {
    // SAFETY: forwarded from the caller.
    let Some(name) = (unsafe { text_of(name) }) else {
        return ptr::null_mut();
    };
    boundary(ptr::null_mut(), || {
        let addrs = netdb::host_ipv4_addrs(name);
        if addrs.is_empty() {
            return ptr::null_mut();
        }
        let mut table = ADDR_TABLE.lock().unwrap_or_else(|e| e.into_inner());
        table.addrs = addrs;
        let base = table.addrs.as_mut_ptr();
        let n = table.addrs.len();
        // SAFETY: i < n, inside the vector just stored.
        table.ptrs = (0..n).map(|i| unsafe { base.add(i) }).collect();
        table.ptrs.push(ptr::null_mut());
        table.ptrs.as_mut_ptr()
    })
}

/// `pcap_nametoaddrinfo`: the resolver's TCP addresses for a host, any family, as a list the
/// caller frees with `freeaddrinfo`; NULL when it does not resolve.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn pcap_nametoaddrinfo(name: *const c_char) -> *mut libc::addrinfo {
    // SAFETY: forwarded from the caller.
    let Some(name) = (unsafe { cstr(name) }) else {
        return ptr::null_mut();
    };
    boundary(ptr::null_mut(), || netdb::host_addrinfo_list(name))
}

/// `pcap_nametonetaddr`: a network from /etc/networks, host byte order; 0 when unknown.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn pcap_nametonetaddr(name: *const c_char) -> u32 {
    // SAFETY: forwarded from the caller.
    let Some(name) = (unsafe { text_of(name) }) else {
        return 0;
    };
    boundary(0, || netdb::network(name).unwrap_or(0))
}

/// A service's port and protocol: the TCP port (protocol 6) or the UDP one (17), or
/// `PROTO_UNDEF` when both exist with the same port.
fn service_port(name: &CStr) -> Option<(c_int, c_int)> {
    let tcp = netdb::resolver_port(name, true);
    let udp = netdb::resolver_port(name, false);
    match (tcp, udp) {
        (Some(t), Some(u)) if t == u => Some((c_int::from(t), PROTO_UNDEF)),
        (Some(t), _) => Some((c_int::from(t), netdb::IPPROTO_TCP as c_int)),
        (None, Some(u)) => Some((c_int::from(u), netdb::IPPROTO_UDP as c_int)),
        (None, None) => None,
    }
}

/// `pcap_nametoport`: 1 with the port and its protocol, 0 (outputs untouched) when unknown.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string; `port` and `proto` are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn pcap_nametoport(
    name: *const c_char,
    port: *mut c_int,
    proto: *mut c_int,
) -> c_int {
    // SAFETY: forwarded from the caller.
    let Some(name) = (unsafe { cstr(name) }) else {
        return 0;
    };
    boundary(0, || match service_port(name) {
        Some((p, pr)) => {
            // SAFETY: forwarded from the caller.
            unsafe {
                put(port, p);
                put(proto, pr);
            }
            1
        }
        None => 0,
    })
}

/// `sscanf`'s `%d`: blanks, a sign, digits; the value as `strtol` gives it (saturating),
/// narrowed to an int. Returns the value and the rest of the text.
fn scan_int(text: &[u8]) -> Option<(c_int, &[u8])> {
    let mut i = text
        .iter()
        .take_while(|&&c| c == b' ' || (9..=13).contains(&c))
        .count();
    let negative = text.get(i) == Some(&b'-');
    if matches!(text.get(i), Some(b'-' | b'+')) {
        i += 1;
    }
    let digits = text[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let mut value: i128 = 0;
    for &d in &text[i..i + digits] {
        value = (value * 10 + i128::from(d - b'0')).min(i128::from(i64::MAX) + 1);
    }
    let value = if negative { -value } else { value };
    let long = value.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
    Some((long as c_int, &text[i + digits..]))
}

/// `pcap_nametoportrange`: `lo-hi` as two numbers (protocol `PROTO_UNDEF`), or two service
/// names or numbers split at the first `-` (the shared protocol, else `PROTO_UNDEF`). 0 when
/// a part is unknown, after writing what the first part gave, as libpcap does.
///
/// # Safety
/// `range` is NULL or a NUL-terminated string; the outputs are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn pcap_nametoportrange(
    range: *const c_char,
    low: *mut c_int,
    high: *mut c_int,
    proto: *mut c_int,
) -> c_int {
    // SAFETY: forwarded from the caller.
    let Some(range) = (unsafe { cstr(range) }) else {
        return 0;
    };
    boundary(0, || {
        let text = range.to_bytes();
        let numbers = scan_int(text).and_then(|(lo, rest)| {
            let rest = rest.strip_prefix(b"-")?;
            Some((lo, scan_int(rest)?.0))
        });
        if let Some((lo, hi)) = numbers {
            // SAFETY: forwarded from the caller.
            unsafe {
                put(low, lo);
                put(high, hi);
                put(proto, PROTO_UNDEF);
            }
            return 1;
        }
        let Some(dash) = text.iter().position(|&c| c == b'-') else {
            return 0;
        };
        let part = |bytes: &[u8]| {
            std::ffi::CString::new(bytes)
                .ok()
                .and_then(|c| service_port(&c))
        };
        let Some((lo, first_proto)) = part(&text[..dash]) else {
            return 0;
        };
        // SAFETY: forwarded from the caller.
        unsafe {
            put(low, lo);
            put(proto, first_proto);
        }
        let Some((hi, second_proto)) = part(&text[dash + 1..]) else {
            return 0;
        };
        let shared = if first_proto == second_proto {
            first_proto
        } else {
            PROTO_UNDEF
        };
        // SAFETY: forwarded from the caller.
        unsafe {
            put(high, hi);
            put(proto, shared);
        }
        1
    })
}

/// `pcap_nametoproto`: an IP protocol number from /etc/protocols, `PROTO_UNDEF` if unknown.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn pcap_nametoproto(name: *const c_char) -> c_int {
    // SAFETY: forwarded from the caller.
    let Some(name) = (unsafe { text_of(name) }) else {
        return PROTO_UNDEF;
    };
    boundary(PROTO_UNDEF, || {
        netdb::ip_proto(name).map_or(PROTO_UNDEF, |p| p as c_int)
    })
}

/// `pcap_nametoeproto`: an Ethernet type from `eproto_db` (exact, case-sensitive name),
/// `PROTO_UNDEF` if unknown.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn pcap_nametoeproto(name: *const c_char) -> c_int {
    // SAFETY: forwarded from the caller.
    let Some(name) = (unsafe { text_of(name) }) else {
        return PROTO_UNDEF;
    };
    boundary(PROTO_UNDEF, || {
        netdb::eproto(name).map_or(PROTO_UNDEF, |p| p as c_int)
    })
}

/// `pcap_nametollc`: an 802.2 SAP (`iso`, `stp`, `ipx`, `netbeui`), `PROTO_UNDEF` if unknown.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn pcap_nametollc(name: *const c_char) -> c_int {
    // SAFETY: forwarded from the caller.
    let Some(name) = (unsafe { text_of(name) }) else {
        return PROTO_UNDEF;
    };
    boundary(PROTO_UNDEF, || {
        netdb::llc(name).map_or(PROTO_UNDEF, |p| p as c_int)
    })
}

/// `pcap_ether_hostton`: a host's Ethernet address from /etc/ethers, `malloc`ed; NULL when
/// unknown.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn pcap_ether_hostton(name: *const c_char) -> *mut c_uchar {
    // SAFETY: forwarded from the caller.
    let Some(name) = (unsafe { text_of(name) }) else {
        return ptr::null_mut();
    };
    boundary(ptr::null_mut(), || {
        netdb::ether_host(name).map_or(ptr::null_mut(), malloc_mac)
    })
}

/// `pcap_ether_aton`: an Ethernet address parsed as libpcap parses it, `malloc`ed.
///
/// # Safety
/// `text` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn pcap_ether_aton(text: *const c_char) -> *mut c_uchar {
    // SAFETY: forwarded from the caller.
    let Some(text) = (unsafe { cstr(text) }) else {
        return ptr::null_mut();
    };
    boundary(ptr::null_mut(), || {
        malloc_mac(ethers::ether_aton(text.to_bytes()))
    })
}

/// `pcap_next_etherent`'s result: one process-wide entry, overwritten by each call, as
/// libpcap's. Bytes are atomics so concurrent callers are defined behaviour on our side.
struct EtherentSlot([AtomicU8; 128]);

static ETHERENT: EtherentSlot = EtherentSlot([const { AtomicU8::new(0) }; 128]);

/// `pcap_next_etherent`: the next entry of an ethers-format stream, NULL at its end.
///
/// # Safety
/// `file` is NULL or an open, readable `FILE`.
#[no_mangle]
pub unsafe extern "C" fn pcap_next_etherent(file: *mut libc::FILE) -> *mut pcap_etherent {
    if file.is_null() {
        return ptr::null_mut();
    }
    boundary(ptr::null_mut(), || {
        let read = || {
            // SAFETY: file is a readable FILE, by the caller's guarantee.
            let c = unsafe { libc::fgetc(file) };
            (c != libc::EOF).then_some(c as u8)
        };
        let Some(entry) = ethers::next_entry(read) else {
            return ptr::null_mut();
        };
        let bytes = entry.addr.iter().chain(entry.name.iter());
        // Relaxed: the slot publishes nothing else; the caller reads it on its own thread.
        for (slot, &b) in ETHERENT.0.iter().zip(bytes) {
            slot.store(b, Ordering::Relaxed);
        }
        ETHERENT.0.as_ptr().cast_mut().cast()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eproto_db_is_the_filter_table() {
        assert_eq!(eproto_db.len(), netdb::EPROTO.len() + 1);
        for (entry, &(n, v)) in eproto_db.iter().zip(netdb::EPROTO) {
            // SAFETY: every non-final entry holds a static C string.
            let s = unsafe { CStr::from_ptr(entry.s) };
            assert_eq!((s.to_str().unwrap(), u32::from(entry.p)), (n, v));
        }
        assert!(eproto_db[netdb::EPROTO.len()].s.is_null());
    }

    #[test]
    fn scan_int_is_scanf_d() {
        assert_eq!(scan_int(b" 20--25").map(|v| v.0), Some(20));
        assert_eq!(scan_int(b"-25").map(|v| v.0), Some(-25));
        assert_eq!(scan_int(b"4294967297").map(|v| v.0), Some(1));
        assert_eq!(scan_int(b"x"), None);
    }
}
