/* Many threads, one process, one interface: the pattern for programs that know oxpcap.
 *
 * Each of N threads owns a handle; all join fanout group 42 (flow hash) with
 * pcap_set_fanout_linux before pcap_activate, then read with pcap_dispatch_batch (one callback
 * per ring block). The kernel gives every packet to exactly one of them. Per-member counts
 * come from pcap_stats on each handle, the group's total from pcap_fanout_stats_linux.
 *
 * Run by compat/check-fanout.sh inside its namespaces (OXPCAP_FANOUT_NS set) as
 *     fanout_threads IFACE N COUNT
 * while bench/fanout/sender sends COUNT packets: checks that the union is exactly the burst,
 * no packet twice, every flow on one member, each packet's bytes equal to what a plain handle
 * outside the group delivers with pcap_dispatch, and the group total equals the members' sum.
 * Elsewhere (ctests/run.sh, any libpcap) it only says it skips. */
#include <pcap/pcap.h>
#if defined(__has_include)
#if __has_include(<pcap/oxpcap.h>)
#include <pcap/oxpcap.h>
#endif
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef OXPCAP_EXTENSIONS
#define MAX_MEMBERS 16
#define MAX_FLOWS 1024

struct member {
    pcap_t *p;
    int id;
    long delivered, batches;
    int limit;                      /* pcap_dispatch_batch's cnt */
    long over_limit;                /* calls that delivered more than cnt */
    pthread_t thread;
};

static long expected;
static _Atomic int *owner;          /* per sequence number: member id + 1 */
static _Atomic int flow_owner[MAX_FLOWS];
static uint64_t *digest_batch, *digest_plain;
static _Atomic long duplicates, split_flows, total_delivered, plain_delivered;

static uint64_t digest(const struct pcap_pkthdr *h, const u_char *b)
{
    uint64_t x = 1469598103934665603ULL;
    x = (x ^ h->caplen) * 1099511628211ULL;
    x = (x ^ h->len) * 1099511628211ULL;
    for (uint32_t i = 0; i < h->caplen; i++) x = (x ^ b[i]) * 1099511628211ULL;
    return x;
}

/* The sender's sequence number and flow, or -1. */
static long parse(const struct pcap_pkthdr *h, const u_char *b, uint32_t *flow)
{
    if (h->caplen < 54 || memcmp(b + 42, "OXFO", 4) != 0) return -1;
    uint32_t seq = (uint32_t)b[46] << 24 | b[47] << 16 | b[48] << 8 | b[49];
    *flow = ((uint32_t)b[50] << 24 | b[51] << 16 | b[52] << 8 | b[53]) % MAX_FLOWS;
    return seq < expected ? (long)seq : -1;
}

static void on_batch(u_char *user, const struct pcap_pkthdr *hdrs, const u_char *const *pkts,
                     int n)
{
    struct member *m = (struct member *)user;
    m->batches++;
    if (n < 1 || (m->limit > 0 && n > m->limit)) m->over_limit++;
    for (int i = 0; i < n; i++) {
        uint32_t flow;
        long seq = parse(&hdrs[i], pkts[i], &flow);
        if (seq < 0) continue;
        int none = 0;
        if (!atomic_compare_exchange_strong(&owner[seq], &none, m->id + 1)) duplicates++;
        int free_flow = 0;
        if (!atomic_compare_exchange_strong(&flow_owner[flow], &free_flow, m->id + 1) &&
            free_flow != m->id + 1)
            split_flows++;
        digest_batch[seq] = digest(&hdrs[i], pkts[i]);
        m->delivered++;
        total_delivered++;
    }
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *b)
{
    (void)user;
    uint32_t flow;
    long seq = parse(h, b, &flow);
    if (seq < 0) return;
    digest_plain[seq] = digest(h, b);
    plain_delivered++;
}

static void *member_loop(void *arg)
{
    struct member *m = arg;
    int rc;
    while ((rc = pcap_dispatch_batch(m->p, m->limit, on_batch, (u_char *)m)) >= 0)
        if (m->limit > 0 && rc > m->limit) m->over_limit++;
    return NULL;
}

static void *plain_loop(void *arg)
{
    while (pcap_dispatch((pcap_t *)arg, -1, on_packet, NULL) >= 0) {}
    return NULL;
}

static pcap_t *open_handle(const char *iface, int fanout)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_create(iface, errbuf);
    if (!p) { fprintf(stderr, "pcap_create: %s\n", errbuf); exit(1); }
    pcap_set_snaplen(p, 128);
    pcap_set_timeout(p, 10);
    pcap_set_buffer_size(p, 8 << 20);
    if (fanout && pcap_set_fanout_linux(p, 1, PCAP_FANOUT_HASH, 42) != 0) {
        fprintf(stderr, "pcap_set_fanout_linux: %s\n", pcap_geterr(p));
        exit(1);
    }
    if (pcap_activate(p) < 0) { fprintf(stderr, "activate: %s\n", pcap_geterr(p)); exit(1); }
    struct bpf_program prog;
    if (pcap_compile(p, &prog, "udp and dst host 198.18.10.2", 1, PCAP_NETMASK_UNKNOWN) < 0 ||
        pcap_setfilter(p, &prog) < 0) {
        fprintf(stderr, "filter: %s\n", pcap_geterr(p));
        exit(1);
    }
    pcap_freecode(&prog);
    pcap_setdirection(p, PCAP_D_IN);
    return p;
}

