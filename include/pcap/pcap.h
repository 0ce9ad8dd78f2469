/* oxpcap: the packet capture API: libpcap 1.10's interface on Linux.
 *
 * Source-compatible with libpcap's <pcap/pcap.h>: the same types, structure layouts, macro
 * names and values, and function prototypes, so programs written for libpcap compile
 * unchanged. The types and constants are written here; the prototypes are generated from
 * the library's Rust signatures (include/pcap/prototypes/). oxpcap's own additions are only
 * in <pcap/oxpcap.h>. */
#ifndef lib_pcap_pcap_h
#define lib_pcap_pcap_h

#include <pcap/funcattrs.h>
#include <pcap/pcap-inttypes.h>
#include <sys/types.h> /* u_char, u_short, u_int */
#include <sys/time.h>  /* struct timeval */
#include <pcap/socket.h>
#include <stdio.h>     /* FILE */

/* Programs that bring their own BPF definitions define this first. */
#ifndef PCAP_DONT_INCLUDE_PCAP_BPF_H
#include <pcap/bpf.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The savefile format version this library writes (pcap_major_version/minor_version of a
 * dead or live handle). */
#define PCAP_VERSION_MAJOR 2
#define PCAP_VERSION_MINOR 4

/* The size of every error buffer a caller hands the library. */
#define PCAP_ERRBUF_SIZE 256

/* Some other BPF header older than the 1994 release may have been used instead of
 * <pcap/bpf.h>; it lacked these. */
#if BPF_RELEASE - 0 < 199406
typedef int bpf_int32;
typedef u_int bpf_u_int32;
#endif

/* Opaque handles. */
typedef struct pcap pcap_t;                /* a capture or savefile being read */
typedef struct pcap_dumper pcap_dumper_t;  /* a savefile being written */
typedef struct pcap_if pcap_if_t;          /* an entry of pcap_findalldevs()'s list */
typedef struct pcap_addr pcap_addr_t;      /* one of an interface's addresses */

/* The header at the start of a pcap savefile (all fields in the writer's byte order). */
struct pcap_file_header {
    bpf_u_int32 magic;         /* 0xa1b2c3d4 (microsecond timestamps) or 0xa1b23c4d (ns) */
    u_short version_major;
    u_short version_minor;
    bpf_int32 thiszone;        /* always 0 */
    bpf_u_int32 sigfigs;       /* always 0 */
    bpf_u_int32 snaplen;
    bpf_u_int32 linktype;      /* LINKTYPE_ value, possibly with FCS bits (below) */
};

/* The upper bits of a savefile's link type can say how many 16-bit words of frame check
 * sequence end each packet. */
#define LT_FCS_LENGTH_PRESENT(x)	((x) & 0x04000000)
#define LT_FCS_LENGTH(x)		(((x) & 0xF0000000) >> 28)
#define LT_FCS_DATALINK_EXT(x)		((((x) & 0xF) << 28) | 0x04000000)

/* Which packets pcap_setdirection() keeps. */
typedef enum {
    PCAP_D_INOUT = 0,   /* both */
    PCAP_D_IN,          /* received */
    PCAP_D_OUT          /* sent */
} pcap_direction_t;

/* What a callback (or pcap_next_ex) receives with each packet. */
struct pcap_pkthdr {
    struct timeval ts;  /* capture time; tv_usec holds nanoseconds on nanosecond handles */
    bpf_u_int32 caplen; /* bytes present in the buffer */
    bpf_u_int32 len;    /* bytes the packet had on the wire */
};

/* pcap_stats() counters. */
struct pcap_stat {
    u_int ps_recv;      /* packets received */
    u_int ps_drop;      /* packets dropped for lack of buffer space */
    u_int ps_ifdrop;    /* packets dropped by the interface or its driver */
};

/* An entry of the list pcap_findalldevs() returns. */
struct pcap_if {
    struct pcap_if *next;
    char *name;                 /* what to hand to pcap_create()/pcap_open_live() */
    char *description;          /* human-readable text, or NULL */
    struct pcap_addr *addresses;
    bpf_u_int32 flags;          /* PCAP_IF_* */
};

/* pcap_if flags. */
#define PCAP_IF_LOOPBACK                         0x00000001
#define PCAP_IF_UP                               0x00000002
#define PCAP_IF_RUNNING                          0x00000004
#define PCAP_IF_WIRELESS                         0x00000008 /* any radio, not only Wi-Fi */
#define PCAP_IF_CONNECTION_STATUS                0x00000030 /* mask of the two bits below */
#define PCAP_IF_CONNECTION_STATUS_UNKNOWN        0x00000000
#define PCAP_IF_CONNECTION_STATUS_CONNECTED      0x00000010
#define PCAP_IF_CONNECTION_STATUS_DISCONNECTED   0x00000020
#define PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE 0x00000030 /* e.g. loopback */

/* One address of an interface; any pointer but addr may be NULL. */
struct pcap_addr {
    struct pcap_addr *next;
    struct sockaddr *addr;
    struct sockaddr *netmask;
    struct sockaddr *broadaddr;
    struct sockaddr *dstaddr;   /* the peer of a point-to-point link */
};

