/* Filters on live handles (namespace made by compat/check-live.sh; skipped elsewhere): the
 * kernel filter on raw and cooked ("any", SLL and SLL2) sockets, the fall-back to user space
 * when the kernel refuses a program, and no packet queued before pcap_setfilter delivered
 * under the new filter. */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAGIC "OXPCAPTEST"

static int seen;

static uint64_t fnv(const u_char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

static int ours(const u_char *p, size_t n)
{
    for (size_t i = 0; i + sizeof MAGIC - 1 <= n; i++)
        if (memcmp(p + i, MAGIC, sizeof MAGIC - 1) == 0)
            return 1;
    return 0;
}

static void show(u_char *user, const struct pcap_pkthdr *h, const u_char *b)
{
    if (!ours(b, h->caplen))
        return;
    seen++;
    printf("  %s caplen %u len %u hash %016llx\n", (const char *)user, h->caplen, h->len,
           (unsigned long long)fnv(b, h->caplen));
}

static void send_burst(pcap_t *tx, int count, unsigned ethertype)
{
    static const int sizes[] = {60, 100, 333, 512, 777, 1000, 1514};
    u_char f[1600];
    for (int i = 0; i < count; i++) {
        size_t n = sizes[i % 7];
        memset(f, 0, n);
        memcpy(f, "\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x02", 12);
        f[12] = ethertype >> 8;
        f[13] = ethertype & 0xff;
        memcpy(f + 14, MAGIC, sizeof MAGIC - 1);
        f[14 + sizeof MAGIC] = (u_char)i;
        for (size_t k = 30; k < n; k++)
            f[k] = (u_char)(k * 13 + i + ethertype);
        if (pcap_sendpacket(tx, f, (int)n) != 0)
            printf("sendpacket: %s\n", pcap_geterr(tx));
    }
}

static pcap_t *open_handle(const char *dev, int snaplen)
{
    char eb[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_create(dev, eb);
    pcap_set_snaplen(p, snaplen);
    pcap_set_timeout(p, 50);
    if (pcap_activate(p) != 0)
        printf("activate %s: %s\n", dev, pcap_geterr(p));
    return p;
}

static void collect(pcap_t *p, const char *tag, int want)
{
    seen = 0;
    pcap_setnonblock(p, 1, NULL);
    for (int round = 0; round < 100 && seen < want; round++) {
        if (round > 0)
            usleep(20000);
        if (pcap_dispatch(p, -1, show, (u_char *)tag) < 0) {
            printf("  dispatch: %s\n", pcap_geterr(p));
            break;
        }
    }
    /* A little more, to catch packets that should not be there. */
    usleep(150000);
    pcap_dispatch(p, -1, show, (u_char *)tag);
    printf("  %s: seen %d (expected %d)\n", tag, seen, want);
}

static void compiled(const char *dev, int linktype, const char *expr, int want_a, int want_b)
{
    printf("filter \"%s\" on %s (linktype %d)\n", expr, dev, linktype);
    pcap_t *rx = open_handle(dev, 0);
    if (linktype >= 0)
        pcap_set_datalink(rx, linktype);
    struct bpf_program prog;
    if (pcap_compile(rx, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        printf("  compile: %s\n", pcap_geterr(rx));
        pcap_close(rx);
        return;
    }
    printf("  setfilter: %d\n", pcap_setfilter(rx, &prog));
    pcap_freecode(&prog);
    pcap_t *tx = open_handle("oxd", 0);
    send_burst(tx, 7, 0x88b5);
    send_burst(tx, 7, 0x88b6);
    collect(rx, "f", want_a + want_b);
    struct pcap_stat st;
    pcap_stats(rx, &st);
    printf("  stats recv %u drop %u\n", st.ps_recv, st.ps_drop);
    pcap_close(tx);
    pcap_close(rx);
}

static void stale(void)
{
    printf("packets queued before setfilter are not delivered under the new filter\n");
    pcap_t *rx = open_handle("oxc", 0);
    pcap_t *tx = open_handle("oxd", 0);
    send_burst(tx, 7, 0x88b5);
    usleep(200000);
    struct bpf_program prog;
    pcap_compile(rx, &prog, "ether proto 0x88b6", 1, PCAP_NETMASK_UNKNOWN);
    printf("  setfilter: %d\n", pcap_setfilter(rx, &prog));
    pcap_freecode(&prog);
    send_burst(tx, 7, 0x88b6);
    collect(rx, "s", 7);
    pcap_close(tx);
    pcap_close(rx);
}

static void too_long_for_the_kernel(void)
{
    printf("a program the kernel refuses (4100 instructions) runs in user space\n");
    pcap_t *rx = open_handle("oxc", 0);
    enum { N = 4100 };
    struct bpf_insn *insns = calloc(N, sizeof *insns);
    for (int i = 0; i < N - 3; i++)
        insns[i] = (struct bpf_insn)BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12);
    insns[N - 3] = (struct bpf_insn)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x88b6, 0, 1);
    insns[N - 2] = (struct bpf_insn)BPF_STMT(BPF_RET | BPF_K, 200);
    insns[N - 1] = (struct bpf_insn)BPF_STMT(BPF_RET | BPF_K, 0);
    struct bpf_program prog = {N, insns};
    printf("  setfilter: %d\n", pcap_setfilter(rx, &prog));
    free(insns);
    pcap_t *tx = open_handle("oxd", 0);
    send_burst(tx, 7, 0x88b5);
    send_burst(tx, 7, 0x88b6);
    collect(rx, "u", 7);
    pcap_close(tx);
    pcap_close(rx);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (getenv("OXPCAP_LIVE_NS") == NULL) {
        printf("skipped: needs the namespace compat/check-live.sh creates\n");
        return 0;
    }
    compiled("oxc", -1, "ether proto 0x88b5", 7, 0);
    compiled("oxc", -1, "ether proto 0x88b6 and len > 500", 0, 3);
    compiled("oxc", -1, "ether[14:4] = 0x4f585043 and less 400", 3, 3);
    compiled("any", -1, "ether proto 0x88b6", 0, 14);
    compiled("any", -1, "inbound and ether proto 0x88b5", 7, 0);
    compiled("any", -1, "outbound and greater 600", 3, 3);
    compiled("any", DLT_LINUX_SLL2, "ether proto 0x88b6 and inbound", 0, 7);
    compiled("any", DLT_LINUX_SLL2, "len > 700", 3, 3);
    stale();
    too_long_for_the_kernel();
    return 0;
}
