/* The public structures and constants as C sees them: sizeof, alignment and every field's
 * offset and size of each structure in the pcap headers, and the value of every constant
 * macro. Built against our headers and the system's, the outputs must be identical, which
 * proves a program compiled against either header set shares one binary layout with both
 * libraries. Calls nothing in the library. */
#include <pcap.h>
#include <pcap-bpf.h>
#include <pcap-namedb.h>
#include <pcap/sll.h>
#include <pcap/vlan.h>
#include <pcap/usb.h>
#include <pcap/nflog.h>
#include <pcap/ipnet.h>
#include <pcap/can_socketcan.h>
#include <pcap/bluetooth.h>
#include <stddef.h>
#include <stdio.h>

#define STRUCT(t) printf("%s: size %zu align %zu\n", #t, sizeof(t), _Alignof(t))
#define FIELD(t, f) \
    printf("  %s.%s: offset %zu size %zu\n", #t, #f, offsetof(t, f), sizeof(((t *)0)->f))
#define K(name) printf("%s = %lld\n", #name, (long long)(name))
#define S(name) printf("%s = \"%s\"\n", #name, name)

static void structures(void)
{
    STRUCT(struct pcap_file_header);
    FIELD(struct pcap_file_header, magic);
    FIELD(struct pcap_file_header, version_major);
    FIELD(struct pcap_file_header, version_minor);
    FIELD(struct pcap_file_header, thiszone);
    FIELD(struct pcap_file_header, sigfigs);
    FIELD(struct pcap_file_header, snaplen);
    FIELD(struct pcap_file_header, linktype);

    STRUCT(struct pcap_pkthdr);
    FIELD(struct pcap_pkthdr, ts);
    FIELD(struct pcap_pkthdr, ts.tv_sec);
    FIELD(struct pcap_pkthdr, ts.tv_usec);
    FIELD(struct pcap_pkthdr, caplen);
    FIELD(struct pcap_pkthdr, len);

    STRUCT(struct pcap_stat);
    FIELD(struct pcap_stat, ps_recv);
    FIELD(struct pcap_stat, ps_drop);
    FIELD(struct pcap_stat, ps_ifdrop);

    STRUCT(struct pcap_if);
    STRUCT(pcap_if_t);
    FIELD(struct pcap_if, next);
    FIELD(struct pcap_if, name);
    FIELD(struct pcap_if, description);
    FIELD(struct pcap_if, addresses);
    FIELD(struct pcap_if, flags);

    STRUCT(struct pcap_addr);
    STRUCT(pcap_addr_t);
    FIELD(struct pcap_addr, next);
    FIELD(struct pcap_addr, addr);
    FIELD(struct pcap_addr, netmask);
    FIELD(struct pcap_addr, broadaddr);
    FIELD(struct pcap_addr, dstaddr);

    STRUCT(struct pcap_rmtauth);
    FIELD(struct pcap_rmtauth, type);
    FIELD(struct pcap_rmtauth, username);
    FIELD(struct pcap_rmtauth, password);

    STRUCT(struct pcap_samp);
    FIELD(struct pcap_samp, method);
    FIELD(struct pcap_samp, value);

    STRUCT(struct bpf_program);
    FIELD(struct bpf_program, bf_len);
    FIELD(struct bpf_program, bf_insns);

    STRUCT(struct bpf_insn);
    FIELD(struct bpf_insn, code);
    FIELD(struct bpf_insn, jt);
    FIELD(struct bpf_insn, jf);
    FIELD(struct bpf_insn, k);

    STRUCT(struct pcap_etherent);
    FIELD(struct pcap_etherent, addr);
    FIELD(struct pcap_etherent, name);

    STRUCT(struct sll_header);
    FIELD(struct sll_header, sll_pkttype);
    FIELD(struct sll_header, sll_hatype);
    FIELD(struct sll_header, sll_halen);
    FIELD(struct sll_header, sll_addr);
    FIELD(struct sll_header, sll_protocol);

    STRUCT(struct sll2_header);
    FIELD(struct sll2_header, sll2_protocol);
    FIELD(struct sll2_header, sll2_reserved_mbz);
    FIELD(struct sll2_header, sll2_if_index);
    FIELD(struct sll2_header, sll2_hatype);
    FIELD(struct sll2_header, sll2_pkttype);
    FIELD(struct sll2_header, sll2_halen);
    FIELD(struct sll2_header, sll2_addr);

    STRUCT(struct vlan_tag);
    FIELD(struct vlan_tag, vlan_tpid);
    FIELD(struct vlan_tag, vlan_tci);

    STRUCT(pcap_usb_setup);
    FIELD(pcap_usb_setup, bmRequestType);
    FIELD(pcap_usb_setup, bRequest);
    FIELD(pcap_usb_setup, wValue);
    FIELD(pcap_usb_setup, wIndex);
    FIELD(pcap_usb_setup, wLength);

    STRUCT(iso_rec);
    FIELD(iso_rec, error_count);
    FIELD(iso_rec, numdesc);

    STRUCT(pcap_usb_header);
    FIELD(pcap_usb_header, id);
    FIELD(pcap_usb_header, event_type);
    FIELD(pcap_usb_header, transfer_type);
    FIELD(pcap_usb_header, endpoint_number);
    FIELD(pcap_usb_header, device_address);
    FIELD(pcap_usb_header, bus_id);
    FIELD(pcap_usb_header, setup_flag);
    FIELD(pcap_usb_header, data_flag);
    FIELD(pcap_usb_header, ts_sec);
    FIELD(pcap_usb_header, ts_usec);
    FIELD(pcap_usb_header, status);
    FIELD(pcap_usb_header, urb_len);
    FIELD(pcap_usb_header, data_len);
    FIELD(pcap_usb_header, setup);

    STRUCT(pcap_usb_header_mmapped);
    FIELD(pcap_usb_header_mmapped, id);
    FIELD(pcap_usb_header_mmapped, event_type);
    FIELD(pcap_usb_header_mmapped, transfer_type);
    FIELD(pcap_usb_header_mmapped, endpoint_number);
    FIELD(pcap_usb_header_mmapped, device_address);
    FIELD(pcap_usb_header_mmapped, bus_id);
    FIELD(pcap_usb_header_mmapped, setup_flag);
    FIELD(pcap_usb_header_mmapped, data_flag);
    FIELD(pcap_usb_header_mmapped, ts_sec);
    FIELD(pcap_usb_header_mmapped, ts_usec);
    FIELD(pcap_usb_header_mmapped, status);
    FIELD(pcap_usb_header_mmapped, urb_len);
    FIELD(pcap_usb_header_mmapped, data_len);
    FIELD(pcap_usb_header_mmapped, s);
    FIELD(pcap_usb_header_mmapped, s.setup);
    FIELD(pcap_usb_header_mmapped, s.iso);
    FIELD(pcap_usb_header_mmapped, interval);
    FIELD(pcap_usb_header_mmapped, start_frame);
    FIELD(pcap_usb_header_mmapped, xfer_flags);
    FIELD(pcap_usb_header_mmapped, ndesc);

    STRUCT(usb_isodesc);
    FIELD(usb_isodesc, status);
    FIELD(usb_isodesc, offset);
    FIELD(usb_isodesc, len);
    FIELD(usb_isodesc, pad);

    STRUCT(nflog_hdr_t);
    FIELD(nflog_hdr_t, nflog_family);
    FIELD(nflog_hdr_t, nflog_version);
    FIELD(nflog_hdr_t, nflog_rid);

    STRUCT(nflog_tlv_t);
    FIELD(nflog_tlv_t, tlv_length);
    FIELD(nflog_tlv_t, tlv_type);

    STRUCT(nflog_packet_hdr_t);
    FIELD(nflog_packet_hdr_t, hw_protocol);
    FIELD(nflog_packet_hdr_t, hook);
    FIELD(nflog_packet_hdr_t, pad);

    STRUCT(nflog_hwaddr_t);
    FIELD(nflog_hwaddr_t, hw_addrlen);
    FIELD(nflog_hwaddr_t, pad);
    FIELD(nflog_hwaddr_t, hw_addr);

    STRUCT(nflog_timestamp_t);
    FIELD(nflog_timestamp_t, sec);
    FIELD(nflog_timestamp_t, usec);

    STRUCT(pcap_can_socketcan_hdr);
    FIELD(pcap_can_socketcan_hdr, can_id);
    FIELD(pcap_can_socketcan_hdr, payload_length);
    FIELD(pcap_can_socketcan_hdr, fd_flags);
    FIELD(pcap_can_socketcan_hdr, reserved1);
    FIELD(pcap_can_socketcan_hdr, reserved2);

    STRUCT(pcap_bluetooth_h4_header);
    FIELD(pcap_bluetooth_h4_header, direction);

    STRUCT(pcap_bluetooth_linux_monitor_header);
    FIELD(pcap_bluetooth_linux_monitor_header, adapter_id);
    FIELD(pcap_bluetooth_linux_monitor_header, opcode);

    /* Scalar and callback types. */
    STRUCT(bpf_int32);
    STRUCT(bpf_u_int32);
    STRUCT(pcap_direction_t);
    STRUCT(pcap_handler);
    printf("bpf_int32 signed %d, bpf_u_int32 signed %d, pcap_direction_t signed %d\n",
           (bpf_int32)-1 < 0, (bpf_u_int32)-1 < 0, (pcap_direction_t)-1 < 0);
}

/* The function-like macros, applied to sample values. */
static void macros(void)
{
    static const unsigned samples[] = {0, 1, 0x07, 0x18, 0x3c, 0x95, 0xff, 0x1234,
                                       0x02240002, 0x14000000, 0xffffffffu};
    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
        unsigned x = samples[i];
        printf("x=%#x: CLASS %u SIZE %u MODE %u OP %u SRC %u RVAL %u MISCOP %u WORDALIGN %lu\n",
               x, BPF_CLASS(x), BPF_SIZE(x), BPF_MODE(x), BPF_OP(x), BPF_SRC(x), BPF_RVAL(x),
               BPF_MISCOP(x), (unsigned long)BPF_WORDALIGN((unsigned long)x));
        printf("  DLT_CLASS %u IS_NETBSD_RAWAF %d NETBSD_RAWAF %u NETBSD_RAWAF_AF %u\n",
               DLT_CLASS(x), DLT_IS_NETBSD_RAWAF(x), DLT_NETBSD_RAWAF(x & 0xffff),
               DLT_NETBSD_RAWAF_AF(x));
        printf("  LT_FCS_LENGTH_PRESENT %u LT_FCS_LENGTH %u LT_FCS_DATALINK_EXT %u\n",
               LT_FCS_LENGTH_PRESENT(x), LT_FCS_LENGTH(x), LT_FCS_DATALINK_EXT(x));
    }
    struct bpf_insn prog[] = {
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0800, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, 262144),
        BPF_STMT(BPF_RET | BPF_K, 0),
    };
    for (size_t i = 0; i < sizeof prog / sizeof *prog; i++)
        printf("insn %zu: code %#x jt %u jf %u k %u\n", i, prog[i].code, prog[i].jt, prog[i].jf,
               prog[i].k);
    printf("PCAP_D_INOUT %d PCAP_D_IN %d PCAP_D_OUT %d\n", PCAP_D_INOUT, PCAP_D_IN, PCAP_D_OUT);
    printf("BPF_ALIGNMENT %zu\n", (size_t)BPF_ALIGNMENT);
}

