/* pcap_compile on savefile handles of BSD loopback link types (NULL, LOOP, ENC): a savefile
 * may come from any BSD, so `ip6` must accept every BSD AF_INET6 value, in the byte order of
 * the file. Variants (byte-swapped, LOOP, ENC) are made from a corpus file at run time. */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t swap32(uint32_t v) { return __builtin_bswap32(v); }

/* Writes `in` to `out` with its link type replaced and, if asked, every header swapped. */
static int rewrite(const char *in, const char *out, uint32_t linktype, int swap)
{
    FILE *f = fopen(in, "rb"), *g = fopen(out, "wb");
    if (!f || !g)
        return -1;
    uint32_t hdr[6];
    if (fread(hdr, 4, 6, f) != 6)
        return -1;
    hdr[5] = linktype;
    if (swap) {
        hdr[0] = swap32(hdr[0]);
        uint16_t *v = (uint16_t *)&hdr[1];
        v[0] = __builtin_bswap16(v[0]);
        v[1] = __builtin_bswap16(v[1]);
        for (int i = 2; i < 6; i++)
            hdr[i] = swap32(hdr[i]);
    }
    fwrite(hdr, 4, 6, g);
    uint32_t rec[4];
    static unsigned char buf[1 << 18];
    while (fread(rec, 4, 4, f) == 4) {
        uint32_t caplen = rec[2];
        if (caplen > sizeof buf || fread(buf, 1, caplen, f) != caplen)
            break;
        if (swap)
            for (int i = 0; i < 4; i++)
                rec[i] = swap32(rec[i]);
        fwrite(rec, 4, 4, g);
        fwrite(buf, 1, caplen, g);
    }
    fclose(f);
    fclose(g);
    return 0;
}

static void show(const char *path, const char *label)
{
    const char *exprs[] = {"ip6", "ip", "ip6 and udp", "ip or ip6", "not ip6"};
    char errbuf[PCAP_ERRBUF_SIZE];
    for (size_t i = 0; i < sizeof exprs / sizeof *exprs; i++) {
        pcap_t *p = pcap_open_offline(path, errbuf);
        if (!p) {
            printf("%s: %s\n", label, errbuf);
            return;
        }
        struct bpf_program prog;
        printf("%s (DLT %d, swapped %d) \"%s\":", label, pcap_datalink(p), pcap_is_swapped(p),
               exprs[i]);
        if (pcap_compile(p, &prog, exprs[i], 0, PCAP_NETMASK_UNKNOWN) != 0) {
            printf(" %s\n", pcap_geterr(p));
            pcap_close(p);
            continue;
        }
        /* Verdicts on every record, then (for positive forms) the unoptimized listing. */
        struct pcap_pkthdr *h;
        const u_char *data;
        unsigned accepted = 0, total = 0;
        while (pcap_next_ex(p, &h, &data) == 1) {
            total++;
            accepted += bpf_filter(prog.bf_insns, data, h->len, h->caplen) != 0;
        }
        printf(" %u of %u accepted\n", accepted, total);
        if (strncmp(exprs[i], "not", 3) != 0)
            bpf_dump(&prog, 1);
        pcap_freecode(&prog);
        pcap_close(p);
    }
}

int main(void)
{
    const char *corpus = getenv("CORPUS");
    char in[4096];
    snprintf(in, sizeof in, "%s/pcaps/tcpdump/dns-badcookie.pcap", corpus ? corpus : ".");
    FILE *probe = fopen(in, "rb");
    if (!probe) {
        printf("skipped: no corpus file %s\n", in);
        return 0;
    }
    fclose(probe);
    show(in, "corpus NULL");
    struct { uint32_t dlt; int swap; const char *name; } variants[] = {
        {DLT_NULL, 1, "NULL swapped"}, {DLT_LOOP, 0, "LOOP"}, {DLT_LOOP, 1, "LOOP swapped"},
        {DLT_ENC, 0, "ENC"}, {DLT_ENC, 1, "ENC swapped"}};
    for (size_t i = 0; i < sizeof variants / sizeof *variants; i++) {
        char out[64];
        snprintf(out, sizeof out, "null-variant-%zu.pcap", i);
        if (rewrite(in, out, variants[i].dlt, variants[i].swap) != 0) {
            printf("%s: rewrite failed\n", variants[i].name);
            continue;
        }
        show(out, variants[i].name);
        remove(out);
    }
    return 0;
}
