/* Savefiles read through streams in the states callers leave them in: a fresh FILE*, one
 * whose buffer already holds data (a junk prefix read by the caller, ungetc push-back, a tiny
 * or huge stdio buffer), a pipe, and standard input ("-"). Every packet is hashed. */
#include <pcap/pcap.h>
#include <unistd.h>
#include "savefile_corpus.h"

static char junk_path[256];

static void drain(const char *what, pcap_t *p, FILE *expect)
{
    if (!p) { printf("  %s: open failed\n", what); return; }
    struct pcap_pkthdr *h;
    const u_char *d;
    uint64_t hash = FNV_START;
    int rc, n = 0;
    while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
        n++;
        hash = fnv_add(hash, &h->caplen, sizeof h->caplen);
        hash = fnv_add(hash, d, h->caplen);
    }
    printf("  %s: %d packets %016llx end %d%s%s file %d\n", what, n, (unsigned long long)hash, rc,
           rc == -1 ? " " : "", rc == -1 ? pcap_geterr(p) : "", expect ? pcap_file(p) == expect : -1);
    pcap_close(p);
}

static void visit(const char *path, const char *rel)
{
    char eb[PCAP_ERRBUF_SIZE];
    FILE *f;
    printf("%s\n", rel);

    f = fopen(path, "rb");
    drain("fresh", pcap_fopen_offline(f, eb), f);

    f = fopen(path, "rb");
    int c = fgetc(f);
    ungetc(c, f);
    drain("ungetc", pcap_fopen_offline(f, eb), f);

    f = fopen(path, "rb");
    setvbuf(f, NULL, _IOFBF, 7);
    c = fgetc(f);
    ungetc(c, f);
    drain("tiny-buffer", pcap_fopen_offline(f, eb), f);

    f = fopen(path, "rb");
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    c = fgetc(f);
    ungetc(c, f);
    drain("huge-buffer", pcap_fopen_offline(f, eb), f);

    /* the caller skips its own 13-byte prefix: the rest of the file sits in stdio's buffer */
    FILE *in = fopen(path, "rb"), *out = fopen(junk_path, "wb");
    fputs("13 junk bytes", out);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
    f = fopen(junk_path, "rb");
    if (fread(buf, 1, 13, f) != 13) printf("  short prefix\n");
    drain("after-prefix", pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, eb), f);

    char cmd[4200];
    snprintf(cmd, sizeof cmd, "cat '%s'", path);
    f = popen(cmd, "r");
    pcap_t *p = pcap_fopen_offline(f, eb);
    if (p) {
        drain("pipe", p, f); /* pcap_close fcloses the stream, as libpcap does */
    } else {
        printf("  pipe: %s\n", eb);
        pclose(f);
    }

    if (!freopen(path, "rb", stdin)) { printf("  cannot reopen stdin\n"); return; }
    drain("stdin", pcap_open_offline("-", eb), stdin);
    printf("  stdin still open: %d\n", fgetc(stdin) == EOF && !ferror(stdin));
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(junk_path, sizeof junk_path, "%s/oxpcap-stream-%d", tmp ? tmp : "/tmp", (int)getpid());
    walk_corpus(visit);
    unlink(junk_path);
    return 0;
}
