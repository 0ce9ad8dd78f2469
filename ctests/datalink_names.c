/* pcap_datalink_name_to_val: every DLT_ name of libpcap 1.10.3's headers (only those in its
 * table are accepted), case variants, prefixes, spaces, truncations, garbage, and every
 * single-byte substitution in every known name (which bytes fold onto which). */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char *header_names[] = {
    "A429",
    "A653_ICM",
    "AIRONET_HEADER",
    "AOS",
    "APPLE_IP_OVER_IEEE1394",
    "ARCNET",
    "ARCNET_LINUX",
    "ATM_CLIP",
    "ATM_RFC1483",
    "ATSC_ALP",
    "AURORA",
    "AX25",
    "AX25_KISS",
    "BACNET_MS_TP",
    "BLUETOOTH_BREDR_BB",
    "BLUETOOTH_HCI_H4",
    "BLUETOOTH_HCI_H4_WITH_PHDR",
    "BLUETOOTH_LE_LL",
    "BLUETOOTH_LE_LL_WITH_PHDR",
    "BLUETOOTH_LINUX_MONITOR",
    "CAN20B",
    "CAN_SOCKETCAN",
    "CHAOS",
    "CHDLC",
    "CISCO_IOS",
    "CLASS",
    "CLASS_NETBSD_RAWAF",
    "C_HDLC",
    "C_HDLC_WITH_DIR",
    "DBUS",
    "DECT",
    "DISPLAYPORT_AUX",
    "DOCSIS",
    "DOCSIS31_XRA31",
    "DSA_TAG_BRCM",
    "DSA_TAG_BRCM_PREPEND",
    "DSA_TAG_DSA",
    "DSA_TAG_EDSA",
    "DVB_CI",
    "EBHSCR",
    "ECONET",
    "ELEE",
    "EN10MB",
    "EN3MB",
    "ENC",
    "EPON",
    "ERF",
    "ERF_ETH",
    "ERF_POS",
    "ETHERNET_MPACKET",
    "FC_2",
    "FC_2_WITH_FRAME_DELIMS",
    "FDDI",
    "FLEXRAY",
    "FRELAY",
    "FRELAY_WITH_DIR",
    "GCOM_SERIAL",
    "GCOM_T1E1",
    "GPF_F",
    "GPF_T",
    "GPRS_LLC",
    "GSMTAP_ABIS",
    "GSMTAP_UM",
    "HDLC",
    "HHDLC",
    "HIPPI",
    "IBM_SN",
    "IBM_SP",
    "IEEE802",
    "IEEE802_11",
    "IEEE802_11_RADIO",
    "IEEE802_11_RADIO_AVS",
    "IEEE802_15_4",
    "IEEE802_15_4_LINUX",
    "IEEE802_15_4_NOFCS",
    "IEEE802_15_4_NONASK_PHY",
    "IEEE802_15_4_TAP",
    "IEEE802_15_4_WITHFCS",
    "IEEE802_16_MAC_CPS",
    "IEEE802_16_MAC_CPS_RADIO",
    "INFINIBAND",
    "IPFILTER",
    "IPMB_KONTRON",
    "IPMB_LINUX",
    "IPMI_HPM_2",
    "IPNET",
    "IPOIB",
    "IPV4",
    "IPV6",
    "IP_OVER_FC",
    "ISO_14443",
    "IS_NETBSD_RAWAF",
    "JUNIPER_ATM1",
    "JUNIPER_ATM2",
    "JUNIPER_ATM_CEMIC",
    "JUNIPER_CHDLC",
    "JUNIPER_ES",
    "JUNIPER_ETHER",
    "JUNIPER_FIBRECHANNEL",
    "JUNIPER_FRELAY",
    "JUNIPER_GGSN",
    "JUNIPER_ISM",
    "JUNIPER_MFR",
    "JUNIPER_MLFR",
    "JUNIPER_MLPPP",
    "JUNIPER_MONITOR",
    "JUNIPER_PIC_PEER",
    "JUNIPER_PPP",
    "JUNIPER_PPPOE",
    "JUNIPER_PPPOE_ATM",
    "JUNIPER_SERVICES",
    "JUNIPER_SRX_E2E",
    "JUNIPER_ST",
    "JUNIPER_VP",
    "JUNIPER_VS",
    "LAPB_WITH_DIR",
    "LAPD",
    "LIN",
    "LINUX_EVDEV",
    "LINUX_IRDA",
    "LINUX_LAPD",
    "LINUX_PPP_WITHDIRECTION",
    "LINUX_SLL",
    "LINUX_SLL2",
    "LOOP",
    "LORATAP",
    "LTALK",
    "MATCHING_MAX",
    "MATCHING_MIN",
    "MFR",
    "MOST",
    "MPEG_2_TS",
    "MPLS",
    "MTP2",
    "MTP2_WITH_PHDR",
    "MTP3",
    "MUX27010",
    "NETANALYZER",
    "NETANALYZER_TRANSPARENT",
    "NETBSD_RAWAF",
    "NETBSD_RAWAF_AF",
    "NETLINK",
    "NFC_LLCP",
    "NFLOG",
    "NG40",
    "NORDIC_BLE",
    "NULL",
    "OPENFLOW",
    "OPENVIZSLA",
    "PCI_EXP",
    "PFLOG",
    "PFSYNC",
    "PKTAP",
    "PPI",
    "PPP",
    "PPP_BSDOS",
    "PPP_ETHER",
    "PPP_PPPD",
    "PPP_SERIAL",
    "PPP_WITH_DIR",
    "PPP_WITH_DIRECTION",
    "PRISM_HEADER",
    "PROFIBUS_DL",
    "PRONET",
    "RAIF1",
    "RAW",
    "RDS",
    "REDBACK_SMARTEDGE",
    "RIO",
    "RTAC_SERIAL",
    "SCCP",
    "SCTP",
    "SDLC",
    "SERCOS_MONITOR",
    "SITA",
    "SLIP",
    "SLIP_BSDOS",
    "STANAG_5066_D_PDU",
    "SUNATM",
    "SYMANTEC_FIREWALL",
    "TI_LLN_SNIFFER",
    "TZSP",
    "USB",
    "USBPCAP",
    "USB_2_0",
    "USB_DARWIN",
    "USB_FREEBSD",
    "USB_LINUX",
    "USB_LINUX_MMAPPED",
    "USER0",
    "USER1",
    "USER10",
    "USER11",
    "USER12",
    "USER13",
    "USER14",
    "USER15",
    "USER2",
    "USER3",
    "USER4",
    "USER5",
    "USER6",
    "USER7",
    "USER8",
    "USER9",
    "VPP_DISPATCH",
    "VSOCK",
    "WATTSTOPPER_DLM",
    "WIHART",
    "WIRESHARK_UPPER_PDU",
    "X2E_SERIAL",
    "X2E_XORAYA",
    "ZWAVE_R1_R2",
    "ZWAVE_R3",
    "Z_WAVE_SERIAL",
};

