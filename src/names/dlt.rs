//! The link-type (DLT) table: every link type libpcap 1.10.3 knows by name, with its
//! description, exactly as libpcap returns them.
//!
//! The table was measured, not written from memory: the system libpcap 1.10.3 was asked for
//! the name and description of every value from -5 to 70000 (152 answers), and every `DLT_`
//! name in its headers was passed back through `pcap_datalink_name_to_val`; libpcap 1.10.3 has
//! exactly one name per value and accepts no aliases, only case variants (ASCII letters
//! only). `ctests/datalink_table.c` re-checks all of it against the system library.
//!
//! Guarantees: values are unique and ascending; names are unique ASCII identifiers; every
//! name and description is stored NUL-terminated, so `ffi` hands C pointers to static text.

pub use super::Named as LinkType;

/// Declares each link type once: a `pub const NAME: i32` and its table entry.
macro_rules! link_types {
    ($($name:ident = $value:literal, $description:literal;)*) => {
        $(
            #[doc = $description]
            pub const $name: i32 = $value;
        )*
        /// Every link type libpcap 1.10.3 names, in ascending value order.
        pub static TABLE: &[LinkType] = &[
            $(LinkType::new($value, concat!(stringify!($name), "\0"), concat!($description, "\0")),)*
        ];
    };
}

