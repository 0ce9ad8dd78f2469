//! From an interface's hardware type (ARPHRD_*) to the link type (DLT_*) libpcap reports for
//! it, the other link types `pcap_set_datalink` may choose, and whether the capture must use
//! a cooked (SOCK_DGRAM) socket because the kernel's link header is not a useful one.

/// Link types this module names (values from pcap/dlt.h).
pub mod dlt {
    pub const EN10MB: i32 = 1;
    pub const IEEE802: i32 = 6;
    pub const ARCNET_LINUX: i32 = 129;
    pub const FDDI: i32 = 10;
    pub const RAW: i32 = 12;
    pub const C_HDLC: i32 = 104;
    pub const IEEE802_11: i32 = 105;
    pub const FRELAY: i32 = 107;
    pub const LINUX_SLL: i32 = 113;
    pub const LTALK: i32 = 114;
    pub const PRISM_HEADER: i32 = 119;
    pub const IEEE802_11_RADIO: i32 = 127;
    pub const APPLE_IP_OVER_IEEE1394: i32 = 138;
    pub const DOCSIS: i32 = 143;
    pub const LINUX_IRDA: i32 = 144;
    pub const LINUX_LAPD: i32 = 177;
    pub const CAN_SOCKETCAN: i32 = 227;
    pub const IEEE802_15_4_NOFCS: i32 = 230;
    pub const NETLINK: i32 = 253;
    pub const VSOCK: i32 = 271;
    pub const LINUX_SLL2: i32 = 276;
}

/// How frames of one interface are captured and labelled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkMapping {
    /// The link type delivered by default.
    pub linktype: i32,
    /// Every link type `pcap_list_datalinks` offers (the default first).
    pub choices: Vec<i32>,
    /// True when frames come from a SOCK_DGRAM socket with a synthesised SLL header.
    pub cooked: bool,
    /// The warning `pcap_activate` leaves when libpcap does not know the hardware type.
    pub warning: Option<String>,
}

impl LinkMapping {
    fn plain(linktype: i32) -> LinkMapping {
        LinkMapping {
            linktype,
            choices: vec![linktype],
            cooked: false,
            warning: None,
        }
    }

    /// The `any` device, and interfaces whose own headers are useless: cooked capture.
    pub fn cooked() -> LinkMapping {
        LinkMapping {
            linktype: dlt::LINUX_SLL,
            choices: vec![dlt::LINUX_SLL, dlt::LINUX_SLL2],
            cooked: true,
            warning: None,
        }
    }
}

/// The mapping libpcap applies to hardware type `arphrd`.
pub fn for_hardware_type(arphrd: u16) -> LinkMapping {
    match arphrd {
        // Ethernet-like: DOCSIS cable modems' frames look like Ethernet too.
        1 | 2 => LinkMapping {
            linktype: dlt::EN10MB,
            choices: vec![dlt::EN10MB, dlt::DOCSIS],
            cooked: false,
            warning: None,
        },
        // Loopback carries a fake Ethernet header; only that.
        772 => LinkMapping::plain(dlt::EN10MB),
        6 | 800 => LinkMapping::plain(dlt::IEEE802),
        7 => LinkMapping::plain(dlt::ARCNET_LINUX),
        774 => LinkMapping::plain(dlt::FDDI),
        // SLIP variants and interfaces with no link header at all carry raw IP.
        256..=259 | 0xfffe => LinkMapping::plain(dlt::RAW),
        513 => LinkMapping::plain(dlt::C_HDLC),
        770 => LinkMapping::plain(dlt::FRELAY),
        773 => LinkMapping::plain(dlt::LTALK),
        801 => LinkMapping::plain(dlt::IEEE802_11),
        802 => LinkMapping::plain(dlt::PRISM_HEADER),
        803 => LinkMapping::plain(dlt::IEEE802_11_RADIO),
        24 => LinkMapping::plain(dlt::APPLE_IP_OVER_IEEE1394),
        783 => LinkMapping::plain(dlt::LINUX_IRDA),
        8445 => LinkMapping::plain(dlt::LINUX_LAPD),
        280 => LinkMapping::plain(dlt::CAN_SOCKETCAN),
        804 => LinkMapping::plain(dlt::IEEE802_15_4_NOFCS),
        824 => LinkMapping::plain(dlt::NETLINK),
        826 => LinkMapping::plain(dlt::VSOCK),
        // PPP and tunnels: the kernel's header is not the wire's; libpcap cooks them.
        512 | 768 | 769 | 776 | 778 => LinkMapping::cooked(),
        other => LinkMapping {
            warning: Some(format!(
                "arptype {other} not supported by libpcap - falling back to cooked socket"
            )),
            ..LinkMapping::cooked()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ethernet_offers_docsis_but_loopback_does_not() {
        assert_eq!(for_hardware_type(1).choices, vec![1, 143]);
        assert_eq!(for_hardware_type(772).choices, vec![1]);
        assert_eq!(for_hardware_type(0xfffe).linktype, dlt::RAW);
        assert!(for_hardware_type(512).cooked);
        assert!(for_hardware_type(9999).warning.is_some());
    }
}