/* The per-packet callback of pcap_loop() and pcap_dispatch(): the caller's user pointer,
 * the packet's header and its bytes. */
typedef void (*pcap_handler)(u_char *, const struct pcap_pkthdr *, const u_char *);

/* Status codes: errors are negative. */
#define PCAP_ERROR                          -1  /* see pcap_geterr() */
#define PCAP_ERROR_BREAK                    -2  /* pcap_breakloop() ended the loop */
#define PCAP_ERROR_NOT_ACTIVATED            -3  /* the handle needs pcap_activate() first */
#define PCAP_ERROR_ACTIVATED                -4  /* not allowed once activated */
#define PCAP_ERROR_NO_SUCH_DEVICE           -5
#define PCAP_ERROR_RFMON_NOTSUP             -6  /* no monitor mode on this device */
#define PCAP_ERROR_NOT_RFMON                -7  /* needs monitor mode */
#define PCAP_ERROR_PERM_DENIED              -8
#define PCAP_ERROR_IFACE_NOT_UP             -9
#define PCAP_ERROR_CANTSET_TSTAMP_TYPE      -10
#define PCAP_ERROR_PROMISC_PERM_DENIED      -11
#define PCAP_ERROR_TSTAMP_PRECISION_NOTSUP  -12

/* Warnings from pcap_activate(): positive, the handle works. */
#define PCAP_WARNING                        1
#define PCAP_WARNING_PROMISC_NOTSUP         2
#define PCAP_WARNING_TSTAMP_TYPE_NOTSUP     3

/* The netmask to give pcap_compile() when it is not known (IPv4 broadcast tests fail). */
#define PCAP_NETMASK_UNKNOWN 0xffffffff

/* pcap_init() options: the encoding of strings the library returns. */
#define PCAP_CHAR_ENC_LOCAL 0x00000000U
#define PCAP_CHAR_ENC_UTF_8 0x00000001U

/* Time stamp sources (pcap_set_tstamp_type, pcap_list_tstamp_types). */
#define PCAP_TSTAMP_HOST                 0  /* the host's clock, characteristics unknown */
#define PCAP_TSTAMP_HOST_LOWPREC         1  /* the host's clock, low precision */
#define PCAP_TSTAMP_HOST_HIPREC          2  /* the host's clock, high precision */
#define PCAP_TSTAMP_ADAPTER              3  /* the adapter, synchronized to the host */
#define PCAP_TSTAMP_ADAPTER_UNSYNCED     4  /* the adapter, free-running */
#define PCAP_TSTAMP_HOST_HIPREC_UNSYNCED 5  /* the host, high precision, not system time */

/* Time stamp resolution (pcap_set_tstamp_precision and the *_with_tstamp_precision opens). */
#define PCAP_TSTAMP_PRECISION_MICRO 0
#define PCAP_TSTAMP_PRECISION_NANO  1

/* Remote capture (rpcap) and pcap_open(): sizes, source kinds and URL prefixes. */
#define PCAP_BUF_SIZE 1024

#define PCAP_SRC_FILE     2  /* a savefile */
#define PCAP_SRC_IFLOCAL  3  /* a local interface */
#define PCAP_SRC_IFREMOTE 4  /* an interface of a remote rpcap server */

#define PCAP_SRC_FILE_STRING "file://"
#define PCAP_SRC_IF_STRING   "rpcap://"

/* pcap_open() flags. */
#define PCAP_OPENFLAG_PROMISCUOUS        0x00000001
#define PCAP_OPENFLAG_DATATX_UDP         0x00000002
#define PCAP_OPENFLAG_NOCAPTURE_RPCAP    0x00000004
#define PCAP_OPENFLAG_NOCAPTURE_LOCAL    0x00000008
#define PCAP_OPENFLAG_MAX_RESPONSIVENESS 0x00000010

/* Authentication with an rpcap server. */
#define RPCAP_RMTAUTH_NULL 0  /* none */
#define RPCAP_RMTAUTH_PWD  1  /* user name and password */

struct pcap_rmtauth {
    int type;           /* RPCAP_RMTAUTH_* */
    char *username;
    char *password;
};

/* Packet sampling on remote captures (pcap_setsampling). */
#define PCAP_SAMP_NOSAMP            0
#define PCAP_SAMP_1_EVERY_N         1  /* keep one packet in every value */
#define PCAP_SAMP_FIRST_AFTER_N_MS  2  /* keep the first packet after each value ms */

struct pcap_samp {
    int method;         /* PCAP_SAMP_* */
    int value;
};

/* The size of the host list buffer of pcap_remoteact_list(). */
#define RPCAP_HOSTLIST_SIZE 1024

/* Types the prototypes refer to before (or without) their definitions. */
struct bpf_program;
struct bpf_insn;

/* The functions: those the library exports (generated from its Rust signatures), then those
 * it does not export yet. */
#include <pcap/prototypes/pcap.h>
#include <pcap/prototypes/pending-pcap.h>

#ifdef __cplusplus
}
#endif

#endif /* lib_pcap_pcap_h */
