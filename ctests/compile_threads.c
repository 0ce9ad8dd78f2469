/* pcap_compile is reentrant: eight threads compile the same expressions at once, each on
 * its own handle, many times over, and every program must equal the one compiled alone.
 * Prints each expression's instruction count (or its error) and whether every concurrent
 * compile agreed. */
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define THREADS 8
#define ROUNDS 40

static const char *exprs[] = {
    "tcp port 80 and host 198.18.0.1",
    "udp and (dst port 53 or src portrange 1000-2000)",
    "ip6 and icmp6 and not net 2001:db8::/32",
    "vlan 100 and ip and tcp[tcpflags] & (tcp-syn|tcp-ack) != 0",
    "ether src 02:00:00:00:00:01 or arp or rarp",
    "mpls 42 and ip src 198.18.1.1",
    "ip[2:2] > 576 and not ip multicast",
    "tcp port nosuchservice-xyz",
    "host 198.18.0.1 and and",
    "ip and len > 100 and (ip[8] & 0xf0) = 0x40",
};
#define NEXPR (sizeof exprs / sizeof *exprs)

struct result {
    int ok;
    struct bpf_program prog;
    char err[PCAP_ERRBUF_SIZE];
};

static struct result reference[NEXPR];
static int mismatches[THREADS];

static void compile_one(const char *expr, struct result *r) {
    pcap_t *p = pcap_open_dead(DLT_EN10MB, 262144);
    r->ok = pcap_compile(p, &r->prog, expr, 1, PCAP_NETMASK_UNKNOWN) == 0;
    if (!r->ok) snprintf(r->err, sizeof r->err, "%s", pcap_geterr(p));
    pcap_close(p);
}

static int same(const struct result *a, const struct result *b) {
    if (a->ok != b->ok) return 0;
    if (!a->ok) return strcmp(a->err, b->err) == 0;
    return a->prog.bf_len == b->prog.bf_len &&
           memcmp(a->prog.bf_insns, b->prog.bf_insns, a->prog.bf_len * sizeof *a->prog.bf_insns) == 0;
}

static void *worker(void *arg) {
    int id = (int)(long)arg;
    for (int round = 0; round < ROUNDS; round++) {
        for (size_t i = 0; i < NEXPR; i++) {
            struct result r;
            compile_one(exprs[(i + id) % NEXPR], &r);
            if (!same(&r, &reference[(i + id) % NEXPR])) mismatches[id]++;
            if (r.ok) pcap_freecode(&r.prog);
        }
    }
    return NULL;
}

int main(void) {
    for (size_t i = 0; i < NEXPR; i++) {
        compile_one(exprs[i], &reference[i]);
        /* Instruction counts are the optimizer's business (ours differs); print verdicts. */
        if (reference[i].ok)
            printf("%-60s compiles\n", exprs[i]);
        else
            printf("%-60s error: %s\n", exprs[i], reference[i].err);
    }
    pthread_t threads[THREADS];
    for (long t = 0; t < THREADS; t++) pthread_create(&threads[t], NULL, worker, (void *)t);
    int total = 0;
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        total += mismatches[t];
    }
    printf("%d threads x %d rounds x %zu expressions: %d compiles differ from the reference\n",
           THREADS, ROUNDS, NEXPR, total);
    return total != 0;
}
