/* oxpcap: functions <pcap/pcap.h> declares that the library does not export yet.
 *
 * Declared so that programs written for libpcap compile against our headers (linking fails
 * until they exist). When a function is implemented, `make header` deletes it from here and
 * adds its generated prototype to prototypes/pcap.h; tests/header_drift.rs fails while a
 * function is both here and generated. */
#ifndef oxpcap_pending_pcap_h
#define oxpcap_pending_pcap_h

/* Remote capture (rpcap). Debian's libpcap is built without it and does not export these
 * either; they are declared because its header declares them. */
PCAP_API pcap_t *pcap_open(const char *source, int snaplen, int flags, int read_timeout,
                           struct pcap_rmtauth *auth, char *errbuf);
PCAP_API int pcap_createsrcstr(char *source, int type, const char *host, const char *port,
                               const char *name, char *errbuf);
PCAP_API int pcap_parsesrcstr(const char *source, int *type, char *host, char *port,
                              char *name, char *errbuf);
PCAP_API int pcap_findalldevs_ex(const char *source, struct pcap_rmtauth *auth,
                                 pcap_if_t **devices, char *errbuf);
PCAP_API struct pcap_samp *pcap_setsampling(pcap_t *p);
PCAP_API SOCKET pcap_remoteact_accept(const char *address, const char *port,
                                      const char *hostlist, char *connectinghost,
                                      struct pcap_rmtauth *auth, char *errbuf);
PCAP_API SOCKET pcap_remoteact_accept_ex(const char *address, const char *port,
                                         const char *hostlist, char *connectinghost,
                                         struct pcap_rmtauth *auth, int uses_ssl, char *errbuf);
PCAP_API int pcap_remoteact_list(char *hostlist, char sep, int size, char *errbuf);
PCAP_API int pcap_remoteact_close(const char *host, char *errbuf);
PCAP_API void pcap_remoteact_cleanup(void);

#endif /* oxpcap_pending_pcap_h */