link_types! {
    NULL = 0, "BSD loopback";
    EN10MB = 1, "Ethernet";
    IEEE802 = 6, "Token ring";
    ARCNET = 7, "BSD ARCNET";
    SLIP = 8, "SLIP";
    PPP = 9, "PPP";
    FDDI = 10, "FDDI";
    ATM_RFC1483 = 11, "RFC 1483 LLC-encapsulated ATM";
    RAW = 12, "Raw IP";
    SLIP_BSDOS = 15, "BSD/OS SLIP";
    PPP_BSDOS = 16, "BSD/OS PPP";
    ATM_CLIP = 19, "Linux Classical IP over ATM";
    PPP_SERIAL = 50, "PPP over serial";
    PPP_ETHER = 51, "PPPoE";
    SYMANTEC_FIREWALL = 99, "Symantec Firewall";
    C_HDLC = 104, "Cisco HDLC";
    IEEE802_11 = 105, "802.11";
    FRELAY = 107, "Frame Relay";
    LOOP = 108, "OpenBSD loopback";
    ENC = 109, "OpenBSD encapsulated IP";
    LINUX_SLL = 113, "Linux cooked v1";
    LTALK = 114, "Localtalk";
    PFLOG = 117, "OpenBSD pflog file";
    PRISM_HEADER = 119, "802.11 plus Prism header";
    IP_OVER_FC = 122, "RFC 2625 IP-over-Fibre Channel";
    SUNATM = 123, "Sun raw ATM";
    IEEE802_11_RADIO = 127, "802.11 plus radiotap header";
    ARCNET_LINUX = 129, "Linux ARCNET";
    JUNIPER_MLPPP = 130, "Juniper Multi-Link PPP";
    JUNIPER_MLFR = 131, "Juniper Multi-Link Frame Relay";
    JUNIPER_ES = 132, "Juniper Encryption Services PIC";
    JUNIPER_GGSN = 133, "Juniper GGSN PIC";
    JUNIPER_MFR = 134, "Juniper FRF.16 Frame Relay";
    JUNIPER_ATM2 = 135, "Juniper ATM2 PIC";
    JUNIPER_SERVICES = 136, "Juniper Advanced Services PIC";
    JUNIPER_ATM1 = 137, "Juniper ATM1 PIC";
    APPLE_IP_OVER_IEEE1394 = 138, "Apple IP-over-IEEE 1394";
    MTP2_WITH_PHDR = 139, "SS7 MTP2 with Pseudo-header";
    MTP2 = 140, "SS7 MTP2";
    MTP3 = 141, "SS7 MTP3";
    SCCP = 142, "SS7 SCCP";
    DOCSIS = 143, "DOCSIS";
    LINUX_IRDA = 144, "Linux IrDA";
    IEEE802_11_RADIO_AVS = 163, "802.11 plus AVS radio information header";
    JUNIPER_MONITOR = 164, "Juniper Passive Monitor PIC";
    BACNET_MS_TP = 165, "BACnet MS/TP";
    PPP_PPPD = 166, "PPP for pppd, with direction flag";
    JUNIPER_PPPOE = 167, "Juniper PPPoE";
    JUNIPER_PPPOE_ATM = 168, "Juniper PPPoE/ATM";
    GPRS_LLC = 169, "GPRS LLC";
    GPF_T = 170, "GPF-T";
    GPF_F = 171, "GPF-F";
    JUNIPER_PIC_PEER = 174, "Juniper PIC Peer";
    ERF_ETH = 175, "Ethernet with Endace ERF header";
    ERF_POS = 176, "Packet-over-SONET with Endace ERF header";
    LINUX_LAPD = 177, "Linux vISDN LAPD";
    JUNIPER_ETHER = 178, "Juniper Ethernet";
    JUNIPER_PPP = 179, "Juniper PPP";
    JUNIPER_FRELAY = 180, "Juniper Frame Relay";
    JUNIPER_CHDLC = 181, "Juniper C-HDLC";
    MFR = 182, "FRF.16 Frame Relay";
    JUNIPER_VP = 183, "Juniper Voice PIC";
    A429 = 184, "Arinc 429";
    A653_ICM = 185, "Arinc 653 Interpartition Communication";
    USB_FREEBSD = 186, "USB with FreeBSD header";
    BLUETOOTH_HCI_H4 = 187, "Bluetooth HCI UART transport layer";
    IEEE802_16_MAC_CPS = 188, "IEEE 802.16 MAC Common Part Sublayer";
    USB_LINUX = 189, "USB with Linux header";
    CAN20B = 190, "Controller Area Network (CAN) v. 2.0B";
    IEEE802_15_4_LINUX = 191, "IEEE 802.15.4 with Linux padding";
    PPI = 192, "Per-Packet Information";
    IEEE802_16_MAC_CPS_RADIO = 193, "IEEE 802.16 MAC Common Part Sublayer plus radiotap header";
    JUNIPER_ISM = 194, "Juniper Integrated Service Module";
    IEEE802_15_4 = 195, "IEEE 802.15.4 with FCS";
    SITA = 196, "SITA pseudo-header";
    ERF = 197, "Endace ERF header";
    RAIF1 = 198, "Ethernet with u10 Networks pseudo-header";
    IPMB_KONTRON = 199, "IPMB with Kontron pseudo-header";
    JUNIPER_ST = 200, "Juniper Secure Tunnel";
    BLUETOOTH_HCI_H4_WITH_PHDR = 201, "Bluetooth HCI UART transport layer plus pseudo-header";
    AX25_KISS = 202, "AX.25 with KISS header";
    IPMB_LINUX = 209, "IPMB with Linux/Pigeon Point pseudo-header";
    IEEE802_15_4_NONASK_PHY = 215, "IEEE 802.15.4 with non-ASK PHY data";
    LINUX_EVDEV = 216, "Linux evdev events";
    MPLS = 219, "MPLS with label as link-layer header";
    USB_LINUX_MMAPPED = 220, "USB with padded Linux header";
    DECT = 221, "DECT";
    AOS = 222, "AOS Space Data Link protocol";
    WIHART = 223, "Wireless HART";
    FC_2 = 224, "Fibre Channel FC-2";
    FC_2_WITH_FRAME_DELIMS = 225, "Fibre Channel FC-2 with frame delimiters";
    IPNET = 226, "Solaris ipnet";
    CAN_SOCKETCAN = 227, "CAN-bus with SocketCAN headers";
    IPV4 = 228, "Raw IPv4";
    IPV6 = 229, "Raw IPv6";
    IEEE802_15_4_NOFCS = 230, "IEEE 802.15.4 without FCS";
    DBUS = 231, "D-Bus";
    JUNIPER_VS = 232, "Juniper Virtual Server";
    JUNIPER_SRX_E2E = 233, "Juniper SRX E2E";
    JUNIPER_FIBRECHANNEL = 234, "Juniper Fibre Channel";
    DVB_CI = 235, "DVB-CI";
    MUX27010 = 236, "MUX27010";
    STANAG_5066_D_PDU = 237, "STANAG 5066 D_PDUs";
    JUNIPER_ATM_CEMIC = 238, "Juniper ATM CEMIC";
    NFLOG = 239, "Linux netfilter log messages";
    NETANALYZER = 240, "Ethernet with Hilscher netANALYZER pseudo-header";
    NETANALYZER_TRANSPARENT = 241, "Ethernet with Hilscher netANALYZER pseudo-header and with preamble and SFD";
    IPOIB = 242, "RFC 4391 IP-over-Infiniband";
    MPEG_2_TS = 243, "MPEG-2 transport stream";
    NG40 = 244, "ng40 protocol tester Iub/Iur";
    NFC_LLCP = 245, "NFC LLCP PDUs with pseudo-header";
    PFSYNC = 246, "Packet filter state syncing";
    INFINIBAND = 247, "InfiniBand";
    SCTP = 248, "SCTP";
    USBPCAP = 249, "USB with USBPcap header";
    RTAC_SERIAL = 250, "Schweitzer Engineering Laboratories RTAC packets";
    BLUETOOTH_LE_LL = 251, "Bluetooth Low Energy air interface";
    NETLINK = 253, "Linux netlink";
    BLUETOOTH_LINUX_MONITOR = 254, "Bluetooth Linux Monitor";
    BLUETOOTH_BREDR_BB = 255, "Bluetooth Basic Rate/Enhanced Data Rate baseband packets";
    BLUETOOTH_LE_LL_WITH_PHDR = 256, "Bluetooth Low Energy air interface with pseudo-header";
    PROFIBUS_DL = 257, "PROFIBUS data link layer";
    PKTAP = 258, "Apple DLT_PKTAP";
    EPON = 259, "Ethernet with 802.3 Clause 65 EPON preamble";
    IPMI_HPM_2 = 260, "IPMI trace packets";
    ZWAVE_R1_R2 = 261, "Z-Wave RF profile R1 and R2 packets";
    ZWAVE_R3 = 262, "Z-Wave RF profile R3 packets";
    WATTSTOPPER_DLM = 263, "WattStopper Digital Lighting Management (DLM) and Legrand Nitoo Open protocol";
    ISO_14443 = 264, "ISO 14443 messages";
    RDS = 265, "IEC 62106 Radio Data System groups";
    USB_DARWIN = 266, "USB with Darwin header";
    OPENFLOW = 267, "OpenBSD DLT_OPENFLOW";
    SDLC = 268, "IBM SDLC frames";
    TI_LLN_SNIFFER = 269, "TI LLN sniffer frames";
    VSOCK = 271, "Linux vsock";
    NORDIC_BLE = 272, "Nordic Semiconductor Bluetooth LE sniffer frames";
    DOCSIS31_XRA31 = 273, "Excentis XRA-31 DOCSIS 3.1 RF sniffer frames";
    ETHERNET_MPACKET = 274, "802.3br mPackets";
    DISPLAYPORT_AUX = 275, "DisplayPort AUX channel monitoring data";
    LINUX_SLL2 = 276, "Linux cooked v2";
    OPENVIZSLA = 278, "OpenVizsla USB";
    EBHSCR = 279, "Elektrobit High Speed Capture and Replay (EBHSCR)";
    VPP_DISPATCH = 280, "VPP graph dispatch tracer";
    DSA_TAG_BRCM = 281, "Broadcom tag";
    DSA_TAG_BRCM_PREPEND = 282, "Broadcom tag (prepended)";
    IEEE802_15_4_TAP = 283, "IEEE 802.15.4 with pseudo-header";
    DSA_TAG_DSA = 284, "Marvell DSA";
    DSA_TAG_EDSA = 285, "Marvell EDSA";
    ELEE = 286, "ELEE lawful intercept packets";
    Z_WAVE_SERIAL = 287, "Z-Wave serial frames between host and chip";
    USB_2_0 = 288, "USB 2.0/1.1/1.0 as transmitted over the cable";
    ATSC_ALP = 289, "ATSC Link-Layer Protocol packets";
}

