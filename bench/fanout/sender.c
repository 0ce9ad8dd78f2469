/* Sends a known burst of UDP packets as raw Ethernet frames on one interface: packet i
 * carries the magic "OXFO", its sequence number i and its flow i % FLOWS (the flow picks the
 * UDP source port, so a flow-hash fanout keeps it on one member). Paced to RATE packets per
 * second (0: as fast as sendmmsg goes). Used by compat/check-fanout.sh and bench/fanout.
 *
 *   sender IFACE DST_MAC COUNT FLOWS RATE [SRC_IP DST_IP]      (default 198.18.10.1 -> .2)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME 64
#define BATCH 64

static uint16_t ip_checksum(const uint8_t *h)
{
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2) sum += (uint32_t)(h[i] << 8 | h[i + 1]);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: sender IFACE DST_MAC COUNT FLOWS RATE [SRC_IP DST_IP]\n");
        return 2;
    }
    const char *ifname = argv[1];
    unsigned mac[6];
    if (sscanf(argv[2], "%x:%x:%x:%x:%x:%x", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4],
               &mac[5]) != 6) {
        fprintf(stderr, "bad MAC %s\n", argv[2]);
        return 2;
    }
    long count = atol(argv[3]);
    unsigned flows = (unsigned)atoi(argv[4]);
    double rate = atof(argv[5]);
    const char *src = argc > 6 ? argv[6] : "198.18.10.1";
    const char *dst = argc > 7 ? argv[7] : "198.18.10.2";
    if (flows == 0) flows = 1;

    int fd = socket(AF_PACKET, SOCK_RAW, 0);
    if (fd < 0) { perror("socket"); return 1; }
    struct sockaddr_ll to = {0};
    to.sll_family = AF_PACKET;
    to.sll_ifindex = (int)if_nametoindex(ifname);
    to.sll_halen = 6;
    for (int i = 0; i < 6; i++) to.sll_addr[i] = (uint8_t)mac[i];
    if (!to.sll_ifindex) { perror(ifname); return 1; }

    static uint8_t frames[BATCH][FRAME];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    struct in_addr s, d;
    inet_pton(AF_INET, src, &s);
    inet_pton(AF_INET, dst, &d);
    for (int b = 0; b < BATCH; b++) {
        uint8_t *f = frames[b];
        memset(f, 0, FRAME);
        for (int i = 0; i < 6; i++) f[i] = (uint8_t)mac[i];
        f[6] = 0x02; f[7] = 0x0f; f[8] = 0xa0; f[9] = 0x00; f[10] = 0x00; f[11] = 0x01;
        f[12] = 0x08; f[13] = 0x00;
        uint8_t *ip = f + 14;
        ip[0] = 0x45;
        ip[2] = 0; ip[3] = FRAME - 14;
        ip[8] = 64; ip[9] = 17;
        memcpy(ip + 12, &s, 4);
        memcpy(ip + 16, &d, 4);
        uint8_t *udp = ip + 20;
        udp[2] = 0; udp[3] = 9;
        udp[4] = 0; udp[5] = FRAME - 34;
        memcpy(udp + 8, "OXFO", 4);
        iov[b].iov_base = f;
        iov[b].iov_len = FRAME;
        memset(&msgs[b], 0, sizeof msgs[b]);
        msgs[b].msg_hdr.msg_name = &to;
        msgs[b].msg_hdr.msg_namelen = sizeof to;
        msgs[b].msg_hdr.msg_iov = &iov[b];
        msgs[b].msg_hdr.msg_iovlen = 1;
    }

    double start = now();
    long sent = 0;
    while (sent < count) {
        int n = (int)(count - sent < BATCH ? count - sent : BATCH);
        for (int b = 0; b < n; b++) {
            uint32_t seq = (uint32_t)(sent + b), flow = seq % flows;
            uint8_t *ip = frames[b] + 14, *udp = ip + 20;
            uint16_t sport = (uint16_t)(20000 + flow), id = (uint16_t)seq;
            udp[0] = sport >> 8; udp[1] = sport & 0xff;
            ip[4] = id >> 8; ip[5] = id & 0xff;
            ip[10] = ip[11] = 0;
            uint16_t c = ip_checksum(ip);
            ip[10] = c >> 8; ip[11] = c & 0xff;
            uint32_t nseq = htonl(seq), nflow = htonl(flow);
            memcpy(udp + 12, &nseq, 4);
            memcpy(udp + 16, &nflow, 4);
        }
        int done = sendmmsg(fd, msgs, (unsigned)n, 0);
        if (done < 0) { perror("sendmmsg"); return 1; }
        sent += done;
        if (rate > 0) {
            double ahead = sent / rate - (now() - start);
            if (ahead > 0) {
                struct timespec ts = {(time_t)ahead, (long)((ahead - (time_t)ahead) * 1e9)};
                nanosleep(&ts, NULL);
            }
        }
    }
    double took = now() - start;
    fprintf(stderr, "sent %ld packets in %.3f s (%.0f pps)\n", sent, took, sent / took);
    return 0;
}
