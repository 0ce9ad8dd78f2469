/* Qualifiers whose meaning depends on the handle: `inbound`, `outbound` and `ifindex N` need
 * Linux's packet metadata, which a savefile does not keep, except on link types whose header
 * records it (Linux cooked v1/v2, pflog, IPNET, Juniper, SLIP...). For every link type: compile
 * them on a dead handle and on a savefile handle of that type, and print the result (error
 * text, or the instruction count and the program's verdict on a few packets). */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *exprs[] = {"inbound", "outbound", "ifindex 7", "not inbound and ip"};

static void report(pcap_t *p, const char *kind, int dlt, const char *expr) {
    struct bpf_program prog;
    if (pcap_compile(p, &prog, expr, 0, PCAP_NETMASK_UNKNOWN) != 0) {
        printf("%s\t%d\t%s\terror: %s\n", kind, dlt, expr, pcap_geterr(p));
        return;
    }
    /* Verdicts on packets whose leading bytes vary: the direction fields live there. */
    unsigned char pkt[80];
    char verdicts[9] = {0};
    for (int i = 0; i < 8; i++) {
        memset(pkt, 0, sizeof pkt);
        pkt[0] = (unsigned char)i;
        pkt[1] = (unsigned char)(i * 3);
        pkt[10] = (unsigned char)(i % 5);
        pkt[60] = (unsigned char)(i % 3);
        pkt[3] = (unsigned char)(i & 1 ? 2 : 1);
        struct pcap_pkthdr h = {.caplen = sizeof pkt, .len = sizeof pkt};
        verdicts[i] = pcap_offline_filter(&prog, &h, pkt) ? '1' : '0';
    }
    printf("%s\t%d\t%s\t%u insns\t%s\n", kind, dlt, expr, prog.bf_len, verdicts);
    pcap_freecode(&prog);
}

/* Link types whose link-header code is still being written (Juniper, BACnet MS/TP):
 * skipped until it lands; the differential filter test lists them meanwhile. */
static int pending(int dlt) {
    return (dlt >= 130 && dlt <= 137) || dlt == 165 ||
           dlt == 164 || dlt == 167 || dlt == 168 || (dlt >= 178 && dlt <= 181) || dlt == 183 ||
           dlt == 194 || dlt == 200 || (dlt >= 232 && dlt <= 234) || dlt == 238;
}

int main(void) {
    char path[] = "/tmp/oxpcap-handle-kind-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return 1;
    close(fd);
    for (int dlt = 0; dlt < 300; dlt++) {
        if (pending(dlt)) continue;
        pcap_t *dead = pcap_open_dead(dlt, 262144);
        if (dead == NULL) continue;
        for (size_t i = 0; i < sizeof exprs / sizeof *exprs; i++) report(dead, "dead", dlt, exprs[i]);
        pcap_dumper_t *w = pcap_dump_open(dead, path);
        if (w != NULL) pcap_dump_close(w);
        pcap_close(dead);
        if (w == NULL) continue;
        char errbuf[PCAP_ERRBUF_SIZE];
        pcap_t *file = pcap_open_offline(path, errbuf);
        if (file == NULL) {
            printf("file\t%d\topen: %s\n", dlt, errbuf);
            continue;
        }
        for (size_t i = 0; i < sizeof exprs / sizeof *exprs; i++) report(file, "file", dlt, exprs[i]);
        pcap_close(file);
    }
    unlink(path);
    return 0;
}
