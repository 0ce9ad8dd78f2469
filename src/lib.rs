//! oxpcap: libpcap's C ABI over a safe Rust core.
//!
//! The crate builds `libpcap.so`. C callers enter through [`ffi`], the only module with
//! `#[no_mangle]` functions: it checks pointers, borrows the handle, calls the safe core and
//! maps the result to libpcap's return conventions and error text. Behind it, [`handle::Pcap`]
//! is the object a `pcap_t` points to; it owns a [`source::Source`] (dead, savefile or live)
//! that produces packets, and an optional BPF [`bpf::Program`] that filters them in user space.
//! [`bpf`] holds the classic-BPF machine (validation, interpretation, text), [`names`] the
//! tables libpcap exposes (link types, timestamp types, status strings).

pub mod bpf;
pub mod capture;
pub mod error;
pub mod ffi;
pub mod filter;
pub mod handle;
pub mod names;
pub mod savefile;
pub mod source;

pub use error::{Error, Result};
pub use handle::Pcap;

/// The version libpcap programs see; they parse `pcap_lib_version()` for the leading
/// "libpcap version 1.10.3", so that prefix must stay exactly as it is.
pub const LIBPCAP_VERSION: &str = "1.10.3";
