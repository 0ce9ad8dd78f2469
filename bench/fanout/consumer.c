/* A capture consumer with a fixed amount of work per packet (a busy spin of WORK_NS, standing
 * for an IDS's inspection), so that one consumer cannot keep up with the sender. Runs until
 * SIGINT, then prints "delivered N cpu_us C drops D". Linked to the system libpcap; run under
 * LD_PRELOAD=oxpcap with OXPCAP_FANOUT to make it a fanout member.
 *
 *   consumer IFACE WORK_NS */
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static pcap_t *handle;
static long delivered;
static long work_ns;

static long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    (void)user; (void)h; (void)bytes;
    long until = now_ns() + work_ns;
    while (now_ns() < until) {}
    delivered++;
}

static void on_signal(int sig)
{
    (void)sig;
    pcap_breakloop(handle);
}

int main(int argc, char **argv)
{
    if (argc < 3) { fprintf(stderr, "usage: consumer IFACE WORK_NS\n"); return 2; }
    work_ns = atol(argv[2]);
    char errbuf[PCAP_ERRBUF_SIZE];
    handle = pcap_create(argv[1], errbuf);
    if (!handle) { fprintf(stderr, "%s\n", errbuf); return 1; }
    pcap_set_snaplen(handle, 128);
    pcap_set_timeout(handle, 100);
    if (pcap_activate(handle) < 0) { fprintf(stderr, "%s\n", pcap_geterr(handle)); return 1; }
    struct bpf_program prog;
    if (pcap_compile(handle, &prog, "udp", 1, PCAP_NETMASK_UNKNOWN) < 0 ||
        pcap_setfilter(handle, &prog) < 0) {
        fprintf(stderr, "%s\n", pcap_geterr(handle));
        return 1;
    }
    signal(SIGINT, on_signal);
    fprintf(stderr, "ready\n");
    while (pcap_dispatch(handle, -1, on_packet, NULL) >= 0) {}
    struct pcap_stat st = {0};
    pcap_stats(handle, &st);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long cpu_us = ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec +
                  ru.ru_stime.tv_sec * 1000000L + ru.ru_stime.tv_usec;
    printf("delivered %ld cpu_us %ld drops %u\n", delivered, cpu_us, st.ps_drop);
    pcap_close(handle);
    return 0;
}
