/* oxpcap: functions <pcap/bpf.h> declares that the library does not export yet (see
 * pending-pcap.h for how this file is maintained). */
#ifndef oxpcap_pending_bpf_h
#define oxpcap_pending_bpf_h


#endif /* oxpcap_pending_bpf_h */
