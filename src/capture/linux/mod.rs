//! Linux live capture over AF_PACKET.
//!
//! - [`socket`]: the packet socket (bind, promiscuous mode, kernel filter, statistics, send).
//! - [`ring`]: the TPACKET_V3 block ring (or immediate mode's V2 frame ring), walked in order.
//! - [`frame`]: one packet's view in either ring type, and the in-place header rewrites.
//! - [`fanout`]: PACKET_FANOUT groups and the `OXPCAP_*` environment.
//! - [`live`]: an activated handle: wait, deliver, libpcap's link-layer rules.
//! - [`pace`]: immediate mode's adaptive wake-ups (a wakeup per packet, or a drain tick).
//! - [`iface`], [`linktype`], [`devices`]: interface queries, ARPHRD -> DLT, pcap_findalldevs.
//! - [`sys`]: kernel constants and checked wrappers for the raw calls.

pub mod cooked;
pub mod devices;
pub mod fanout;
pub mod frame;
pub mod iface;
pub mod linktype;
pub mod live;
pub mod pace;
pub mod ring;
pub mod socket;
pub mod sys;

pub use live::{Direction, Live};
