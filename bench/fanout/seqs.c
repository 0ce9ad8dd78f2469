/* Prints "seq flow" for every packet of the sender's burst in the given capture files (read
 * with whatever libpcap this is linked to; the checks link it to the system's). */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        char errbuf[PCAP_ERRBUF_SIZE];
        pcap_t *p = pcap_open_offline(argv[i], errbuf);
        if (!p) { fprintf(stderr, "%s\n", errbuf); return 1; }
        struct pcap_pkthdr *h;
        const u_char *b;
        while (pcap_next_ex(p, &h, &b) == 1) {
            if (h->caplen < 54 || memcmp(b + 42, "OXFO", 4) != 0) continue;
            uint32_t seq = (uint32_t)b[46] << 24 | b[47] << 16 | b[48] << 8 | b[49];
            uint32_t flow = (uint32_t)b[50] << 24 | b[51] << 16 | b[52] << 8 | b[53];
            printf("%u %u\n", seq, flow);
        }
        pcap_close(p);
    }
    return 0;
}
