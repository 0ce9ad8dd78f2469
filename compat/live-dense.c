/* Immediate-mode capture of a fixed-count burst sent by bench/live/sender.c: counts the data
 * frames up to the sender's END marker, checks that they arrive in send order (the send
 * stamps never go backwards) and prints "delivered N drops D order ok|broken".
 * Built against either library by compat/check-live-immediate.sh. Usage: live-dense IFACE */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static long delivered;
static uint64_t last_stamp;
static int in_order = 1, done;

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    (void)user;
    if (h->caplen < 23 || bytes[12] != 0x88 || bytes[13] != 0xb5)
        return; /* not the sender's */
    if (bytes[22] == 1) {
        done = 1;
        return;
    }
    uint64_t stamp;
    memcpy(&stamp, bytes + 14, 8);
    if (stamp < last_stamp)
        in_order = 0;
    last_stamp = stamp;
    delivered++;
}

int main(int argc, char **argv)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    if (argc < 2)
        return 2;
    pcap_t *p = pcap_create(argv[1], errbuf);
    if (p == NULL || pcap_set_immediate_mode(p, 1) != 0 || pcap_set_timeout(p, 100) != 0 ||
        pcap_activate(p) < 0) {
        fprintf(stderr, "open: %s\n", p ? pcap_geterr(p) : errbuf);
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    time_t give_up = time(NULL) + 30;
    while (!done && time(NULL) < give_up)
        if (pcap_dispatch(p, -1, on_packet, NULL) < 0)
            break;
    struct pcap_stat st;
    pcap_stats(p, &st);
    printf("delivered %ld drops %u order %s%s\n", delivered, st.ps_drop,
           in_order ? "ok" : "broken", done ? "" : " (no END marker)");
    pcap_close(p);
    return 0;
}
