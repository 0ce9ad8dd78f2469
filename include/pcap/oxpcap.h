/* oxpcap: extensions to the libpcap API that only oxpcap provides.
 *
 * Nothing here changes a libpcap declaration; a program opts in by including this header,
 * and can test OXPCAP_EXTENSIONS to build against either library:
 *
 *     #if defined(__has_include) && __has_include(<pcap/oxpcap.h>)
 *     #include <pcap/oxpcap.h>
 *     #endif
 *     #ifdef OXPCAP_EXTENSIONS
 *         ... use the extensions ...
 *     #endif
 *
 * pcap_set_fanout_linux() shares one interface's packets among several handles (threads or
 * processes) with PACKET_FANOUT: the kernel gives every packet to exactly one member of the
 * group. pcap_dispatch_batch() calls back once per ring block (or chunk of a file) instead
 * of once per packet. The prototypes are generated from the library into
 * <pcap/prototypes/oxpcap.h>; the types and constants they use are here.
 *
 *     pcap_t *p = pcap_create("eth0", errbuf);
 *     pcap_set_fanout_linux(p, 1, PCAP_FANOUT_HASH | PCAP_FANOUT_FLAG_ROLLOVER, 7);
 *     pcap_activate(p);               // every thread or process doing this shares group 7
 *     pcap_dispatch_batch(p, -1, handler, user);
 *     pcap_fanout_stats_linux(p, &total);   // the group over this process's members
 *
 * Unmodified programs join a group through the environment: OXPCAP_FANOUT=7:hash. */
#ifndef lib_pcap_oxpcap_h
#define lib_pcap_oxpcap_h

#include <pcap/pcap.h>

/* Defined when this header, and so oxpcap's extensions, is available. */
#define OXPCAP_EXTENSIONS 1

#ifdef __cplusplus
extern "C" {
#endif

/* Fanout modes: how the kernel picks the member that gets a packet. */
#define PCAP_FANOUT_HASH      0   /* flow hash: a flow stays on one member */
#define PCAP_FANOUT_LB        1   /* round robin */
#define PCAP_FANOUT_CPU       2   /* the CPU that received the packet */
#define PCAP_FANOUT_ROLLOVER  3   /* fill one member, then the next */
#define PCAP_FANOUT_RND       4   /* random */
#define PCAP_FANOUT_QM        5   /* the NIC's receive queue */
#define PCAP_FANOUT_CBPF      6   /* a classic BPF program: pcap_set_fanout_program_linux() */

/* Flags, ORed into the mode. */
#define PCAP_FANOUT_FLAG_ROLLOVER        0x1000  /* a full member's packets go to the next */
#define PCAP_FANOUT_FLAG_UNIQUEID        0x2000  /* the kernel picks a free group id */
#define PCAP_FANOUT_FLAG_IGNORE_OUTGOING 0x4000  /* outgoing packets are not fanned out */
#define PCAP_FANOUT_FLAG_DEFRAG          0x8000  /* reassemble IP fragments first */

/* Called once per ring block (or chunk of a file) with n headers and the n matching packet
 * pointers; both arrays and the packets stay valid until the callback returns. */
typedef void (*pcap_batch_handler)(u_char *user, const struct pcap_pkthdr *hdrs,
                                   const u_char *const *pkts, int n);

#include <pcap/prototypes/oxpcap.h>

#ifdef __cplusplus
}
#endif

#endif /* lib_pcap_oxpcap_h */
