/* pcap_dispatch_batch on every corpus file delivers exactly what pcap_dispatch delivers.
 *
 * Built against oxpcap, the program reads with pcap_dispatch_batch (a weak reference); built
 * against the system libpcap, which has no batch call, with pcap_dispatch. ctests/run.sh
 * compares the outputs, so the system libpcap's per-packet delivery is the oracle for ours
 * batch by batch: headers, bytes (hashed), return values, with and without a filter, with
 * several counts. Checks that only make sense for batches (n >= 1, at most cnt per call,
 * arrays consistent) abort the run when violated. */
#include <pcap/pcap.h>
#if defined(__has_include)
#if __has_include(<pcap/oxpcap.h>)
#include <pcap/oxpcap.h>
#endif
#endif
#include "savefile_corpus.h"

#ifndef OXPCAP_EXTENSIONS
typedef void (*pcap_batch_handler)(u_char *user, const struct pcap_pkthdr *hdrs,
                                   const u_char *const *pkts, int n);
int pcap_dispatch_batch(pcap_t *p, int cnt, pcap_batch_handler cb, u_char *user);
#endif
#pragma weak pcap_dispatch_batch

struct run {
    uint64_t hash;
    long packets;
    int limit;
};

static void one(struct run *r, const struct pcap_pkthdr *h, const u_char *bytes)
{
    r->hash = fnv_add(r->hash, &h->ts.tv_sec, sizeof h->ts.tv_sec);
    r->hash = fnv_add(r->hash, &h->ts.tv_usec, sizeof h->ts.tv_usec);
    r->hash = fnv_add(r->hash, &h->caplen, 4);
    r->hash = fnv_add(r->hash, &h->len, 4);
    r->hash = fnv_add(r->hash, bytes, h->caplen);
    r->packets++;
}

static void per_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    one((struct run *)user, h, bytes);
}

static void per_batch(u_char *user, const struct pcap_pkthdr *hdrs, const u_char *const *pkts,
                      int n)
{
    struct run *r = (struct run *)user;
    if (n < 1 || (r->limit > 0 && n > r->limit)) {
        fprintf(stderr, "batch of %d packets (limit %d)\n", n, r->limit);
        exit(3);
    }
    for (int i = 0; i < n; i++) one(r, &hdrs[i], pkts[i]);
}

static int dispatch(pcap_t *p, int cnt, struct run *r)
{
    r->limit = cnt;
    if (pcap_dispatch_batch) return pcap_dispatch_batch(p, cnt, per_batch, (u_char *)r);
    return pcap_dispatch(p, cnt, per_packet, (u_char *)r);
}

static void visit(const char *path, const char *name)
{
    static const int counts[] = {-1, 1, 7, 1000};
    static const char *filters[] = {NULL, "tcp", "not ip"};
    for (size_t f = 0; f < sizeof filters / sizeof *filters; f++) {
        for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
            char errbuf[PCAP_ERRBUF_SIZE];
            pcap_t *p = pcap_open_offline(path, errbuf);
            if (!p) return;
            /* Filters only on Ethernet files: the filter compiler is tested elsewhere. */
            if (filters[f] && pcap_datalink(p) != DLT_EN10MB) {
                pcap_close(p);
                continue;
            }
            if (filters[f]) {
                struct bpf_program prog;
                if (pcap_compile(p, &prog, filters[f], 1, PCAP_NETMASK_UNKNOWN) < 0) {
                    pcap_close(p);
                    continue;
                }
                pcap_setfilter(p, &prog);
                pcap_freecode(&prog);
            }
            struct run r = {FNV_START, 0, 0};
            printf("%s [%s] cnt %d:", name, filters[f] ? filters[f] : "", counts[c]);
            for (int calls = 0; calls < 100000; calls++) {
                int rc = dispatch(p, counts[c], &r);
                if (calls < 3 || rc <= 0) printf(" %d", rc);
                if (rc <= 0) break;
            }
            printf(" -> %ld packets, %016llx\n", r.packets, (unsigned long long)r.hash);
            pcap_close(p);
        }
    }
}

int main(void)
{
    walk_corpus(visit);
    return 0;
}
