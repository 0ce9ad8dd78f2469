/* oxpcap: the DLT_NFLOG format: packets logged by Linux netfilter's NFLOG target. A packet
 * is an nflog_hdr followed by type-length-value attributes, each 4-byte aligned. The header
 * is in network byte order; the TLV lengths and types are in the capturing host's order. */
#ifndef lib_pcap_nflog_h
#define lib_pcap_nflog_h

#include <pcap/pcap-inttypes.h>

typedef struct nflog_hdr {
    uint8_t nflog_family;       /* AF_INET, AF_INET6, ... */
    uint8_t nflog_version;      /* 0 */
    uint16_t nflog_rid;         /* the logging rule's group */
} nflog_hdr_t;

/* An attribute's header; tlv_length counts this header and the value after it. */
typedef struct nflog_tlv {
    uint16_t tlv_length;
    uint16_t tlv_type;          /* NFULA_* */
} nflog_tlv_t;

/* NFULA_PACKET_HDR's value. */
typedef struct nflog_packet_hdr {
    uint16_t hw_protocol;       /* Ethernet type of the payload */
    uint8_t hook;               /* the netfilter hook that logged it */
    uint8_t pad;
} nflog_packet_hdr_t;

/* NFULA_HWADDR's value. */
typedef struct nflog_hwaddr {
    uint16_t hw_addrlen;
    uint16_t pad;
    uint8_t hw_addr[8];
} nflog_hwaddr_t;

/* NFULA_TIMESTAMP's value (network byte order). */
typedef struct nflog_timestamp {
    uint64_t sec;
    uint64_t usec;
} nflog_timestamp_t;

/* Attribute types. */
#define NFULA_PACKET_HDR         1  /* nflog_packet_hdr_t */
#define NFULA_MARK               2  /* the packet's mark */
#define NFULA_TIMESTAMP          3  /* nflog_timestamp_t */
#define NFULA_IFINDEX_INDEV      4  /* input interface (may be a bridge) */
#define NFULA_IFINDEX_OUTDEV     5  /* output interface (may be a bridge) */
#define NFULA_IFINDEX_PHYSINDEV  6  /* physical input interface */
#define NFULA_IFINDEX_PHYSOUTDEV 7  /* physical output interface */
#define NFULA_HWADDR             8  /* nflog_hwaddr_t */
#define NFULA_PAYLOAD            9  /* the packet, from its network header */
#define NFULA_PREFIX             10 /* the rule's log prefix, NUL-terminated */
#define NFULA_UID                11 /* owner of the sending/receiving socket */
#define NFULA_SEQ                12 /* sequence number on this NFLOG socket */
#define NFULA_SEQ_GLOBAL         13 /* sequence number across all NFLOG sockets */
#define NFULA_GID                14 /* group of the sending/receiving socket */
#define NFULA_HWTYPE             15 /* ARPHRD_ type of the device */
#define NFULA_HWHEADER           16 /* the link-layer header */
#define NFULA_HWLEN              17 /* the link-layer header's length */

#endif /* lib_pcap_nflog_h */
