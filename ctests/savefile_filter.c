/* Filters on savefiles: for every corpus file and a few hand-written BPF programs (so the
 * test does not depend on the filter compiler), pcap_setfilter, then pcap_loop and
 * pcap_next_ex: which packets pass (count and hash) and the return values. The filter runs in
 * user space on every record; a non-zero verdict smaller than caplen does not cut the packet. */
#include <pcap/pcap.h>
#include "savefile_corpus.h"

static struct bpf_insn accept_all[] = {BPF_STMT(BPF_RET | BPF_K, 262144)};
static struct bpf_insn reject_all[] = {BPF_STMT(BPF_RET | BPF_K, 0)};
static struct bpf_insn long_ones[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 100, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, 262144),
    BPF_STMT(BPF_RET | BPF_K, 0),
};
static struct bpf_insn ipv4_ethertype[] = {
    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0800, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, 262144),
    BPF_STMT(BPF_RET | BPF_K, 0),
};
static struct bpf_insn keep_20[] = {BPF_STMT(BPF_RET | BPF_K, 20)};
static struct bpf_insn far_load[] = {
    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 1000),
    BPF_STMT(BPF_RET | BPF_K, 262144),
};
#define PROG(x) {#x, x, sizeof x / sizeof *x}
static struct { const char *name; struct bpf_insn *insns; unsigned len; } progs[] = {
    PROG(accept_all), PROG(reject_all), PROG(long_ones), PROG(ipv4_ethertype), PROG(keep_20),
    PROG(far_load),
};

static void cb(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    uint64_t *acc = (uint64_t *)user;
    acc[0]++;
    acc[1] = fnv_add(acc[1], &h->caplen, sizeof h->caplen);
    acc[1] = fnv_add(acc[1], bytes, h->caplen);
}

static void visit(const char *path, const char *rel)
{
    char eb[PCAP_ERRBUF_SIZE];
    printf("%s\n", rel);
    for (size_t i = 0; i < sizeof progs / sizeof *progs; i++) {
        struct bpf_program prog = {progs[i].len, progs[i].insns};
        pcap_t *p = pcap_open_offline(path, eb);
        if (!p) { printf("  open failed\n"); return; }
        int set = pcap_setfilter(p, &prog);
        uint64_t acc[2] = {0, FNV_START};
        int rc = pcap_loop(p, -1, cb, (u_char *)acc);
        printf("  %s: set %d loop %d passed %llu %016llx%s%s\n", progs[i].name, set, rc,
               (unsigned long long)acc[0], (unsigned long long)acc[1], rc == -1 ? " " : "",
               rc == -1 ? pcap_geterr(p) : "");
        pcap_close(p);
        p = pcap_open_offline(path, eb);
        pcap_setfilter(p, &prog);
        struct pcap_pkthdr *h;
        const u_char *d;
        int n = 0;
        while ((rc = pcap_next_ex(p, &h, &d)) == 1) n++;
        printf("    next_ex %d then %d\n", n, rc);
        pcap_close(p);
    }
}

int main(void)
{
    walk_corpus(visit);
    return 0;
}
