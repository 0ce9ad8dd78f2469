//! The few kernel interfaces the capture code needs that `libc` does not name, as named
//! constants (values from <linux/if_packet.h>, <linux/sockios.h>), plus small checked wrappers
//! around `setsockopt`/`getsockopt`/`ioctl` so that callers stay free of raw pointers.

use std::io;
use std::mem::{size_of, MaybeUninit};
use std::os::fd::{AsRawFd, BorrowedFd};

pub const PACKET_ADD_MEMBERSHIP: libc::c_int = 1;
pub const PACKET_RX_RING: libc::c_int = 5;
pub const PACKET_STATISTICS: libc::c_int = 6;
pub const PACKET_VERSION: libc::c_int = 10;
pub const PACKET_RESERVE: libc::c_int = 12;
pub const PACKET_MR_PROMISC: libc::c_ushort = 1;
pub const TPACKET_V2: libc::c_int = 1;
pub const TPACKET_V3: libc::c_int = 2;

/// `sll_pkttype` values (<linux/if_packet.h>).
pub const PACKET_HOST: u8 = 0;
pub const PACKET_OUTGOING: u8 = 4;

/// All protocols, for `bind` (network order is applied by the caller).
pub const ETH_P_ALL: u16 = 0x0003;

/// `struct packet_mreq`.
#[repr(C)]
pub struct PacketMreq {
    pub mr_ifindex: libc::c_int,
    pub mr_type: libc::c_ushort,
    pub mr_alen: libc::c_ushort,
    pub mr_address: [u8; 8],
}

/// Sets a socket option whose value is a plain C struct or integer.
pub fn setsockopt<T>(fd: BorrowedFd<'_>, level: i32, name: i32, value: &T) -> io::Result<()> {
    // SAFETY: value points to size_of::<T>() readable bytes for the duration of the call.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (value as *const T).cast(),
            size_of::<T>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Reads a socket option whose value is a plain C struct or integer (all-zero bytes valid).
pub fn getsockopt<T: Copy>(fd: BorrowedFd<'_>, level: i32, name: i32) -> io::Result<T> {
    let mut value = MaybeUninit::<T>::zeroed();
    let mut len = size_of::<T>() as libc::socklen_t;
    // SAFETY: value has room for size_of::<T>() bytes and len says so.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            level,
            name,
            value.as_mut_ptr().cast(),
            &mut len,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: zero-initialised and then (partly) written by the kernel; every T used here is a
    // C integer struct for which any bytes are valid.
    Ok(unsafe { value.assume_init() })
}

/// An interface request (`struct ifreq`) for `name`, or None when the name does not fit.
pub fn ifreq(name: &str) -> Option<libc::ifreq> {
    let bytes = name.as_bytes();
    if bytes.len() >= libc::IFNAMSIZ || bytes.contains(&0) {
        return None;
    }
    // SAFETY: ifreq is a C struct of integers and arrays; all-zero is a valid value.
    let mut req: libc::ifreq = unsafe { std::mem::zeroed() };
    for (dst, src) in req.ifr_name.iter_mut().zip(bytes) {
        *dst = *src as libc::c_char;
    }
    Some(req)
}

/// Runs an interface ioctl (SIOCGIF*) on any socket.
pub fn ifioctl(fd: BorrowedFd<'_>, request: libc::Ioctl, req: &mut libc::ifreq) -> io::Result<()> {
    // SAFETY: every SIOCGIF* request reads and writes one struct ifreq, which req is.
    let rc = unsafe { libc::ioctl(fd.as_raw_fd(), request, req as *mut libc::ifreq) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}