// The other `DLT_` constants of libpcap 1.10.3's pcap/dlt.h (values as a Linux build sees
// them). libpcap has no table entry of their own for these: `pcap_datalink_val_to_name` gives
// NULL for the values below that no table entry shares, and `pcap_datalink_name_to_val`
// refuses all these names (measured).

/// `DLT_EN3MB`.
pub const EN3MB: i32 = 2;
/// `DLT_AX25`.
pub const AX25: i32 = 3;
/// `DLT_PRONET`.
pub const PRONET: i32 = 4;
/// `DLT_CHAOS`.
pub const CHAOS: i32 = 5;
/// `DLT_REDBACK_SMARTEDGE`.
pub const REDBACK_SMARTEDGE: i32 = 32;
/// `DLT_CHDLC`: another header name for [`C_HDLC`].
pub const CHDLC: i32 = C_HDLC;
/// `DLT_MATCHING_MIN`: another header name for [`C_HDLC`].
pub const MATCHING_MIN: i32 = C_HDLC;
/// `DLT_HDLC`.
pub const HDLC: i32 = 112;
/// `DLT_ECONET`.
pub const ECONET: i32 = 115;
/// `DLT_IPFILTER`.
pub const IPFILTER: i32 = 116;
/// `DLT_CISCO_IOS`.
pub const CISCO_IOS: i32 = 118;
/// `DLT_AIRONET_HEADER`.
pub const AIRONET_HEADER: i32 = 120;
/// `DLT_HHDLC`.
pub const HHDLC: i32 = 121;
/// `DLT_RIO`.
pub const RIO: i32 = 124;
/// `DLT_PCI_EXP`.
pub const PCI_EXP: i32 = 125;
/// `DLT_AURORA`.
pub const AURORA: i32 = 126;
/// `DLT_TZSP`.
pub const TZSP: i32 = 128;
/// `DLT_IBM_SP`.
pub const IBM_SP: i32 = 145;
/// `DLT_IBM_SN`.
pub const IBM_SN: i32 = 146;
/// `DLT_USER0`.
pub const USER0: i32 = 147;
/// `DLT_USER1`.
pub const USER1: i32 = 148;
/// `DLT_USER2`.
pub const USER2: i32 = 149;
/// `DLT_USER3`.
pub const USER3: i32 = 150;
/// `DLT_USER4`.
pub const USER4: i32 = 151;
/// `DLT_USER5`.
pub const USER5: i32 = 152;
/// `DLT_USER6`.
pub const USER6: i32 = 153;
/// `DLT_USER7`.
pub const USER7: i32 = 154;
/// `DLT_USER8`.
pub const USER8: i32 = 155;
/// `DLT_USER9`.
pub const USER9: i32 = 156;
/// `DLT_USER10`.
pub const USER10: i32 = 157;
/// `DLT_USER11`.
pub const USER11: i32 = 158;
/// `DLT_USER12`.
pub const USER12: i32 = 159;
/// `DLT_USER13`.
pub const USER13: i32 = 160;
/// `DLT_USER14`.
pub const USER14: i32 = 161;
/// `DLT_USER15`.
pub const USER15: i32 = 162;
/// `DLT_LINUX_PPP_WITHDIRECTION`: another header name for [`PPP_PPPD`].
pub const LINUX_PPP_WITHDIRECTION: i32 = PPP_PPPD;
/// `DLT_PPP_WITH_DIRECTION`: another header name for [`PPP_PPPD`].
pub const PPP_WITH_DIRECTION: i32 = PPP_PPPD;
/// `DLT_GCOM_T1E1`.
pub const GCOM_T1E1: i32 = 172;
/// `DLT_GCOM_SERIAL`.
pub const GCOM_SERIAL: i32 = 173;
/// `DLT_USB`: another header name for [`USB_FREEBSD`].
pub const USB: i32 = USB_FREEBSD;
/// `DLT_IEEE802_15_4_WITHFCS`: another header name for [`IEEE802_15_4`].
pub const IEEE802_15_4_WITHFCS: i32 = IEEE802_15_4;
/// `DLT_LAPD`.
pub const LAPD: i32 = 203;
/// `DLT_PPP_WITH_DIR`.
pub const PPP_WITH_DIR: i32 = 204;
/// `DLT_C_HDLC_WITH_DIR`.
pub const C_HDLC_WITH_DIR: i32 = 205;
/// `DLT_FRELAY_WITH_DIR`.
pub const FRELAY_WITH_DIR: i32 = 206;
/// `DLT_LAPB_WITH_DIR`.
pub const LAPB_WITH_DIR: i32 = 207;
/// `DLT_FLEXRAY`.
pub const FLEXRAY: i32 = 210;
/// `DLT_MOST`.
pub const MOST: i32 = 211;
/// `DLT_LIN`.
pub const LIN: i32 = 212;
/// `DLT_X2E_SERIAL`.
pub const X2E_SERIAL: i32 = 213;
/// `DLT_X2E_XORAYA`.
pub const X2E_XORAYA: i32 = 214;
/// `DLT_GSMTAP_UM`.
pub const GSMTAP_UM: i32 = 217;
/// `DLT_GSMTAP_ABIS`.
pub const GSMTAP_ABIS: i32 = 218;
/// `DLT_WIRESHARK_UPPER_PDU`.
pub const WIRESHARK_UPPER_PDU: i32 = 252;
/// `DLT_LORATAP`.
pub const LORATAP: i32 = 270;
/// `DLT_SERCOS_MONITOR`.
pub const SERCOS_MONITOR: i32 = 277;
/// `DLT_MATCHING_MAX`: another header name for [`ATSC_ALP`].
pub const MATCHING_MAX: i32 = ATSC_ALP;
/// `DLT_CLASS_NETBSD_RAWAF`.
pub const CLASS_NETBSD_RAWAF: i32 = 0x02240000;

