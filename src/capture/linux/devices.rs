//! The device list of `pcap_findalldevs`: every interface (up or down) from `getifaddrs`, in
//! interface-index order, with its addresses in the kernel's order (link-layer first, then
//! IPv4, then IPv6), the `any` pseudo-device, flags, and libpcap's sort: usable devices first
//! (up and running, not loopback), then loopback, then up but not running, then down.
//! Also `pcap_lookupnet`'s IPv4 network and mask.

use std::ffi::CStr;
use std::os::fd::{AsFd, FromRawFd, OwnedFd};

use super::sys;
use crate::error::{Error, Result};

pub const IF_LOOPBACK: u32 = 0x1;
pub const IF_UP: u32 = 0x2;
pub const IF_RUNNING: u32 = 0x4;
pub const IF_WIRELESS: u32 = 0x8;
pub const IF_CONNECTION_STATUS_UNKNOWN: u32 = 0x0;
pub const IF_CONNECTION_STATUS_CONNECTED: u32 = 0x10;
pub const IF_CONNECTION_STATUS_DISCONNECTED: u32 = 0x20;
pub const IF_CONNECTION_STATUS_NOT_APPLICABLE: u32 = 0x30;

/// A socket address, as its raw bytes (the C `struct sockaddr_*` of its family).
pub type SockaddrBytes = Vec<u8>;

/// One address of a device.
#[derive(Clone, Debug, Default)]
pub struct Address {
    pub addr: Option<SockaddrBytes>,
    pub netmask: Option<SockaddrBytes>,
    pub broadaddr: Option<SockaddrBytes>,
    pub dstaddr: Option<SockaddrBytes>,
}

/// One entry of the device list.
#[derive(Clone, Debug)]
pub struct Device {
    pub name: String,
    pub description: Option<String>,
    pub flags: u32,
    pub addresses: Vec<Address>,
}

/// Copies a kernel socket address by its family's size.
fn sockaddr_bytes(sa: *const libc::sockaddr) -> Option<SockaddrBytes> {
    if sa.is_null() {
        return None;
    }
    // SAFETY: getifaddrs gives valid sockaddrs; the family says how long each is.
    let family = i32::from(unsafe { (*sa).sa_family });
    let len = match family {
        libc::AF_INET => size_of::<libc::sockaddr_in>(),
        libc::AF_INET6 => size_of::<libc::sockaddr_in6>(),
        libc::AF_PACKET => size_of::<libc::sockaddr_ll>(),
        _ => return None,
    };
    // SAFETY: sa points to at least `len` bytes of a sockaddr of that family.
    Some(unsafe { std::slice::from_raw_parts(sa.cast::<u8>(), len) }.to_vec())
}

/// PCAP_IF_CONNECTION_STATUS_* from the link state ethtool reports.
fn connection_status(socket: &OwnedFd, name: &str, flags: u32) -> u32 {
    if flags & IF_LOOPBACK != 0 {
        return IF_CONNECTION_STATUS_NOT_APPLICABLE;
    }
    let Some(mut req) = sys::ifreq(name) else {
        return IF_CONNECTION_STATUS_UNKNOWN;
    };
    #[repr(C)]
    struct EthtoolValue {
        cmd: u32,
        data: u32,
    }
    let mut value = EthtoolValue {
        cmd: 0x0000_000a, // ETHTOOL_GLINK
        data: 0,
    };
    req.ifr_ifru.ifru_data = (&mut value as *mut EthtoolValue).cast();
    match sys::ifioctl(socket.as_fd(), libc::SIOCETHTOOL, &mut req) {
        Ok(()) if value.data != 0 => IF_CONNECTION_STATUS_CONNECTED,
        Ok(()) => IF_CONNECTION_STATUS_DISCONNECTED,
        Err(_) => IF_CONNECTION_STATUS_UNKNOWN,
    }
}

fn udp_socket() -> Result<OwnedFd> {
    // SAFETY: plain socket(2) call.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(Error::os("socket", &std::io::Error::last_os_error()));
    }
    // SAFETY: fresh descriptor, owned here.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// libpcap's preference: lower sorts first.
fn merit(flags: u32) -> u32 {
    let mut m = 0;
    if flags & IF_UP == 0 {
        m |= 8;
    }
    if flags & IF_RUNNING == 0 {
        m |= 4;
    }
    if flags & 0x30 == IF_CONNECTION_STATUS_DISCONNECTED {
        m |= 2;
    }
    if flags & IF_LOOPBACK != 0 {
        m |= 1;
    }
    m
}

