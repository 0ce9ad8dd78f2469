/* oxpcap: functions <pcap/namedb.h> declares that the library does not export yet (see
 * pending-pcap.h for how this file is maintained). */
#ifndef oxpcap_pending_namedb_h
#define oxpcap_pending_namedb_h

/* Deprecated by libpcap (the result lives in static storage); see pending-pcap.h about
 * #[deprecated] on its Rust function. */
PCAP_DEPRECATED("this is not reentrant; use 'pcap_nametoaddrinfo' instead")
PCAP_API bpf_u_int32 **pcap_nametoaddr(const char *name);

PCAP_API struct pcap_etherent *pcap_next_etherent(FILE *file);
PCAP_API u_char *pcap_ether_hostton(const char *name);
PCAP_API u_char *pcap_ether_aton(const char *text);
PCAP_API struct addrinfo *pcap_nametoaddrinfo(const char *name);
PCAP_API bpf_u_int32 pcap_nametonetaddr(const char *name);
PCAP_API int pcap_nametoport(const char *name, int *port, int *protocol);
PCAP_API int pcap_nametoportrange(const char *range, int *low, int *high, int *protocol);
PCAP_API int pcap_nametoproto(const char *name);
PCAP_API int pcap_nametoeproto(const char *name);
PCAP_API int pcap_nametollc(const char *name);

#endif /* oxpcap_pending_namedb_h */
