/* oxpcap: the fixed-width integer types (uint8_t ... int64_t) the pcap headers use. On Linux
 * the C library's <inttypes.h> provides them, along with their printf formats. */
#ifndef pcap_pcap_inttypes_h
#define pcap_pcap_inttypes_h

#include <inttypes.h>

#endif /* pcap_pcap_inttypes_h */