/* The API's other paths, before the burst: a kernel-assigned group id that a second handle
 * then joins, and the errors. Returns the number of failed checks. */
static int api_checks(const char *iface)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    int failed = 0;
    pcap_t *first = pcap_create(iface, errbuf), *second = pcap_create(iface, errbuf);
    int rc = pcap_set_fanout_linux(first, 1, 9, 1);
    printf("mode 9: %d (%s)\n", rc, pcap_geterr(first));
    if (rc != PCAP_ERROR) failed++;
    pcap_set_fanout_linux(first, 1, PCAP_FANOUT_LB | PCAP_FANOUT_FLAG_UNIQUEID, 0);
    if (pcap_activate(first) < 0) { printf("activate: %s\n", pcap_geterr(first)); return 1; }
    int id = pcap_fanout_group_linux(first);
    pcap_set_fanout_linux(second, 1, PCAP_FANOUT_LB, (uint16_t)id);
    rc = pcap_activate(second);
    struct pcap_stat st;
    int members = pcap_fanout_stats_linux(second, &st);
    printf("unique id %d joined by a second handle: activate %d, group %d, members %d\n", id, rc,
           pcap_fanout_group_linux(second), members);
    if (id < 0 || rc != 0 || pcap_fanout_group_linux(second) != id || members != 2) failed++;
    rc = pcap_set_fanout_linux(second, 1, PCAP_FANOUT_HASH, 1);
    printf("after activation: %d (%s)\n", rc, pcap_geterr(second));
    if (rc != PCAP_ERROR_ACTIVATED) failed++;
    pcap_close(first);
    pcap_close(second);
    return failed;
}

static int run(const char *iface, int n, long count)
{
    int api_failed = api_checks(iface);
    expected = count;
    owner = calloc((size_t)count, sizeof *owner);
    digest_batch = calloc((size_t)count, sizeof *digest_batch);
    digest_plain = calloc((size_t)count, sizeof *digest_plain);
    struct member members[MAX_MEMBERS];
    for (int i = 0; i < n; i++) {
        /* Member 0 asks for at most 5 packets per call, the others for all that is ready. */
        members[i] = (struct member){open_handle(iface, 1), i, 0, 0, i == 0 ? 5 : -1, 0, 0};
    }
    pcap_t *plain = open_handle(iface, 0);
    int group = pcap_fanout_group_linux(members[0].p);
    int plain_group = pcap_fanout_group_linux(plain);
    pthread_t plain_thread;
    for (int i = 0; i < n; i++) pthread_create(&members[i].thread, NULL, member_loop, &members[i]);
    pthread_create(&plain_thread, NULL, plain_loop, plain);
    printf("ready\n");
    fflush(stdout);
    /* Until the whole burst is in (both views), or 30 s. */
    for (int t = 0; t < 3000; t++) {
        if (total_delivered >= count && plain_delivered >= count) break;
        usleep(10000);
    }
    usleep(200000);
    for (int i = 0; i < n; i++) pcap_breakloop(members[i].p);
    pcap_breakloop(plain);
    for (int i = 0; i < n; i++) pthread_join(members[i].thread, NULL);
    pthread_join(plain_thread, NULL);

    int failed = 0;
    unsigned long sum_recv = 0;
    printf("group %d (plain handle: %d)\n", group, plain_group);
    if (group != 42 || plain_group != PCAP_ERROR) failed = 1;
    for (int i = 0; i < n; i++) {
        struct pcap_stat st;
        pcap_stats(members[i].p, &st);
        sum_recv += st.ps_recv;
        printf("member %d: %ld packets in %ld batches, pcap_stats ps_recv %u ps_drop %u\n", i,
               members[i].delivered, members[i].batches, st.ps_recv, st.ps_drop);
        if (members[i].delivered == 0 || members[i].over_limit) failed = 1;
    }
    struct pcap_stat total;
    int counted = pcap_fanout_stats_linux(members[0].p, &total);
    printf("group total over %d members: ps_recv %u ps_drop %u (members' sum %lu)\n", counted,
           total.ps_recv, total.ps_drop, sum_recv);
    if (counted != n || total.ps_recv != sum_recv) failed = 1;
    long missing = 0, differ = 0;
    for (long s = 0; s < count; s++) {
        if (!owner[s]) missing++;
        else if (digest_batch[s] != digest_plain[s]) differ++;
    }
    printf("missing %ld, duplicates %ld, split flows %ld, differing from pcap_dispatch %ld, "
           "plain handle saw %ld\n", missing, (long)duplicates, (long)split_flows, differ,
           (long)plain_delivered);
    if (missing || duplicates || split_flows || differ || plain_delivered != count) failed = 1;
    if (api_failed) failed = 1;
    for (int i = 0; i < n; i++) pcap_close(members[i].p);
    pcap_close(plain);
    printf("%s: %d threads shared %ld packets, each once, flows kept, batches == "
           "pcap_dispatch, group total = members' sum\n", failed ? "FAILED" : "passed", n, count);
    return failed;
}
#endif

int main(int argc, char **argv)
{
    if (!getenv("OXPCAP_FANOUT_NS") || argc < 4) {
        printf("skip: compat/check-fanout.sh runs this inside its namespaces\n");
        return 0;
    }
#ifdef OXPCAP_EXTENSIONS
    int n = atoi(argv[2]);
    if (n < 1 || n > MAX_MEMBERS) return 2;
    return run(argv[1], n, atol(argv[3]));
#else
    printf("needs <pcap/oxpcap.h>\n");
    return 1;
#endif
}
