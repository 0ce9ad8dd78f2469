//! Name lookups for the filter language and the `pcap_nameto*` calls: hosts (the resolver,
//! `getaddrinfo`), services, protocols and networks (the C library's reentrant `*_r`
//! database calls) and Ethernet host names (`ether_hostton`, i.e. /etc/ethers). All are
//! reentrant: no static buffers.

use std::ffi::{c_char, c_int, CStr, CString};
use std::net::IpAddr;

#[repr(C)]
struct Servent {
    s_name: *mut c_char,
    s_aliases: *mut *mut c_char,
    s_port: c_int,
    s_proto: *mut c_char,
}

#[repr(C)]
struct Protoent {
    p_name: *mut c_char,
    p_aliases: *mut *mut c_char,
    p_proto: c_int,
}

#[repr(C)]
struct Netent {
    n_name: *mut c_char,
    n_aliases: *mut *mut c_char,
    n_addrtype: c_int,
    n_net: u32,
}

// The C library's reentrant database calls (not ours: the header drift check skips imports).
extern "C" {
    fn getservbyname_r(
        name: *const c_char,
        proto: *const c_char,
        result_buf: *mut Servent,
        buf: *mut c_char,
        buflen: usize,
        result: *mut *mut Servent,
    ) -> c_int;
    fn getprotobyname_r(
        name: *const c_char,
        result_buf: *mut Protoent,
        buf: *mut c_char,
        buflen: usize,
        result: *mut *mut Protoent,
    ) -> c_int;
    fn getnetbyname_r(
        name: *const c_char,
        result_buf: *mut Netent,
        buf: *mut c_char,
        buflen: usize,
        result: *mut *mut Netent,
        h_errnop: *mut c_int,
    ) -> c_int;
    fn ether_hostton(hostname: *const c_char, addr: *mut [u8; 6]) -> c_int;
}

const BUF: usize = 4096;

/// The port a service name has for `proto` ("tcp" or "udp").
fn service(name: &CStr, proto: &CStr) -> Option<u32> {
    let mut ent: Servent = Servent {
        s_name: std::ptr::null_mut(),
        s_aliases: std::ptr::null_mut(),
        s_port: 0,
        s_proto: std::ptr::null_mut(),
    };
    let mut buf = vec![0 as c_char; BUF];
    let mut out: *mut Servent = std::ptr::null_mut();
    // SAFETY: every pointer refers to a live local of the declared size.
    let rc = unsafe {
        getservbyname_r(
            name.as_ptr(),
            proto.as_ptr(),
            &mut ent,
            buf.as_mut_ptr(),
            BUF,
            &mut out,
        )
    };
    if rc != 0 || out.is_null() {
        return None;
    }
    Some(u16::from_be(ent.s_port as u16) as u32)
}

/// IP protocol numbers.
pub const IPPROTO_TCP: u32 = 6;
pub const IPPROTO_UDP: u32 = 17;

/// A service name: its port, and the one protocol it is defined for (None when it is
/// defined for both TCP and UDP, or the port differs).
pub fn port(name: &str) -> Option<(u32, Option<u32>)> {
    let c = CString::new(name).ok()?;
    let tcp = service(&c, c"tcp");
    let udp = service(&c, c"udp");
    match (tcp, udp) {
        (Some(t), Some(u)) if t == u => Some((t, None)),
        (Some(t), _) => Some((t, Some(IPPROTO_TCP))),
        (None, Some(u)) => Some((u, Some(IPPROTO_UDP))),
        (None, None) => None,
    }
}

