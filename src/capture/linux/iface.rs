//! Questions about one network interface, asked through a socket with SIOCGIF* ioctls or
//! read from sysfs: its index, hardware (ARPHRD_*) type, flags and drop counters.

use std::io;
use std::os::fd::BorrowedFd;

use super::sys;

/// What `pcap_activate` needs to know about the interface it binds to.
#[derive(Clone, Copy, Debug)]
pub struct Interface {
    pub index: i32,
    pub hardware_type: u16,
    pub flags: i32,
}

/// Why an interface could not be looked up.
#[derive(Debug)]
pub enum LookupError {
    /// No interface has that name (or the name cannot be one).
    NoSuchDevice,
    /// The kernel refused for another reason.
    Os(&'static str, io::Error),
}

/// Looks `name` up through `fd` (any socket).
pub fn lookup(fd: BorrowedFd<'_>, name: &str) -> Result<Interface, LookupError> {
    let Some(mut req) = sys::ifreq(name) else {
        return Err(LookupError::NoSuchDevice);
    };
    if name.is_empty() {
        return Err(LookupError::NoSuchDevice);
    }
    let no_device = |e: io::Error, what| match e.raw_os_error() {
        Some(libc::ENODEV) | Some(libc::ENXIO) => LookupError::NoSuchDevice,
        _ => LookupError::Os(what, e),
    };
    sys::ifioctl(fd, libc::SIOCGIFINDEX, &mut req).map_err(|e| no_device(e, "SIOCGIFINDEX"))?;
    // SAFETY: SIOCGIFINDEX filled the ifru_ifindex member of the union.
    let index = unsafe { req.ifr_ifru.ifru_ifindex };
    sys::ifioctl(fd, libc::SIOCGIFHWADDR, &mut req).map_err(|e| no_device(e, "SIOCGIFHWADDR"))?;
    // SAFETY: SIOCGIFHWADDR filled the ifru_hwaddr member.
    let hardware_type = unsafe { req.ifr_ifru.ifru_hwaddr.sa_family };
    sys::ifioctl(fd, libc::SIOCGIFFLAGS, &mut req).map_err(|e| no_device(e, "SIOCGIFFLAGS"))?;
    // SAFETY: SIOCGIFFLAGS filled the ifru_flags member.
    let flags = i32::from(unsafe { req.ifr_ifru.ifru_flags }) & 0xffff;
    Ok(Interface {
        index,
        hardware_type,
        flags,
    })
}

/// The flags (IFF_*) of `name`, or None when it no longer exists.
pub fn flags(fd: BorrowedFd<'_>, name: &str) -> Option<i32> {
    let mut req = sys::ifreq(name)?;
    sys::ifioctl(fd, libc::SIOCGIFFLAGS, &mut req).ok()?;
    // SAFETY: SIOCGIFFLAGS filled the ifru_flags member.
    Some(i32::from(unsafe { req.ifr_ifru.ifru_flags }) & 0xffff)
}

/// A counter from /sys/class/net/<name>/statistics, 0 when unreadable.
pub fn sysfs_counter(name: &str, counter: &str) -> u64 {
    std::fs::read_to_string(format!("/sys/class/net/{name}/statistics/{counter}"))
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0)
}

/// Drops the interface itself reports (missed and FIFO errors): `ps_ifdrop`'s source.
pub fn interface_drops(name: &str) -> u64 {
    sysfs_counter(name, "rx_missed_errors") + sysfs_counter(name, "rx_fifo_errors")
}

/// The MTU of `name` (1500 when it cannot be read).
pub fn mtu(fd: BorrowedFd<'_>, name: &str) -> u32 {
    let Some(mut req) = sys::ifreq(name) else {
        return 1500;
    };
    match sys::ifioctl(fd, libc::SIOCGIFMTU, &mut req) {
        // SAFETY: SIOCGIFMTU filled the ifru_mtu member.
        Ok(()) => unsafe { req.ifr_ifru.ifru_mtu }.max(68) as u32,
        Err(_) => 1500,
    }
}