static void constants(void)
{
    K(BPF_A); K(BPF_ABS); K(BPF_ADD); K(BPF_ALU); K(BPF_AND); K(BPF_B); K(BPF_DIV); K(BPF_H);
    K(BPF_IMM); K(BPF_IND); K(BPF_JA); K(BPF_JEQ); K(BPF_JGE); K(BPF_JGT); K(BPF_JMP);
    K(BPF_JSET); K(BPF_K); K(BPF_LD); K(BPF_LDX); K(BPF_LEN); K(BPF_LSH); K(BPF_MEM);
    K(BPF_MEMWORDS); K(BPF_MISC); K(BPF_MOD); K(BPF_MSH); K(BPF_MUL); K(BPF_NEG); K(BPF_OR);
    K(BPF_RELEASE); K(BPF_RET); K(BPF_RSH); K(BPF_ST); K(BPF_STX); K(BPF_SUB); K(BPF_TAX);
    K(BPF_TXA); K(BPF_W); K(BPF_X); K(BPF_XOR);
    K(CANFD_BRS); K(CANFD_ESI); K(CANFD_FDF);
    K(DLT_A429); K(DLT_A653_ICM); K(DLT_AIRONET_HEADER); K(DLT_AOS);
    K(DLT_APPLE_IP_OVER_IEEE1394); K(DLT_ARCNET); K(DLT_ARCNET_LINUX); K(DLT_ATM_CLIP);
    K(DLT_ATM_RFC1483); K(DLT_ATSC_ALP); K(DLT_AURORA); K(DLT_AX25); K(DLT_AX25_KISS);
    K(DLT_BACNET_MS_TP); K(DLT_BLUETOOTH_BREDR_BB); K(DLT_BLUETOOTH_HCI_H4);
    K(DLT_BLUETOOTH_HCI_H4_WITH_PHDR); K(DLT_BLUETOOTH_LE_LL); K(DLT_BLUETOOTH_LE_LL_WITH_PHDR);
    K(DLT_BLUETOOTH_LINUX_MONITOR); K(DLT_CAN20B); K(DLT_CAN_SOCKETCAN); K(DLT_CHAOS);
    K(DLT_CHDLC); K(DLT_CISCO_IOS); K(DLT_CLASS_NETBSD_RAWAF); K(DLT_C_HDLC);
    K(DLT_C_HDLC_WITH_DIR); K(DLT_DBUS); K(DLT_DECT); K(DLT_DISPLAYPORT_AUX); K(DLT_DOCSIS);
    K(DLT_DOCSIS31_XRA31); K(DLT_DSA_TAG_BRCM); K(DLT_DSA_TAG_BRCM_PREPEND); K(DLT_DSA_TAG_DSA);
    K(DLT_DSA_TAG_EDSA); K(DLT_DVB_CI); K(DLT_EBHSCR); K(DLT_ECONET); K(DLT_ELEE); K(DLT_EN10MB);
    K(DLT_EN3MB); K(DLT_ENC); K(DLT_EPON); K(DLT_ERF); K(DLT_ERF_ETH); K(DLT_ERF_POS);
    K(DLT_ETHERNET_MPACKET); K(DLT_FC_2); K(DLT_FC_2_WITH_FRAME_DELIMS); K(DLT_FDDI);
    K(DLT_FLEXRAY); K(DLT_FRELAY); K(DLT_FRELAY_WITH_DIR); K(DLT_GCOM_SERIAL); K(DLT_GCOM_T1E1);
    K(DLT_GPF_F); K(DLT_GPF_T); K(DLT_GPRS_LLC); K(DLT_GSMTAP_ABIS); K(DLT_GSMTAP_UM);
    K(DLT_HDLC); K(DLT_HHDLC); K(DLT_IBM_SN); K(DLT_IBM_SP); K(DLT_IEEE802); K(DLT_IEEE802_11);
    K(DLT_IEEE802_11_RADIO); K(DLT_IEEE802_11_RADIO_AVS); K(DLT_IEEE802_15_4);
    K(DLT_IEEE802_15_4_LINUX); K(DLT_IEEE802_15_4_NOFCS); K(DLT_IEEE802_15_4_NONASK_PHY);
    K(DLT_IEEE802_15_4_TAP); K(DLT_IEEE802_15_4_WITHFCS); K(DLT_IEEE802_16_MAC_CPS);
    K(DLT_IEEE802_16_MAC_CPS_RADIO); K(DLT_INFINIBAND); K(DLT_IPFILTER); K(DLT_IPMB_KONTRON);
    K(DLT_IPMB_LINUX); K(DLT_IPMI_HPM_2); K(DLT_IPNET); K(DLT_IPOIB); K(DLT_IPV4); K(DLT_IPV6);
    K(DLT_IP_OVER_FC); K(DLT_ISO_14443); K(DLT_JUNIPER_ATM1); K(DLT_JUNIPER_ATM2);
    K(DLT_JUNIPER_ATM_CEMIC); K(DLT_JUNIPER_CHDLC); K(DLT_JUNIPER_ES); K(DLT_JUNIPER_ETHER);
    K(DLT_JUNIPER_FIBRECHANNEL); K(DLT_JUNIPER_FRELAY); K(DLT_JUNIPER_GGSN); K(DLT_JUNIPER_ISM);
    K(DLT_JUNIPER_MFR); K(DLT_JUNIPER_MLFR); K(DLT_JUNIPER_MLPPP); K(DLT_JUNIPER_MONITOR);
    K(DLT_JUNIPER_PIC_PEER); K(DLT_JUNIPER_PPP); K(DLT_JUNIPER_PPPOE); K(DLT_JUNIPER_PPPOE_ATM);
    K(DLT_JUNIPER_SERVICES); K(DLT_JUNIPER_SRX_E2E); K(DLT_JUNIPER_ST); K(DLT_JUNIPER_VP);
    K(DLT_JUNIPER_VS); K(DLT_LAPB_WITH_DIR); K(DLT_LAPD); K(DLT_LIN); K(DLT_LINUX_EVDEV);
    K(DLT_LINUX_IRDA); K(DLT_LINUX_LAPD); K(DLT_LINUX_PPP_WITHDIRECTION); K(DLT_LINUX_SLL);
    K(DLT_LINUX_SLL2); K(DLT_LOOP); K(DLT_LORATAP); K(DLT_LTALK); K(DLT_MATCHING_MAX);
    K(DLT_MATCHING_MIN); K(DLT_MFR); K(DLT_MOST); K(DLT_MPEG_2_TS); K(DLT_MPLS); K(DLT_MTP2);
    K(DLT_MTP2_WITH_PHDR); K(DLT_MTP3); K(DLT_MUX27010); K(DLT_NETANALYZER);
    K(DLT_NETANALYZER_TRANSPARENT); K(DLT_NETLINK); K(DLT_NFC_LLCP); K(DLT_NFLOG); K(DLT_NG40);
    K(DLT_NORDIC_BLE); K(DLT_NULL); K(DLT_OPENFLOW); K(DLT_OPENVIZSLA); K(DLT_PCI_EXP);
    K(DLT_PFLOG); K(DLT_PFSYNC); K(DLT_PKTAP); K(DLT_PPI); K(DLT_PPP); K(DLT_PPP_BSDOS);
    K(DLT_PPP_ETHER); K(DLT_PPP_PPPD); K(DLT_PPP_SERIAL); K(DLT_PPP_WITH_DIR);
    K(DLT_PPP_WITH_DIRECTION); K(DLT_PRISM_HEADER); K(DLT_PROFIBUS_DL); K(DLT_PRONET);
    K(DLT_RAIF1); K(DLT_RAW); K(DLT_RDS); K(DLT_REDBACK_SMARTEDGE); K(DLT_RIO);
    K(DLT_RTAC_SERIAL); K(DLT_SCCP); K(DLT_SCTP); K(DLT_SDLC); K(DLT_SERCOS_MONITOR); K(DLT_SITA);
    K(DLT_SLIP); K(DLT_SLIP_BSDOS); K(DLT_STANAG_5066_D_PDU); K(DLT_SUNATM);
    K(DLT_SYMANTEC_FIREWALL); K(DLT_TI_LLN_SNIFFER); K(DLT_TZSP); K(DLT_USB); K(DLT_USBPCAP);
    K(DLT_USB_2_0); K(DLT_USB_DARWIN); K(DLT_USB_FREEBSD); K(DLT_USB_LINUX);
    K(DLT_USB_LINUX_MMAPPED); K(DLT_USER0); K(DLT_USER1); K(DLT_USER10); K(DLT_USER11);
    K(DLT_USER12); K(DLT_USER13); K(DLT_USER14); K(DLT_USER15); K(DLT_USER2); K(DLT_USER3);
    K(DLT_USER4); K(DLT_USER5); K(DLT_USER6); K(DLT_USER7); K(DLT_USER8); K(DLT_USER9);
    K(DLT_VPP_DISPATCH); K(DLT_VSOCK); K(DLT_WATTSTOPPER_DLM); K(DLT_WIHART);
    K(DLT_WIRESHARK_UPPER_PDU); K(DLT_X2E_SERIAL); K(DLT_X2E_XORAYA); K(DLT_ZWAVE_R1_R2);
    K(DLT_ZWAVE_R3); K(DLT_Z_WAVE_SERIAL);
    K(INVALID_SOCKET);
    K(IPH_AF_INET); K(IPH_AF_INET6);
    K(IPNET_INBOUND); K(IPNET_OUTBOUND);
    K(LINUX_SLL_BROADCAST); K(LINUX_SLL_HOST); K(LINUX_SLL_MULTICAST); K(LINUX_SLL_OTHERHOST);
    K(LINUX_SLL_OUTGOING); K(LINUX_SLL_P_802_2); K(LINUX_SLL_P_802_3); K(LINUX_SLL_P_CAN);
    K(LINUX_SLL_P_CANFD);
    K(NFULA_GID); K(NFULA_HWADDR); K(NFULA_HWHEADER); K(NFULA_HWLEN); K(NFULA_HWTYPE);
    K(NFULA_IFINDEX_INDEV); K(NFULA_IFINDEX_OUTDEV); K(NFULA_IFINDEX_PHYSINDEV);
    K(NFULA_IFINDEX_PHYSOUTDEV); K(NFULA_MARK); K(NFULA_PACKET_HDR); K(NFULA_PAYLOAD);
    K(NFULA_PREFIX); K(NFULA_SEQ); K(NFULA_SEQ_GLOBAL); K(NFULA_TIMESTAMP); K(NFULA_UID);
    K(PCAP_BUF_SIZE); K(PCAP_CHAR_ENC_LOCAL); K(PCAP_CHAR_ENC_UTF_8); K(PCAP_ERRBUF_SIZE);
    K(PCAP_ERROR); K(PCAP_ERROR_ACTIVATED); K(PCAP_ERROR_BREAK);
    K(PCAP_ERROR_CANTSET_TSTAMP_TYPE); K(PCAP_ERROR_IFACE_NOT_UP); K(PCAP_ERROR_NOT_ACTIVATED);
    K(PCAP_ERROR_NOT_RFMON); K(PCAP_ERROR_NO_SUCH_DEVICE); K(PCAP_ERROR_PERM_DENIED);
    K(PCAP_ERROR_PROMISC_PERM_DENIED); K(PCAP_ERROR_RFMON_NOTSUP);
    K(PCAP_ERROR_TSTAMP_PRECISION_NOTSUP); K(PCAP_IF_CONNECTION_STATUS);
    K(PCAP_IF_CONNECTION_STATUS_CONNECTED); K(PCAP_IF_CONNECTION_STATUS_DISCONNECTED);
    K(PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE); K(PCAP_IF_CONNECTION_STATUS_UNKNOWN);
    K(PCAP_IF_LOOPBACK); K(PCAP_IF_RUNNING); K(PCAP_IF_UP); K(PCAP_IF_WIRELESS);
    K(PCAP_NETMASK_UNKNOWN); K(PCAP_OPENFLAG_DATATX_UDP); K(PCAP_OPENFLAG_MAX_RESPONSIVENESS);
    K(PCAP_OPENFLAG_NOCAPTURE_LOCAL); K(PCAP_OPENFLAG_NOCAPTURE_RPCAP);
    K(PCAP_OPENFLAG_PROMISCUOUS); K(PCAP_SAMP_1_EVERY_N); K(PCAP_SAMP_FIRST_AFTER_N_MS);
    K(PCAP_SAMP_NOSAMP); K(PCAP_SRC_FILE); K(PCAP_SRC_IFLOCAL); K(PCAP_SRC_IFREMOTE);
    K(PCAP_TSTAMP_ADAPTER); K(PCAP_TSTAMP_ADAPTER_UNSYNCED); K(PCAP_TSTAMP_HOST);
    K(PCAP_TSTAMP_HOST_HIPREC); K(PCAP_TSTAMP_HOST_HIPREC_UNSYNCED); K(PCAP_TSTAMP_HOST_LOWPREC);
    K(PCAP_TSTAMP_PRECISION_MICRO); K(PCAP_TSTAMP_PRECISION_NANO); K(PCAP_VERSION_MAJOR);
    K(PCAP_VERSION_MINOR); K(PCAP_WARNING); K(PCAP_WARNING_PROMISC_NOTSUP);
    K(PCAP_WARNING_TSTAMP_TYPE_NOTSUP);
    K(PROTO_UNDEF);
    K(RPCAP_HOSTLIST_SIZE); K(RPCAP_RMTAUTH_NULL); K(RPCAP_RMTAUTH_PWD);
    K(SLL2_HDR_LEN);
    K(SLL_ADDRLEN); K(SLL_HDR_LEN);
    K(URB_BULK); K(URB_COMPLETE); K(URB_CONTROL); K(URB_ERROR); K(URB_INTERRUPT);
    K(URB_ISOCHRONOUS); K(URB_SUBMIT); K(URB_TRANSFER_IN);
    K(VLAN_TAG_LEN);
    S(PCAP_SRC_FILE_STRING);
    S(PCAP_SRC_IF_STRING);
    S(PCAP_ETHERS_FILE);
}

int main(void)
{
    structures();
    macros();
    constants();
    return 0;
}