/// C's `sscanf("%d")` at the front of `text` (the scanner hands over no blanks): a sign,
/// digits, the value `strtol` gives narrowed to an int; and the rest of the text.
fn scan_int(text: &str) -> Option<(i32, &str)> {
    let b = text.as_bytes();
    let sign = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let digits = b[sign..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let end = sign + digits;
    let v: i64 = text[..end]
        .parse()
        .unwrap_or(if b[0] == b'-' { i64::MIN } else { i64::MAX });
    Some((v as i32, &text[end..]))
}

/// A service name or number as `pcap_nametoport` resolves it (through the resolver, so
/// a number is its own port): the port, and its protocol when only one has it.
fn range_part(text: &str) -> Option<(i32, Option<u32>)> {
    let c = CString::new(text).ok()?;
    let tcp = resolver_port(&c, true);
    let udp = resolver_port(&c, false);
    match (tcp, udp) {
        (Some(t), Some(u)) if t == u => Some((i32::from(t), None)),
        (Some(t), _) => Some((i32::from(t), Some(IPPROTO_TCP))),
        (None, Some(u)) => Some((i32::from(u), Some(IPPROTO_UDP))),
        (None, None) => None,
    }
}

/// `lo-hi` as libpcap 1.10.3's `pcap_nametoportrange` reads it: two numbers (`%d-%d`,
/// anything after them ignored), else two service names or numbers split at the first `-`
/// with their shared protocol. None for anything else, a single name included.
pub fn port_range(text: &str) -> Option<(i32, i32, Option<u32>)> {
    let numbers = scan_int(text).and_then(|(lo, rest)| {
        let rest = rest.strip_prefix('-')?;
        Some((lo, scan_int(rest)?.0))
    });
    if let Some((lo, hi)) = numbers {
        return Some((lo, hi, None));
    }
    let (a, b) = text.split_once('-')?;
    let (lo, p1) = range_part(a)?;
    let (hi, p2) = range_part(b)?;
    Some((lo, hi, if p1 == p2 { p1 } else { None }))
}

/// An IP protocol name (/etc/protocols).
pub fn ip_proto(name: &str) -> Option<u32> {
    let c = CString::new(name).ok()?;
    let mut ent = Protoent {
        p_name: std::ptr::null_mut(),
        p_aliases: std::ptr::null_mut(),
        p_proto: 0,
    };
    let mut buf = vec![0 as c_char; BUF];
    let mut out: *mut Protoent = std::ptr::null_mut();
    // SAFETY: every pointer refers to a live local of the declared size.
    let rc = unsafe { getprotobyname_r(c.as_ptr(), &mut ent, buf.as_mut_ptr(), BUF, &mut out) };
    if rc != 0 || out.is_null() {
        return None;
    }
    Some(ent.p_proto as u32)
}

/// A network name (/etc/networks), host byte order.
pub fn network(name: &str) -> Option<u32> {
    let c = CString::new(name).ok()?;
    let mut ent = Netent {
        n_name: std::ptr::null_mut(),
        n_aliases: std::ptr::null_mut(),
        n_addrtype: 0,
        n_net: 0,
    };
    let mut buf = vec![0 as c_char; BUF];
    let mut out: *mut Netent = std::ptr::null_mut();
    let mut herr: c_int = 0;
    // SAFETY: every pointer refers to a live local of the declared size.
    let rc = unsafe {
        getnetbyname_r(
            c.as_ptr(),
            &mut ent,
            buf.as_mut_ptr(),
            BUF,
            &mut out,
            &mut herr,
        )
    };
    if rc != 0 || out.is_null() {
        return None;
    }
    Some(ent.n_net)
}

/// The addresses of a host name, in the resolver's order (IPv4 and IPv6).
pub fn host_addrs(name: &str) -> Vec<IpAddr> {
    let Ok(c) = CString::new(name) else {
        return Vec::new();
    };
    // SAFETY: a zeroed addrinfo is a valid "no hints" value.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = libc::AF_UNSPEC;
    hints.ai_socktype = libc::SOCK_STREAM;
    let mut res: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: valid C string, hints and out pointer.
    let rc = unsafe { libc::getaddrinfo(c.as_ptr(), std::ptr::null(), &hints, &mut res) };
    if rc != 0 {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut p = res;
    while !p.is_null() {
        // SAFETY: p is a node of the list getaddrinfo returned, freed only below.
        let ai = unsafe { &*p };
        if ai.ai_family == libc::AF_INET && !ai.ai_addr.is_null() {
            // SAFETY: AF_INET entries point to a sockaddr_in.
            let sin = unsafe { &*(ai.ai_addr as *const libc::sockaddr_in) };
            out.push(IpAddr::from(
                u32::from_be(sin.sin_addr.s_addr).to_be_bytes(),
            ));
        } else if ai.ai_family == libc::AF_INET6 && !ai.ai_addr.is_null() {
            // SAFETY: AF_INET6 entries point to a sockaddr_in6.
            let sin6 = unsafe { &*(ai.ai_addr as *const libc::sockaddr_in6) };
            out.push(IpAddr::from(sin6.sin6_addr.s6_addr));
        }
        p = ai.ai_next;
    }
    // SAFETY: res came from getaddrinfo and is freed once.
    unsafe { libc::freeaddrinfo(res) };
    out
}

/// An Ethernet host name (/etc/ethers).
pub fn ether_host(name: &str) -> Option<[u8; 6]> {
    let c = CString::new(name).ok()?;
    let mut mac = [0u8; 6];
    // SAFETY: valid C string and a 6-byte output.
    let rc = unsafe { ether_hostton(c.as_ptr(), &mut mac) };
    (rc == 0).then_some(mac)
}

/// Ethernet protocol names libpcap knows (its `eproto_db`).
pub const EPROTO: &[(&str, u32)] = &[
    ("aarp", 0x80f3),
    ("arp", 0x0806),
    ("atalk", 0x809b),
    ("decnet", 0x6003),
    ("ip", 0x0800),
    ("ip6", 0x86dd),
    ("lat", 0x6004),
    ("loopback", 0x9000),
    ("mopdl", 0x6001),
    ("moprc", 0x6002),
    ("rarp", 0x8035),
    ("sca", 0x6007),
];

/// 802.2 SAP names (`pcap_nametollc`).
pub const LLC: &[(&str, u32)] = &[
    ("iso", 0xfe),
    ("stp", 0x42),
    ("ipx", 0xe0),
    ("netbeui", 0xf0),
];

pub fn llc(name: &str) -> Option<u32> {
    LLC.iter().find(|(n, _)| *n == name).map(|&(_, v)| v)
}

pub fn eproto(name: &str) -> Option<u32> {
    EPROTO.iter().find(|(n, _)| *n == name).map(|&(_, v)| v)
}

/// A MAC address in any of the forms the filter language accepts: `xx:xx:xx:xx:xx:xx`,
/// `xx.xx...`, `xx-xx...`, `xxxx.xxxx.xxxx`, `xxxxxxxxxxxx`.
pub fn parse_mac(text: &str) -> Option<[u8; 6]> {
    let hex: String = text.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    let mut out = [0u8; 6];
    let groups: Vec<&str> = text.split([':', '.', '-']).collect();
    if groups.len() == 6 {
        for (i, g) in groups.iter().enumerate() {
            out[i] = u8::from_str_radix(g, 16).ok()?;
        }
        return Some(out);
    }
    if hex.len() != 12 {
        return None;
    }
    for i in 0..6 {
        out[i] = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// A service's port for TCP or UDP as the resolver sees it (`getaddrinfo` with no host):
/// unlike [`port`], numbers are accepted too, with the resolver's own leniency (leading
/// blanks and `+`, values taken modulo 65536). This is what `pcap_nametoport` measures as.
pub fn resolver_port(name: &CStr, tcp: bool) -> Option<u16> {
    // SAFETY: a zeroed addrinfo is a valid "no hints" value.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = libc::AF_UNSPEC;
    (hints.ai_socktype, hints.ai_protocol) = if tcp {
        (libc::SOCK_STREAM, libc::IPPROTO_TCP)
    } else {
        (libc::SOCK_DGRAM, libc::IPPROTO_UDP)
    };
    let mut res: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: valid C string, hints and out pointer.
    let rc = unsafe { libc::getaddrinfo(std::ptr::null(), name.as_ptr(), &hints, &mut res) };
    if rc != 0 || res.is_null() {
        return None;
    }
    // SAFETY: res is the first node of getaddrinfo's list; both families put the port at the
    // same offset (sin_port / sin6_port), read from the family the node declares.
    let port = unsafe {
        let ai = &*res;
        match ai.ai_family {
            libc::AF_INET => Some((*(ai.ai_addr as *const libc::sockaddr_in)).sin_port),
            libc::AF_INET6 => Some((*(ai.ai_addr as *const libc::sockaddr_in6)).sin6_port),
            _ => None,
        }
    };
    // SAFETY: res came from getaddrinfo and is freed once.
    unsafe { libc::freeaddrinfo(res) };
    port.map(u16::from_be)
}

/// A host's TCP stream addresses as `getaddrinfo`'s own list, for a caller who frees it
/// with `freeaddrinfo` (`pcap_nametoaddrinfo`); NULL when the name does not resolve.
pub fn host_addrinfo_list(name: &CStr) -> *mut libc::addrinfo {
    // SAFETY: a zeroed addrinfo is a valid "no hints" value.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = libc::AF_UNSPEC;
    hints.ai_socktype = libc::SOCK_STREAM;
    hints.ai_protocol = libc::IPPROTO_TCP;
    let mut res: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: valid C string, hints and out pointer.
    let rc = unsafe { libc::getaddrinfo(name.as_ptr(), std::ptr::null(), &hints, &mut res) };
    if rc != 0 {
        return std::ptr::null_mut();
    }
    res
}

extern "C" {
    fn gethostbyname_r(
        name: *const c_char,
        ret: *mut libc::hostent,
        buf: *mut c_char,
        buflen: usize,
        result: *mut *mut libc::hostent,
        h_errnop: *mut c_int,
    ) -> c_int;
}

/// A host's IPv4 addresses, host byte order, as the classic host lookup gives them
/// (`pcap_nametoaddr`): numbers are taken only in digits-and-dots forms (`1.2.3` yes,
/// `0x7f.1` no, measured), unlike `getaddrinfo`.
pub fn host_ipv4_addrs(name: &str) -> Vec<u32> {
    let Ok(c) = CString::new(name) else {
        return Vec::new();
    };
    let mut size = BUF;
    loop {
        // SAFETY: a zeroed hostent is a valid output slot.
        let mut ent: libc::hostent = unsafe { std::mem::zeroed() };
        let mut buf = vec![0 as c_char; size];
        let mut out: *mut libc::hostent = std::ptr::null_mut();
        let mut herr: c_int = 0;
        // SAFETY: every pointer refers to a live local of the declared size.
        let rc = unsafe {
            gethostbyname_r(
                c.as_ptr(),
                &mut ent,
                buf.as_mut_ptr(),
                size,
                &mut out,
                &mut herr,
            )
        };
        if rc == libc::ERANGE && size < 1 << 20 {
            size *= 4;
            continue;
        }
        if rc != 0 || out.is_null() || ent.h_addrtype != libc::AF_INET || ent.h_length != 4 {
            return Vec::new();
        }
        let mut addrs = Vec::new();
        let mut p = ent.h_addr_list;
        // SAFETY: h_addr_list is a NULL-terminated array of 4-byte addresses inside buf,
        // which is alive for the whole walk.
        unsafe {
            while !p.is_null() && !(*p).is_null() {
                let bytes = std::ptr::read_unaligned((*p).cast::<[u8; 4]>());
                addrs.push(u32::from_be_bytes(bytes));
                p = p.add(1);
            }
        }
        return addrs;
    }
}
