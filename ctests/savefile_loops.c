/* The loop calls on every corpus file: the sequence of return values (and a hash of what was
 * delivered) of pcap_next, pcap_next_ex, pcap_dispatch and pcap_loop with counts 0, -1, 1 and
 * 7, and pcap_breakloop called from the callback, with the calls that follow it. */
#include <pcap/pcap.h>
#include "savefile_corpus.h"

struct acc {
    pcap_t *p;
    uint64_t hash;
    int seen;
    int break_at; /* call pcap_breakloop when this many packets were seen (0: never) */
};

static void cb(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    struct acc *a = (struct acc *)user;
    long long t[2] = {(long long)h->ts.tv_sec, (long long)h->ts.tv_usec};
    a->hash = fnv_add(a->hash, t, sizeof t);
    a->hash = fnv_add(a->hash, &h->caplen, sizeof h->caplen);
    a->hash = fnv_add(a->hash, &h->len, sizeof h->len);
    a->hash = fnv_add(a->hash, bytes, h->caplen);
    if (++a->seen == a->break_at) pcap_breakloop(a->p);
}

static pcap_t *open_it(const char *path)
{
    char eb[PCAP_ERRBUF_SIZE];
    return pcap_open_offline(path, eb);
}

static void show(const char *what, int rc, struct acc *a)
{
    printf("  %s -> %d seen %d %016llx%s%s\n", what, rc, a->seen, (unsigned long long)a->hash,
           rc == -1 ? " " : "", rc == -1 ? pcap_geterr(a->p) : "");
}

static void visit(const char *path, const char *rel)
{
    pcap_t *p = open_it(path);
    if (!p) { printf("%s: not readable\n", rel); return; }
    printf("%s\n", rel);
    struct acc a = {p, FNV_START, 0, 0};
    /* pcap_next until NULL, twice past the end */
    int n = 0;
    struct pcap_pkthdr h;
    const u_char *d;
    while ((d = pcap_next(p, &h)) != NULL) { n++; a.hash = fnv_add(a.hash, d, h.caplen); }
    d = pcap_next(p, &h);
    printf("  next: %d then %s %016llx\n", n, d ? "data" : "NULL", (unsigned long long)a.hash);
    pcap_close(p);

    p = open_it(path); a = (struct acc){p, FNV_START, 0, 0};
    struct pcap_pkthdr *hp;
    int rc;
    n = 0;
    while ((rc = pcap_next_ex(p, &hp, &d)) == 1) n++;
    printf("  next_ex: %d then %d, %d\n", n, rc, pcap_next_ex(p, &hp, &d));
    pcap_close(p);

    int counts[] = {0, -1, 1, 7};
    for (int i = 0; i < 4; i++) {
        char what[64];
        p = open_it(path); a = (struct acc){p, FNV_START, 0, 0};
        for (int k = 0; k < 100; k++) {
            rc = pcap_dispatch(p, counts[i], cb, (u_char *)&a);
            if (rc <= 0 || k == 99) {
                snprintf(what, sizeof what, "dispatch(%d) x%d", counts[i], k + 1);
                show(what, rc, &a);
                break;
            }
        }
        pcap_close(p);
        p = open_it(path); a = (struct acc){p, FNV_START, 0, 0};
        rc = pcap_loop(p, counts[i], cb, (u_char *)&a);
        snprintf(what, sizeof what, "loop(%d)", counts[i]);
        show(what, rc, &a);
        rc = pcap_loop(p, counts[i], cb, (u_char *)&a);
        show("  again", rc, &a);
        pcap_close(p);
    }
    int breaks[] = {1, 3};
    for (int i = 0; i < 2; i++) {
        char what[64];
        p = open_it(path); a = (struct acc){p, FNV_START, 0, breaks[i]};
        rc = pcap_loop(p, -1, cb, (u_char *)&a);
        snprintf(what, sizeof what, "loop break@%d", breaks[i]);
        show(what, rc, &a);
        rc = pcap_loop(p, 2, cb, (u_char *)&a);
        show("  loop(2)", rc, &a);
        pcap_close(p);
        p = open_it(path); a = (struct acc){p, FNV_START, 0, breaks[i]};
        rc = pcap_dispatch(p, -1, cb, (u_char *)&a);
        snprintf(what, sizeof what, "dispatch break@%d", breaks[i]);
        show(what, rc, &a);
        rc = pcap_dispatch(p, -1, cb, (u_char *)&a);
        show("  dispatch(-1)", rc, &a);
        rc = pcap_next_ex(p, &hp, &d);
        printf("    next_ex %d\n", rc);
        pcap_close(p);
    }
    /* a break requested before any read */
    p = open_it(path); a = (struct acc){p, FNV_START, 0, 0};
    pcap_breakloop(p);
    rc = pcap_next_ex(p, &hp, &d);
    printf("  pre-break next_ex %d, then %d\n", rc, pcap_next_ex(p, &hp, &d));
    pcap_breakloop(p);
    show("pre-break dispatch", pcap_dispatch(p, 1, cb, (u_char *)&a), &a);
    pcap_breakloop(p);
    d = pcap_next(p, &h);
    printf("  pre-break next %s\n", d ? "data" : "NULL");
    pcap_close(p);
}

int main(void)
{
    walk_corpus(visit);
    return 0;
}
