/* oxpcap: functions <pcap/namedb.h> declares that the library does not export yet (see
 * pending-pcap.h for how this file is maintained). */
#ifndef oxpcap_pending_namedb_h
#define oxpcap_pending_namedb_h


#endif /* oxpcap_pending_namedb_h */
