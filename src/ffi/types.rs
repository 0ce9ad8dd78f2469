//! The C structures of libpcap's public headers, laid out exactly as C sees them
//! (checked against both header sets by the struct-layout ctest).
#![allow(non_camel_case_types)]

use std::ffi::{c_int, c_uint};

use crate::bpf::Insn;
use crate::source::PacketHeader;

/// `struct pcap_pkthdr`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct pcap_pkthdr {
    pub ts: libc::timeval,
    pub caplen: u32,
    pub len: u32,
}

impl Default for pcap_pkthdr {
    fn default() -> Self {
        pcap_pkthdr {
            ts: libc::timeval {
                tv_sec: 0,
                tv_usec: 0,
            },
            caplen: 0,
            len: 0,
        }
    }
}

impl From<&PacketHeader> for pcap_pkthdr {
    fn from(h: &PacketHeader) -> Self {
        pcap_pkthdr {
            ts: libc::timeval {
                tv_sec: h.ts_sec as libc::time_t,
                tv_usec: h.ts_frac as libc::suseconds_t,
            },
            caplen: h.caplen,
            len: h.len,
        }
    }
}

/// `struct bpf_program`.
#[repr(C)]
#[derive(Debug)]
pub struct bpf_program {
    pub bf_len: c_uint,
    pub bf_insns: *mut Insn,
}

/// `struct bpf_insn`.
pub type bpf_insn = Insn;

/// `struct pcap_stat` (Linux: no `ps_capt`/`ps_sent`/`ps_netdrop`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct pcap_stat {
    pub ps_recv: c_uint,
    pub ps_drop: c_uint,
    pub ps_ifdrop: c_uint,
}

/// `pcap_handler`: the per-packet callback.
pub type pcap_handler =
    Option<unsafe extern "C" fn(user: *mut u8, header: *const pcap_pkthdr, bytes: *const u8)>;

/// `pcap_direction_t`.
pub type pcap_direction_t = c_int;
