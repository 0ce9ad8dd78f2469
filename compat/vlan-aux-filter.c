/* compat/vlan-aux-filter IFACE CODE K WANT: captures on IFACE for 2 s with a hand-made
 * filter that loads Linux ancillary data SKF_AD_OFF + K with opcode CODE and accepts when
 * A == WANT, padded past the kernel's 4096 instructions so that the kernel refuses it and
 * it runs in user space (libpcap warns on stderr). Prints the number of packets accepted:
 * what a user-space filter answers for each ancillary load (size, TCI or VLAN ID). */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 5)
        return 2;
    char err[PCAP_ERRBUF_SIZE];
    enum { PAD = 4200 };
    static struct bpf_insn insns[PAD + 4];
    for (int i = 0; i < PAD; i++)
        insns[i] = (struct bpf_insn){BPF_LDX | BPF_IMM, 0, 0, 0};
    insns[PAD] = (struct bpf_insn){(u_short)strtoul(argv[2], NULL, 0), 0, 0,
                                   0xfffff000u + (bpf_u_int32)strtoul(argv[3], NULL, 0)};
    insns[PAD + 1] = (struct bpf_insn){BPF_JMP | BPF_JEQ | BPF_K, 0, 1,
                                       (bpf_u_int32)strtoul(argv[4], NULL, 0)};
    insns[PAD + 2] = (struct bpf_insn){BPF_RET | BPF_K, 0, 0, 65535};
    insns[PAD + 3] = (struct bpf_insn){BPF_RET | BPF_K, 0, 0, 0};
    struct bpf_program prog = {PAD + 4, insns};
    pcap_t *p = pcap_create(argv[1], err);
    if (p == NULL || pcap_set_immediate_mode(p, 1) != 0 || pcap_activate(p) < 0 ||
        pcap_setfilter(p, &prog) < 0 || pcap_setnonblock(p, 1, err) < 0) {
        printf("error: %s\n", p ? pcap_geterr(p) : err);
        return 1;
    }
    printf("listening\n");
    fflush(stdout);
    int n = 0;
    for (int i = 0; i < 20; i++) {
        struct pcap_pkthdr *h;
        const u_char *bytes;
        while (pcap_next_ex(p, &h, &bytes) == 1)
            n++;
        usleep(100000);
    }
    printf("code %s k %s == %s: %d packets\n", argv[2], argv[3], argv[4], n);
    pcap_close(p);
    return 0;
}