/// `pcap_findalldevs`' list.
pub fn find_all() -> Result<Vec<Device>> {
    let socket = udp_socket()?;
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list`, freed below with freeifaddrs.
    if unsafe { libc::getifaddrs(&mut list) } != 0 {
        return Err(Error::os("getifaddrs", &std::io::Error::last_os_error()));
    }
    let mut devices: Vec<Device> = Vec::new();
    let mut cursor = list;
    while !cursor.is_null() {
        // SAFETY: cursor walks the list getifaddrs returned, which is still alive.
        let ifa = unsafe { &*cursor };
        cursor = ifa.ifa_next;
        // SAFETY: ifa_name is a NUL-terminated string.
        let name = unsafe { CStr::from_ptr(ifa.ifa_name) }
            .to_string_lossy()
            .into_owned();
        let if_flags = ifa.ifa_flags as i32;
        let index = match devices.iter().position(|d| d.name == name) {
            Some(i) => i,
            None => {
                let mut flags = 0;
                if if_flags & libc::IFF_LOOPBACK != 0 {
                    flags |= IF_LOOPBACK;
                }
                if if_flags & libc::IFF_UP != 0 {
                    flags |= IF_UP;
                }
                if if_flags & libc::IFF_RUNNING != 0 {
                    flags |= IF_RUNNING;
                }
                if std::path::Path::new(&format!("/sys/class/net/{name}/wireless")).exists() {
                    flags |= IF_WIRELESS;
                }
                flags |= connection_status(&socket, &name, flags);
                devices.push(Device {
                    name,
                    description: None,
                    flags,
                    addresses: Vec::new(),
                });
                devices.len() - 1
            }
        };
        let Some(addr) = sockaddr_bytes(ifa.ifa_addr) else {
            continue;
        };
        let mut address = Address {
            addr: Some(addr),
            netmask: sockaddr_bytes(ifa.ifa_netmask),
            ..Address::default()
        };
        if if_flags & libc::IFF_BROADCAST != 0 {
            address.broadaddr = sockaddr_bytes(ifa.ifa_ifu);
        } else if if_flags & libc::IFF_POINTOPOINT != 0 {
            address.dstaddr = sockaddr_bytes(ifa.ifa_ifu);
        }
        devices[index].addresses.push(address);
    }
    // SAFETY: list came from getifaddrs and is not used after this.
    unsafe { libc::freeifaddrs(list) };
    devices.push(Device {
        name: "any".to_string(),
        description: Some("Pseudo-device that captures on all interfaces".to_string()),
        flags: IF_UP | IF_RUNNING | IF_CONNECTION_STATUS_NOT_APPLICABLE,
        addresses: Vec::new(),
    });
    // Stable: equal merit keeps the kernel's (interface index) order, "any" after them.
    devices.sort_by_key(|d| merit(d.flags));
    Ok(devices)
}

/// `pcap_lookupnet`: the IPv4 network number and mask of `device` (raw, network order);
/// (0, 0) for the `any` device.
pub fn lookup_net(device: Option<&str>) -> Result<(u32, u32)> {
    let Some(name) = device.filter(|d| *d != "any") else {
        return Ok((0, 0));
    };
    let socket = udp_socket()?;
    let ask = |request| -> std::result::Result<u32, std::io::Error> {
        let mut req =
            sys::ifreq(name).ok_or_else(|| std::io::Error::from_raw_os_error(libc::ENODEV))?;
        sys::ifioctl(socket.as_fd(), request, &mut req)?;
        // SAFETY: SIOCGIFADDR/SIOCGIFNETMASK fill ifru_addr with an AF_INET sockaddr.
        let sin = unsafe {
            *(&req.ifr_ifru.ifru_addr as *const libc::sockaddr).cast::<libc::sockaddr_in>()
        };
        Ok(sin.sin_addr.s_addr)
    };
    let addr = ask(libc::SIOCGIFADDR).map_err(|e| {
        if e.raw_os_error() == Some(libc::EADDRNOTAVAIL) {
            Error::new(format!("{name}: no IPv4 address assigned"))
        } else {
            Error::os(&format!("SIOCGIFADDR: {name}"), &e)
        }
    })?;
    let mask =
        ask(libc::SIOCGIFNETMASK).map_err(|e| Error::os(&format!("SIOCGIFNETMASK: {name}"), &e))?;
    Ok((addr & mask, mask))
}
