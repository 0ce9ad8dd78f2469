//! Device discovery: `pcap_findalldevs`, `pcap_freealldevs`, `pcap_lookupdev`,
//! `pcap_lookupnet`. The list is built by the core ([`crate::capture::linux::devices`]) and
//! copied here into malloc'ed C structures that `pcap_freealldevs` releases.
#![allow(non_camel_case_types)]

use std::ffi::{c_char, c_int, c_uint};
use std::ptr;

use super::{boundary, cstr, with_errbuf};
use crate::capture::linux::devices::{self, Device};
use crate::error::{Error, Result};

/// `struct pcap_addr`.
#[repr(C)]
pub struct pcap_addr {
    pub next: *mut pcap_addr,
    pub addr: *mut libc::sockaddr,
    pub netmask: *mut libc::sockaddr,
    pub broadaddr: *mut libc::sockaddr,
    pub dstaddr: *mut libc::sockaddr,
}

/// `struct pcap_if` (`pcap_if_t`).
#[repr(C)]
pub struct pcap_if {
    pub next: *mut pcap_if,
    pub name: *mut c_char,
    pub description: *mut c_char,
    pub addresses: *mut pcap_addr,
    pub flags: c_uint,
}

/// malloc'ed, zeroed storage for one `T`.
fn calloc<T>() -> Result<*mut T> {
    // SAFETY: calloc of one T; checked for NULL.
    let p = unsafe { libc::calloc(1, size_of::<T>()) }.cast::<T>();
    if p.is_null() {
        Err(Error::new("malloc: Cannot allocate memory"))
    } else {
        Ok(p)
    }
}

/// A malloc'ed copy of `bytes`, or NULL for None.
fn malloc_copy(bytes: Option<&[u8]>, nul: bool) -> Result<*mut u8> {
    let Some(bytes) = bytes else {
        return Ok(ptr::null_mut());
    };
    let len = bytes.len() + usize::from(nul);
    // SAFETY: malloc of len bytes, checked for NULL, then filled within bounds.
    unsafe {
        let p = libc::malloc(len.max(1)).cast::<u8>();
        if p.is_null() {
            return Err(Error::new("malloc: Cannot allocate memory"));
        }
        ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
        if nul {
            *p.add(bytes.len()) = 0;
        }
        Ok(p)
    }
}

/// Copies one device into C form (appended to a list owned by the caller, so that a failure
/// half-way is still freed by `free_list`).
fn c_device(dev: &Device, out: *mut pcap_if) -> Result<()> {
    // SAFETY: out is a zeroed pcap_if we own; every pointer stored is malloc'ed.
    unsafe {
        (*out).name = malloc_copy(Some(dev.name.as_bytes()), true)?.cast();
        (*out).description =
            malloc_copy(dev.description.as_deref().map(str::as_bytes), true)?.cast();
        (*out).flags = dev.flags;
        let mut tail: *mut *mut pcap_addr = &mut (*out).addresses;
        for a in &dev.addresses {
            let node = calloc::<pcap_addr>()?;
            *tail = node;
            tail = &mut (*node).next;
            (*node).addr = malloc_copy(a.addr.as_deref(), false)?.cast();
            (*node).netmask = malloc_copy(a.netmask.as_deref(), false)?.cast();
            (*node).broadaddr = malloc_copy(a.broadaddr.as_deref(), false)?.cast();
            (*node).dstaddr = malloc_copy(a.dstaddr.as_deref(), false)?.cast();
        }
    }
    Ok(())
}

/// Frees a list built by `pcap_findalldevs`.
///
/// # Safety
/// `list` is NULL or such a list, not used again.
unsafe fn free_list(mut list: *mut pcap_if) {
    // SAFETY: every node and field was malloc'ed by this module (free(NULL) is a no-op).
    unsafe {
        while !list.is_null() {
            let next = (*list).next;
            let mut a = (*list).addresses;
            while !a.is_null() {
                let an = (*a).next;
                libc::free((*a).addr.cast());
                libc::free((*a).netmask.cast());
                libc::free((*a).broadaddr.cast());
                libc::free((*a).dstaddr.cast());
                libc::free(a.cast());
                a = an;
            }
            libc::free((*list).name.cast());
            libc::free((*list).description.cast());
            libc::free(list.cast());
            list = next;
        }
    }
}

