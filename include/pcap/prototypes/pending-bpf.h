/* oxpcap: functions <pcap/bpf.h> declares that the library does not export yet (see
 * pending-pcap.h for how this file is maintained). */
#ifndef oxpcap_pending_bpf_h
#define oxpcap_pending_bpf_h

PCAP_API u_int bpf_filter(const struct bpf_insn *program, const u_char *packet, u_int wirelen,
                          u_int caplen);
PCAP_API int bpf_validate(const struct bpf_insn *program, int count);
PCAP_API char *bpf_image(const struct bpf_insn *insn, int index);
PCAP_API void bpf_dump(const struct bpf_program *program, int level);

#endif /* oxpcap_pending_bpf_h */
