/* oxpcap: the "Linux cooked capture" pseudo-headers of DLT_LINUX_SLL and DLT_LINUX_SLL2,
 * which replace the link-layer header when capturing on the "any" device or on interfaces
 * whose own headers cannot be delivered. All fields are in network byte order. */
#ifndef lib_pcap_sll_h
#define lib_pcap_sll_h

#include <pcap/pcap-inttypes.h>

#define SLL_HDR_LEN 16  /* sizeof(struct sll_header) on the wire */
#define SLL_ADDRLEN 8   /* room for a link-layer address */

/* DLT_LINUX_SLL. */
struct sll_header {
    uint16_t sll_pkttype;           /* LINUX_SLL_HOST ... LINUX_SLL_OUTGOING */
    uint16_t sll_hatype;            /* ARPHRD_ type of the interface */
    uint16_t sll_halen;             /* bytes of sll_addr in use */
    uint8_t sll_addr[SLL_ADDRLEN];  /* the sender's link-layer address */
    uint16_t sll_protocol;          /* Ethernet type, or LINUX_SLL_P_* */
};

#define SLL2_HDR_LEN 20 /* sizeof(struct sll2_header) on the wire */

/* DLT_LINUX_SLL2: adds the interface index and narrows the packet type and length. */
struct sll2_header {
    uint16_t sll2_protocol;         /* Ethernet type, or LINUX_SLL_P_* */
    uint16_t sll2_reserved_mbz;     /* zero */
    uint32_t sll2_if_index;         /* the interface's index, from 1 */
    uint16_t sll2_hatype;           /* ARPHRD_ type of the interface */
    uint8_t sll2_pkttype;           /* LINUX_SLL_HOST ... LINUX_SLL_OUTGOING */
    uint8_t sll2_halen;             /* bytes of sll2_addr in use */
    uint8_t sll2_addr[SLL_ADDRLEN]; /* the sender's link-layer address */
};

/* Packet types: who the packet was for. */
#define LINUX_SLL_HOST      0   /* this host */
#define LINUX_SLL_BROADCAST 1   /* everyone, by broadcast */
#define LINUX_SLL_MULTICAST 2   /* a multicast group */
#define LINUX_SLL_OTHERHOST 3   /* another host (seen in promiscuous mode) */
#define LINUX_SLL_OUTGOING  4   /* sent by this host */

/* Protocol values that are not Ethernet types. */
#define LINUX_SLL_P_802_3   0x0001  /* Novell 802.3 frames without an 802.2 LLC header */
#define LINUX_SLL_P_802_2   0x0004  /* 802.2 LLC frames */
#define LINUX_SLL_P_CAN     0x000C  /* CAN frames with a SocketCAN header */
#define LINUX_SLL_P_CANFD   0x000D  /* CAN FD frames with a SocketCAN header */

#endif /* lib_pcap_sll_h */
