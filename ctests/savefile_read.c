/* Every corpus file read at microsecond and nanosecond precision: the open result or error
 * text, link type, snapshot length, version, byte order, and every record's header and bytes
 * (hashed); then the file re-written through the dump API (pcap_dump_open, pcap_dump_fopen,
 * pcap_dump_open_append), with the written bytes hashed. */
#include <pcap/pcap.h>
#include <unistd.h>
#include "savefile_corpus.h"

static char out_path[256];

static void hash_file(const char *what, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { printf("  %s: cannot reopen\n", what); return; }
    uint64_t h = FNV_START;
    size_t total = 0, n;
    char buf[65536];
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) { h = fnv_add(h, buf, n); total += n; }
    fclose(f);
    printf("  %s: %zu bytes %016llx\n", what, total, (unsigned long long)h);
}

static void rewrite(const char *path, unsigned prec, int how)
{
    char eb[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path, prec, eb);
    if (!p) return;
    pcap_dumper_t *d;
    FILE *own = NULL;
    if (how == 0) d = pcap_dump_open(p, out_path);
    else if (how == 1) { own = fopen(out_path, "wb"); d = pcap_dump_fopen(p, own); }
    else d = pcap_dump_open_append(p, out_path); /* appends to what how==1 wrote */
    if (!d) {
        const char *e = pcap_geterr(p);
        size_t n = strlen(out_path);
        printf("  dump %d: %s\n", how, strncmp(e, out_path, n) == 0 ? e + n : e); if (own) fclose(own); pcap_close(p); return; }
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc, n = 0;
    while ((rc = pcap_next_ex(p, &h, &data)) == 1) { pcap_dump((u_char *)d, h, data); n++; }
    if (pcap_dump_flush(d) != 0) printf("  flush failed\n");
    long pos = pcap_dump_ftell(d);
    int64_t pos64 = pcap_dump_ftell64(d);
    printf("  dump %d: %d records, ftell %ld %lld, file %d\n", how, n, pos, (long long)pos64,
           pcap_dump_file(d) == (FILE *)d);
    pcap_dump_close(d);
    pcap_close(p);
    char what[32];
    snprintf(what, sizeof what, "written %d", how);
    hash_file(what, out_path);
}

static void visit(const char *path, const char *rel)
{
    for (unsigned prec = 0; prec < 2; prec++) {
        char eb[PCAP_ERRBUF_SIZE] = "untouched";
        pcap_t *p = pcap_open_offline_with_tstamp_precision(path, prec, eb);
        printf("%s/%u: ", rel, prec);
        if (!p) { printf("open failed: %s\n", eb); continue; }
        printf("dlt %d ext %#x snap %d v%d.%d swapped %d prec %d file %d\n", pcap_datalink(p),
               pcap_datalink_ext(p), pcap_snapshot(p), pcap_major_version(p), pcap_minor_version(p),
               pcap_is_swapped(p), pcap_get_tstamp_precision(p), pcap_file(p) != NULL);
        struct pcap_pkthdr *h;
        const u_char *data;
        int rc;
        while ((rc = pcap_next_ex(p, &h, &data)) == 1)
            printf("  %lld.%06lld %u/%u %016llx\n", (long long)h->ts.tv_sec, (long long)h->ts.tv_usec,
                   h->caplen, h->len, (unsigned long long)fnv_add(FNV_START, data, h->caplen));
        printf("  end %d %s bufsize %d\n", rc, rc == -1 ? pcap_geterr(p) : "", pcap_bufsize(p));
        pcap_close(p);
        for (int how = 0; how < 3; how++) rewrite(path, prec, how);
    }
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(out_path, sizeof out_path, "%s/oxpcap-rewrite-%d.pcap", tmp ? tmp : "/tmp", (int)getpid());
    walk_corpus(visit);
    unlink(out_path);
    return 0;
}