/// The link type with this value, if libpcap names it.
pub fn by_value(value: i32) -> Option<&'static LinkType> {
    TABLE
        .binary_search_by_key(&value, |t| t.value)
        .ok()
        .map(|i| &TABLE[i])
}

/// The link type with this name (without `DLT_`), compared as libpcap does: ASCII letters
/// case-insensitively, everything else exactly.
pub fn by_name(name: &str) -> Option<&'static LinkType> {
    by_name_bytes(name.as_bytes())
}

/// [`by_name`] for bytes that need not be UTF-8 (a C caller's string).
pub fn by_name_bytes(name: &[u8]) -> Option<&'static LinkType> {
    super::find_by_name(TABLE, name)
}

/// `pcap_datalink_val_to_description_or_dlt`'s text: the description, or "DLT <value>".
pub fn description_or_dlt(value: i32) -> std::borrow::Cow<'static, str> {
    match by_value(value) {
        Some(t) => t.description().into(),
        None => format!("DLT {value}").into(),
    }
}

/// How libpcap names a link type in messages: its name, or "DLT <value>".
pub fn name_or_dlt(value: i32) -> std::borrow::Cow<'static, str> {
    match by_value(value) {
        Some(t) => t.name().into(),
        None => format!("DLT {value}").into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_unique_and_terminated() {
        assert_eq!(TABLE.len(), 152, "libpcap 1.10.3 names 152 link types");
        for pair in TABLE.windows(2) {
            assert!(
                pair[0].value < pair[1].value,
                "{} before {}",
                pair[0].value,
                pair[1].value
            );
        }
        for t in TABLE {
            assert!(t
                .name()
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'));
        }
    }

    #[test]
    fn lookups_agree_with_each_other() {
        for t in TABLE {
            assert_eq!(by_value(t.value).map(|x| x.name()), Some(t.name()));
            assert_eq!(by_name(t.name()).map(|x| x.value), Some(t.value));
            assert_eq!(
                by_name(&t.name().to_ascii_lowercase()).map(|x| x.value),
                Some(t.value)
            );
        }
        assert_eq!(by_value(EN10MB).map(|t| t.description()), Some("Ethernet"));
        assert_eq!(by_name("linux_SLL2").map(|t| t.value), Some(LINUX_SLL2));
        assert!(by_name("DLT_EN10MB").is_none());
        assert!(by_name("EN10MB ").is_none());
        assert!(by_name("").is_none());
        assert!(by_value(2).is_none() && by_value(-1).is_none() && by_value(290).is_none());
        assert!(by_value(USER0).is_none() && by_name("USER0").is_none());
        assert!(by_name("CHDLC").is_none() && by_value(CHDLC).is_some());
    }

    #[test]
    fn fallbacks_name_the_number() {
        assert_eq!(description_or_dlt(1), "Ethernet");
        assert_eq!(description_or_dlt(i32::MIN), "DLT -2147483648");
        assert_eq!(name_or_dlt(105), "IEEE802_11");
        assert_eq!(name_or_dlt(-7), "DLT -7");
    }
}