static void try(const char *s)
{
    printf("'%s' -> %d\n", s, pcap_datalink_name_to_val(s));
}

int main(void)
{
    int accepted = 0;
    for (size_t i = 0; i < sizeof header_names / sizeof *header_names; i++) {
        int v = pcap_datalink_name_to_val(header_names[i]);
        const char *back = v >= 0 ? pcap_datalink_val_to_name(v) : "-";
        printf("%s -> %d -> %s\n", header_names[i], v, back ? back : "(NULL)");
        accepted += v >= 0;
    }
    printf("header names accepted: %d of %zu\n", accepted, sizeof header_names / sizeof *header_names);

    const char *odd[] = {"", " ", "en10mb", "En10Mb", "eN10mB", "DLT_EN10MB", "dlt_en10mb",
                         "EN10MB ", " EN10MB", "EN10M", "EN10MBX", "EN10MB\t", "ETHERNET",
                         "SLL", "SLL2", "LINUX_SLL1", "linux_sll", "LINUX-SLL", "IEEE802_5",
                         "USB", "RAW_IP", "raw", "Raw", "ipv4", "IPv6", "null", "NULL", "Null",
                         "0", "1", "-1", "105", "IEEE802_11_radio", "ieee802_11_radio_avs",
                         "\xc9N10MB", "EN10MB\xff", "\xe9n10mb", "a429", "z_wave_serial",
                         "ATSC_ALP", "atsc_alpx", "USER0", "user15", "MATCHING_MIN", NULL};
    for (int i = 0; odd[i]; i++)
        try(odd[i]);
    char longname[2048];
    memset(longname, 'A', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    printf("%zu A's -> %d\n", strlen(longname), pcap_datalink_name_to_val(longname));

    /* Every byte 1..255 in place of every character of every known name. */
    uint64_t digest = 1469598103934665603ull;
    long hits = 0;
    for (int v = 0; v < 70000; v++) {
        const char *name = pcap_datalink_val_to_name(v);
        if (name == NULL)
            continue;
        char buf[128];
        size_t len = strlen(name);
        for (size_t pos = 0; pos < len; pos++)
            for (int b = 1; b < 256; b++) {
                strcpy(buf, name);
                buf[pos] = (char)b;
                int got = pcap_datalink_name_to_val(buf);
                if (got >= 0) {
                    hits++;
                    digest = (digest ^ (uint64_t)(got * 131 + b)) * 1099511628211ull;
                }
            }
    }
    printf("single-byte substitutions accepted: %ld (digest %016llx)\n", hits, (unsigned long long)digest);
    return 0;
}