/// `pcap_findalldevs`: every interface (including down ones) and `any`; 0 or PCAP_ERROR.
///
/// # Safety
/// `alldevsp` is writable; `errbuf` is NULL or PCAP_ERRBUF_SIZE writable bytes.
#[no_mangle]
pub unsafe extern "C" fn pcap_findalldevs(
    alldevsp: *mut *mut pcap_if,
    errbuf: *mut c_char,
) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_errbuf(errbuf, -1, || {
            if alldevsp.is_null() {
                return Err(Error::new("pcap_findalldevs: NULL list pointer"));
            }
            let list = devices::find_all()?;
            let mut head: *mut pcap_if = ptr::null_mut();
            let mut tail: *mut *mut pcap_if = &mut head;
            for dev in &list {
                let node = match calloc::<pcap_if>() {
                    Ok(n) => n,
                    Err(e) => {
                        free_list(head);
                        return Err(e);
                    }
                };
                *tail = node;
                tail = &mut (*node).next;
                if let Err(e) = c_device(dev, node) {
                    free_list(head);
                    return Err(e);
                }
            }
            *alldevsp = head;
            Ok(0)
        })
    }
}

/// `pcap_freealldevs`.
///
/// # Safety
/// `alldevs` is NULL or a list from `pcap_findalldevs`, not used again.
#[no_mangle]
pub unsafe extern "C" fn pcap_freealldevs(alldevs: *mut pcap_if) {
    // SAFETY: forwarded from the caller.
    boundary((), || unsafe { free_list(alldevs) })
}

/// `pcap_lookupdev`'s result: valid until the next call, as libpcap's static buffer.
static LOOKUPDEV_NAME: std::sync::Mutex<[u8; 17]> = std::sync::Mutex::new([0; 17]);

/// `pcap_lookupdev` (deprecated): the first device of `pcap_findalldevs` that is not a
/// loopback interface.
///
/// # Safety
/// `errbuf` is NULL or PCAP_ERRBUF_SIZE writable bytes.
#[no_mangle]
#[deprecated(note = "use 'pcap_findalldevs' and use the first device")]
pub unsafe extern "C" fn pcap_lookupdev(errbuf: *mut c_char) -> *mut c_char {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_errbuf(errbuf, ptr::null_mut(), || {
            let list = devices::find_all()?;
            let Some(dev) = list.iter().find(|d| d.flags & devices::IF_LOOPBACK == 0) else {
                return Err(Error::new("no suitable device found"));
            };
            let mut buf = LOOKUPDEV_NAME.lock().unwrap_or_else(|e| e.into_inner());
            let n = dev.name.len().min(16);
            buf.fill(0);
            buf[..n].copy_from_slice(&dev.name.as_bytes()[..n]);
            // The static outlives every caller; libpcap's contract is the same buffer.
            Ok(buf.as_mut_ptr().cast())
        })
    }
}

/// `pcap_lookupnet`: the IPv4 network number and netmask of `device`, in network order.
///
/// # Safety
/// `device` is NULL or a C string; `netp`/`maskp` are writable; `errbuf` is NULL or
/// PCAP_ERRBUF_SIZE writable bytes.
#[no_mangle]
pub unsafe extern "C" fn pcap_lookupnet(
    device: *const c_char,
    netp: *mut u32,
    maskp: *mut u32,
    errbuf: *mut c_char,
) -> c_int {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_errbuf(errbuf, -1, || {
            let name = cstr(device).map(|s| s.to_string_lossy().into_owned());
            let (net, mask) = devices::lookup_net(name.as_deref())?;
            if !netp.is_null() {
                *netp = net;
            }
            if !maskp.is_null() {
                *maskp = mask;
            }
            Ok(0)
        })
    }
}
