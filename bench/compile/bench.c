/* One filter compilation, for bench/compile/run.sh: builds an expression of SHAPE with N
 * terms, compiles it with pcap_compile(optimize = 1) on a dead Ethernet handle and prints
 * "instructions cpu_seconds peak_rss_kib" (seconds per compilation). Linked once to the system libpcap and once to ours;
 * each measurement is its own process, so the peak RSS is this compilation's. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

static char *build(const char *shape, int n) {
    size_t cap = (size_t)n * 64 + 16, len = 0;
    char *s = malloc(cap);
    s[0] = 0;
    for (int i = 0; i < n; i++) {
        const char *sep = i == 0 ? "" : (strcmp(shape, "pairs") == 0 ? " and " : " or ");
        if (strcmp(shape, "host") == 0)
            len += sprintf(s + len, "%shost 10.%d.%d.%d", sep, i >> 16, (i >> 8) & 255, i & 255);
        else if (strcmp(shape, "net") == 0)
            len += sprintf(s + len, "%snet 10.%d.%d.0/24", sep, (i >> 8) & 255, i & 255);
        else if (strcmp(shape, "pairs") == 0)
            len += sprintf(s + len, "%snot (host 10.%d.%d.%d and port %d)", sep, i >> 16,
                           (i >> 8) & 255, i & 255, 1 + i % 60000);
        else {
            fprintf(stderr, "unknown shape %s\n", shape);
            exit(2);
        }
    }
    return s;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s host|net|pairs N\n", argv[0]);
        return 2;
    }
    char *expr = build(argv[1], atoi(argv[2]));
    pcap_t *p = pcap_open_dead(DLT_EN10MB, 262144);
    struct bpf_program prog;
    struct timespec a, b;
    /* CPU time, not wall time: the figure that does not depend on what else runs. Under
     * RLIMIT_CPU this clock may only advance in scheduler ticks, so a fast compilation is
     * repeated until 0.2 s have passed and the mean is reported. */
    int reps = 0;
    double secs;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
    for (;;) {
        if (reps > 0)
            pcap_freecode(&prog);
        if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
            fprintf(stderr, "compile: %s\n", pcap_geterr(p));
            return 1;
        }
        reps++;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
        secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
        if (secs >= 0.2 || (reps == 1 && secs >= 0.02))
            break;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%u %.6f %ld\n", prog.bf_len, secs / reps, ru.ru_maxrss);
    pcap_freecode(&prog);
    pcap_close(p);
    free(expr);
    return 0;
}
