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
 * Planned: pcap_set_fanout_linux() (share one interface's packets among several handles
 * with PACKET_FANOUT) and pcap_dispatch_batch() (one callback per ring block instead of one
 * per packet). Their prototypes are generated from the library into
 * <pcap/prototypes/oxpcap.h> as they are implemented; the types they need go here. */
#ifndef lib_pcap_oxpcap_h
#define lib_pcap_oxpcap_h

#include <pcap/pcap.h>

/* Defined when this header, and so oxpcap's extensions, is available. */
#define OXPCAP_EXTENSIONS 1

#ifdef __cplusplus
extern "C" {
#endif

#include <pcap/prototypes/oxpcap.h>

#ifdef __cplusplus
}
#endif

#endif /* lib_pcap_oxpcap_h */
