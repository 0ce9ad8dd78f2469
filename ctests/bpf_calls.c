/* The BPF calls on hand-made programs: bpf_image for every opcode, bpf_validate,
 * bpf_filter, bpf_dump at every level (interleaved with our own buffered stdout),
 * pcap_offline_filter, pcap_freecode, pcap_setfilter on dead handles. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define I(c, t, f, k) {(c), (t), (f), (k)}

static unsigned char pkt[80];

static unsigned xorshift(void)
{
    static unsigned s = 2463534242u;
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return s;
}

int main(void)
{
    for (int i = 0; i < 80; i++)
        pkt[i] = (unsigned char)(i * 37 + 11);

    /* bpf_image: every opcode, a few k values and indices, one checksum line per opcode
     * block so the output stays short but any difference shows. */
    unsigned ks[] = {0, 5, 0xfffff02c, 0xfffff03c, 0xffffffff, 0x80000000};
    int ns[] = {0, 7, -1, 1000, 2147483647};
    char *first = bpf_image(&(struct bpf_insn)I(6, 0, 0, 0), 0);
    for (int code = 0; code < 0x10000; code++) {
        unsigned long h = 5381;
        int named = 0;
        for (unsigned i = 0; i < sizeof ks / sizeof *ks; i++)
            for (unsigned j = 0; j < sizeof ns / sizeof *ns; j++) {
                struct bpf_insn in = I(code, (unsigned char)(i * 50), (unsigned char)(j * 60), ks[i]);
                char *s = bpf_image(&in, ns[j]);
                if (s != first) {
                    printf("bpf_image returned a different buffer\n");
                    return 1;
                }
                if (strstr(s, "unimp") == NULL)
                    named = 1;
                for (const char *c = s; *c; c++)
                    h = h * 33 + (unsigned char)*c;
            }
        if (named || code < 0x100)
            printf("image %04x %016lx %s\n", code, h, bpf_image(&(struct bpf_insn)I(code, 1, 2, 3), 4));
        else if (code % 0x1000 == 0)
            printf("image %04x %016lx\n", code, h);
    }

    /* bpf_validate on single-instruction-plus-ret programs of every opcode, k 0/1/16,
     * jumps in and out of range, lengths 0 and negative. */
    for (int code = 0; code < 0x100; code++) {
        unsigned kv[] = {0, 1, 16, 0xffffffff};
        for (int i = 0; i < 4; i++) {
            struct bpf_insn p[] = {I(code, 0, 1, kv[i]), I(6, 0, 0, 1), I(6, 0, 0, 2)};
            printf("validate %02x k=%u: %d %d %d\n", code, kv[i], bpf_validate(p, 1),
                   bpf_validate(p, 2), bpf_validate(p, 3));
        }
    }
    struct bpf_insn r[] = {I(6, 0, 0, 1)};
    printf("validate len 0: %d, len -1: %d\n", bpf_validate(r, 0), bpf_validate(r, -1));

    /* bpf_filter: random valid programs of implemented opcodes over the packet. libpcap's
     * scratch memory starts uninitialised, so every program first stores to the four slots
     * it may read. */
    unsigned short ops[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x07, 0x0c, 0x14, 0x15, 0x1c, 0x1d,
                            0x20, 0x24, 0x25, 0x28, 0x2c, 0x2d, 0x30, 0x34, 0x35, 0x3c, 0x3d,
                            0x40, 0x44, 0x45, 0x48, 0x4c, 0x4d, 0x50, 0x54, 0x5c, 0x60, 0x61,
                            0x64, 0x6c, 0x74, 0x7c, 0x80, 0x81, 0x84, 0x87, 0x94, 0x9c, 0xa4,
                            0xac, 0xb1, 0x05, 0x16};
    unsigned long verdicts = 0;
    int accepted = 0;
    for (int n = 0; n < 20000; n++) {
        struct bpf_insn p[16];
        int len = 6 + (int)(xorshift() % 10);
        for (int i = 0; i < 4; i++)
            p[i] = (struct bpf_insn)I(0x02, 0, 0, i);
        for (int i = 4; i < len - 1; i++) {
            unsigned short code = ops[xorshift() % (sizeof ops / sizeof *ops)];
            unsigned k = xorshift() % 4 == 0 ? xorshift() : xorshift() % 90;
            if ((code & 0xf7) == 0x60 || code == 0x02 || code == 0x03 || code == 0x61)
                k %= 4;
            if (code == 0x34 || code == 0x94)
                k |= 1;
            int room = len - i - 2;
            unsigned char jt = room ? (unsigned char)(xorshift() % (room + 1)) : 0;
            unsigned char jf = room ? (unsigned char)(xorshift() % (room + 1)) : 0;
            if (code == 0x05)
                k = room ? xorshift() % (room + 1) : 0;
            p[i] = (struct bpf_insn)I(code, jt, jf, k);
        }
        p[len - 1] = (struct bpf_insn)I(xorshift() % 2 ? 0x16 : 0x06, 0, 0, xorshift() % 3 ? 65535 : 0);
        if (!bpf_validate(p, len)) {
            printf("generator made an invalid program\n");
            return 1;
        }
        unsigned caplen = xorshift() % 81;
        unsigned v = bpf_filter(p, pkt, 60 + xorshift() % 2000, caplen);
        verdicts = verdicts * 31 + v;
        accepted += v != 0;
    }
    printf("bpf_filter: 20000 programs, %d accepted, checksum %016lx\n", accepted, verdicts);
    printf("bpf_filter(NULL) = %u\n", bpf_filter(NULL, pkt, 10, 10));

    /* bpf_dump: interleaved with printf on the same stdout. */
    struct bpf_insn d[] = {I(0x28, 0, 0, 12), I(0x15, 0, 3, 0x800), I(0xb1, 0, 0, 14),
                           I(0x48, 0, 0, 16), I(0x45, 200, 0, 0x1fff), I(0x81, 0, 0, 0),
                           I(0x20, 0, 0, 0xfffff030), I(0x6, 0, 0, 262144)};
    struct bpf_program fp = {8, d};
    for (int level = -1; level <= 4; level++) {
        printf("dump level %d:\n", level);
        bpf_dump(&fp, level);
    }
    struct bpf_program empty = {0, NULL};
    printf("dump empty:\n");
    bpf_dump(&empty, 1);
    bpf_dump(&empty, 2);
    bpf_dump(&empty, 3);

    /* pcap_offline_filter and pcap_freecode. */
    struct pcap_pkthdr h = {{0, 0}, 40, 1500};
    struct bpf_insn lenprog[] = {I(0x80, 0, 0, 0), I(0x16, 0, 0, 0)};
    struct bpf_program lp = {2, lenprog}, lp0 = {0, lenprog};
    struct bpf_insn big[] = {I(6, 0, 0, 0x80000000)};
    struct bpf_program bp = {1, big};
    printf("offline_filter: %d %d %d %d\n", pcap_offline_filter(&lp, &h, pkt),
           pcap_offline_filter(&lp0, &h, pkt), pcap_offline_filter(&bp, &h, pkt),
           pcap_offline_filter(&empty, &h, pkt));
    struct bpf_program owned = {2, malloc(2 * sizeof(struct bpf_insn))};
    memcpy(owned.bf_insns, lenprog, sizeof lenprog);
    pcap_freecode(&owned);
    printf("freecode: %u %s\n", owned.bf_len, owned.bf_insns == NULL ? "NULL" : "not NULL");
    pcap_freecode(&owned);

    /* pcap_setfilter on a dead handle. */
    pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
    struct bpf_insn bad[] = {I(0, 0, 0, 0)};
    struct bpf_program badp = {1, bad};
    printf("setfilter dead: %d '%s'\n", pcap_setfilter(dead, &fp), pcap_geterr(dead));
    printf("setfilter dead invalid: %d '%s'\n", pcap_setfilter(dead, &badp), pcap_geterr(dead));
    pcap_close(dead);
    char cerr[PCAP_ERRBUF_SIZE];
    pcap_t *created = pcap_create("lo", cerr);
    if (created != NULL) {
        printf("setfilter not activated: %d '%s'\n", pcap_setfilter(created, &fp), pcap_geterr(created));
        pcap_close(created);
    }

    /* pcap_setfilter on a savefile: what passes, and the caplen delivered (the filter's
     * return value is a snapshot length: 10 here). */
    const char *corpus = getenv("CORPUS");
    char path[4096];
    snprintf(path, sizeof path, "%s/pcaps/libpcap-filter/vrrp.pcap",
             corpus ? corpus : "../shared/corpus");
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *file = pcap_open_offline(path, errbuf);
    if (file == NULL) {
        printf("savefile part skipped: %s\n", errbuf);
        return 0;
    }
    struct bpf_insn ipv4[] = {I(0x28, 0, 0, 12), I(0x15, 0, 1, 0x800), I(0x6, 0, 0, 10),
                              I(0x6, 0, 0, 0)};
    struct bpf_program ipv4p = {4, ipv4};
    struct bpf_program invalid = {3, ipv4}; /* ends on a return but jumps past the end */
    printf("setfilter file: %d\n", pcap_setfilter(file, &ipv4p));
    printf("setfilter file invalid: %d '%s'\n", pcap_setfilter(file, &invalid), pcap_geterr(file));
    printf("setfilter file empty: %d '%s'\n", pcap_setfilter(file, &empty), pcap_geterr(file));
    struct pcap_pkthdr *hdr;
    const u_char *data;
    int n = 0, rc;
    unsigned long caplens = 0;
    while ((rc = pcap_next_ex(file, &hdr, &data)) == 1) {
        n++;
        caplens += hdr->caplen;
        if (n == 3) {
            /* A new filter applies from the next packet on. */
            struct bpf_insn all[] = {I(0x6, 0, 0, 262144)};
            struct bpf_program allp = {1, all};
            printf("setfilter mid-file: %d\n", pcap_setfilter(file, &allp));
        }
    }
    printf("savefile: %d packets passed, caplen sum %lu, last rc %d\n", n, caplens, rc);
    pcap_close(file);
    return 0;
}
