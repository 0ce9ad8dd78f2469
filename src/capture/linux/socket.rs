//! The AF_PACKET socket a live handle captures and sends on: opening it (raw or cooked),
//! binding it to one interface or all, promiscuous membership, the kernel filter, statistics,
//! and sending. Closing the socket (drop) releases the ring and promiscuous mode with it.

use std::io;
use std::mem::size_of;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use super::sys;
use crate::bpf::Insn;

/// A packet socket.
pub struct PacketSocket {
    fd: OwnedFd,
}

/// `struct tpacket_stats` (the V3 variant has one more field we do not need, but the kernel
/// writes the size we ask for).
#[derive(Clone, Copy, Default)]
#[repr(C)]
struct TpacketStats {
    packets: u32,
    drops: u32,
    freeze_q_cnt: u32,
}

impl PacketSocket {
    /// A packet socket that receives nothing until it is bound: `cooked` selects SOCK_DGRAM
    /// (the kernel strips the link header and reports it in `sockaddr_ll`).
    pub fn open(cooked: bool) -> io::Result<PacketSocket> {
        let kind = if cooked {
            libc::SOCK_DGRAM
        } else {
            libc::SOCK_RAW
        };
        // Protocol 0: no packet is queued before bind chooses the interface and protocol.
        // SAFETY: plain socket(2) call.
        let fd = unsafe { libc::socket(libc::AF_PACKET, kind | libc::SOCK_CLOEXEC, 0) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fd is a fresh descriptor owned by nobody else.
        Ok(PacketSocket {
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
        })
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    pub fn raw_fd(&self) -> i32 {
        self.fd.as_raw_fd()
    }

    pub fn set_int(&self, name: i32, value: i32) -> io::Result<()> {
        sys::setsockopt(self.fd(), libc::SOL_PACKET, name, &value)
    }

    /// Starts delivering packets of `protocol` (host order) from interface `ifindex` (0: all).
    pub fn bind(&self, ifindex: i32, protocol: u16) -> io::Result<()> {
        // SAFETY: sockaddr_ll is plain integers; zero is valid.
        let mut addr: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        addr.sll_family = libc::AF_PACKET as u16;
        addr.sll_protocol = protocol.to_be();
        addr.sll_ifindex = ifindex;
        // SAFETY: addr is a valid sockaddr_ll and the length says so.
        let rc = unsafe {
            libc::bind(
                self.raw_fd(),
                (&addr as *const libc::sockaddr_ll).cast(),
                size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        };
        if rc == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }

    /// Puts the interface in promiscuous mode for as long as this socket lives.
    pub fn add_promiscuous(&self, ifindex: i32) -> io::Result<()> {
        let mreq = sys::PacketMreq {
            mr_ifindex: ifindex,
            mr_type: sys::PACKET_MR_PROMISC,
            mr_alen: 0,
            mr_address: [0; 8],
        };
        sys::setsockopt(
            self.fd(),
            libc::SOL_PACKET,
            sys::PACKET_ADD_MEMBERSHIP,
            &mreq,
        )
    }

    /// Packets received and dropped since the previous call (the kernel resets its counters
    /// on each read; received includes dropped).
    pub fn take_stats(&self) -> io::Result<(u32, u32)> {
        let st: TpacketStats =
            sys::getsockopt(self.fd(), libc::SOL_PACKET, sys::PACKET_STATISTICS)?;
        Ok((st.packets, st.drops))
    }

    /// Attaches a classic BPF program in the kernel (SO_ATTACH_FILTER).
    pub fn attach_filter(&self, insns: &[Insn]) -> io::Result<()> {
        let prog = libc::sock_fprog {
            len: insns.len() as u16,
            filter: insns.as_ptr() as *mut libc::sock_filter,
        };
        sys::setsockopt(self.fd(), libc::SOL_SOCKET, libc::SO_ATTACH_FILTER, &prog)
    }

    /// Removes the kernel filter, if any.
    pub fn detach_filter(&self) {
        let dummy: i32 = 0;
        let _ = sys::setsockopt(self.fd(), libc::SOL_SOCKET, libc::SO_DETACH_FILTER, &dummy);
    }

    /// The pending socket error (SO_ERROR), consumed.
    pub fn take_error(&self) -> i32 {
        sys::getsockopt::<i32>(self.fd(), libc::SOL_SOCKET, libc::SO_ERROR).unwrap_or(0)
    }

    /// Sends one frame on the bound interface.
    pub fn send(&self, bytes: &[u8]) -> io::Result<usize> {
        // SAFETY: bytes is a readable slice of the given length.
        let n = unsafe { libc::send(self.raw_fd(), bytes.as_ptr().cast(), bytes.len(), 0) };
        if n < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(n as usize)
        }
    }
}
