/* oxpcap: the attribute macros that decorate the library's declarations.
 *
 * PCAP_API marks a function of the library; PCAP_AVAILABLE_x_y records the libpcap release
 * that introduced it (empty here: there is no availability checking on Linux);
 * PCAP_DEPRECATED(msg) makes a call warn; PCAP_NORETURN, PCAP_PRINTFLIKE and
 * PCAP_FORMAT_STRING are there for programs that borrowed them. */
#ifndef lib_pcap_funcattrs_h
#define lib_pcap_funcattrs_h

#include <pcap/compiler-tests.h>

/* Symbol visibility is decided when the library is built, not by the header. */
#define PCAP_API_DEF
#define PCAP_API PCAP_API_DEF extern

#define PCAP_AVAILABLE_0_4
#define PCAP_AVAILABLE_0_5
#define PCAP_AVAILABLE_0_6
#define PCAP_AVAILABLE_0_7
#define PCAP_AVAILABLE_0_8
#define PCAP_AVAILABLE_0_9
#define PCAP_AVAILABLE_1_0
#define PCAP_AVAILABLE_1_2
#define PCAP_AVAILABLE_1_5
#define PCAP_AVAILABLE_1_7
#define PCAP_AVAILABLE_1_8
#define PCAP_AVAILABLE_1_9
#define PCAP_AVAILABLE_1_10
#define PCAP_AVAILABLE_1_11

#if __has_attribute(noreturn) || PCAP_IS_AT_LEAST_GNUC_VERSION(2, 5)
#define PCAP_NORETURN __attribute((noreturn))
#define PCAP_NORETURN_DEF __attribute((noreturn))
#else
#define PCAP_NORETURN
#define PCAP_NORETURN_DEF
#endif

#if __has_attribute(__format__) || PCAP_IS_AT_LEAST_GNUC_VERSION(2, 3)
#define PCAP_PRINTFLIKE(x,y) __attribute__((__format__(__printf__,x,y)))
#else
#define PCAP_PRINTFLIKE(x, y)
#endif

/* The message form of the attribute came with GCC 4.5; older GCCs take the bare form. */
#if __has_attribute(deprecated) || PCAP_IS_AT_LEAST_GNUC_VERSION(4, 5)
#define PCAP_DEPRECATED(msg) __attribute__((deprecated(msg)))
#elif PCAP_IS_AT_LEAST_GNUC_VERSION(3, 1)
#define PCAP_DEPRECATED(msg) __attribute__((deprecated))
#else
#define PCAP_DEPRECATED(msg)
#endif

#define PCAP_FORMAT_STRING(p) p

#endif /* lib_pcap_funcattrs_h */
