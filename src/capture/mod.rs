//! Live capture from network interfaces. Only Linux is supported: [`linux`] holds the
//! AF_PACKET socket, its memory-mapped rings, the interface queries and the link-layer
//! fix-ups that make a captured frame look exactly as libpcap delivers it.

pub mod linux;

mod handle_ops;
