/* Live batch delivery against the system libpcap's per-packet delivery.
 *
 * Built against oxpcap, the program reads with pcap_dispatch_batch (a weak reference, with
 * cnt 7 and -1 in turn); built against the system libpcap, with pcap_dispatch. Run by
 * compat/check-fanout.sh inside its namespaces (OXPCAP_FANOUT_NS set) as
 *     fanout_batch_live IFACE COUNT
 * while bench/fanout/sender sends COUNT packets; it prints one line per packet of the burst
 * (sequence number, lengths, a hash of the bytes) in delivery order, and the check compares
 * the two builds' outputs. Elsewhere (ctests/run.sh) it only says it skips. */
#include <pcap/pcap.h>
#if defined(__has_include)
#if __has_include(<pcap/oxpcap.h>)
#include <pcap/oxpcap.h>
#endif
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef OXPCAP_EXTENSIONS
typedef void (*pcap_batch_handler)(u_char *user, const struct pcap_pkthdr *hdrs,
                                   const u_char *const *pkts, int n);
int pcap_dispatch_batch(pcap_t *p, int cnt, pcap_batch_handler cb, u_char *user);
#endif
#pragma weak pcap_dispatch_batch

static long seen, limit_violations;
static int limit;

static void one(const struct pcap_pkthdr *h, const u_char *b)
{
    if (h->caplen < 54 || memcmp(b + 42, "OXFO", 4) != 0) return;
    uint64_t x = 1469598103934665603ULL;
    for (uint32_t i = 0; i < h->caplen; i++) x = (x ^ b[i]) * 1099511628211ULL;
    uint32_t seq = (uint32_t)b[46] << 24 | b[47] << 16 | b[48] << 8 | b[49];
    printf("%u %u %u %016llx\n", seq, h->caplen, h->len, (unsigned long long)x);
    seen++;
}

static void per_packet(u_char *u, const struct pcap_pkthdr *h, const u_char *b)
{
    (void)u;
    one(h, b);
}

static void per_batch(u_char *u, const struct pcap_pkthdr *hdrs, const u_char *const *pkts, int n)
{
    (void)u;
    if (n < 1 || (limit > 0 && n > limit)) limit_violations++;
    for (int i = 0; i < n; i++) one(&hdrs[i], pkts[i]);
}

int main(int argc, char **argv)
{
    if (!getenv("OXPCAP_FANOUT_NS") || argc < 3) {
        printf("skip: compat/check-fanout.sh runs this inside its namespaces\n");
        return 0;
    }
    long count = atol(argv[2]);
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_create(argv[1], errbuf);
    if (!p) { fprintf(stderr, "%s\n", errbuf); return 1; }
    pcap_set_snaplen(p, 100);
    pcap_set_timeout(p, 20);
    pcap_set_buffer_size(p, 16 << 20);
    if (pcap_activate(p) < 0) { fprintf(stderr, "%s\n", pcap_geterr(p)); return 1; }
    struct bpf_program prog;
    if (pcap_compile(p, &prog, "udp", 1, PCAP_NETMASK_UNKNOWN) < 0 || pcap_setfilter(p, &prog) < 0) {
        fprintf(stderr, "%s\n", pcap_geterr(p));
        return 1;
    }
    pcap_freecode(&prog);
    pcap_setnonblock(p, 1, errbuf);
    fprintf(stderr, "ready\n");
    time_t start = time(NULL);
    for (int call = 0; seen < count && time(NULL) - start < 30; call++) {
        limit = call % 2 ? 7 : -1;
        int rc = pcap_dispatch_batch ? pcap_dispatch_batch(p, limit, per_batch, NULL)
                                     : pcap_dispatch(p, limit, per_packet, NULL);
        if (rc < 0) { fprintf(stderr, "dispatch: %d %s\n", rc, pcap_geterr(p)); return 1; }
        if (limit > 0 && rc > limit) limit_violations++;
        if (rc == 0) {
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
        }
    }
    pcap_close(p);
    printf("%ld packets, %ld calls over the limit\n", seen, limit_violations);
    return seen == count && limit_violations == 0 ? 0 : 1;
}
