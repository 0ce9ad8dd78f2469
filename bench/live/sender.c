/* Fixed-count, fixed-rate sender for bench/live: COUNT frames of SIZE bytes on IFACE at RATE
 * packets/s (paced by the monotonic clock), each stamped with its send time (CLOCK_MONOTONIC
 * ns, which every network namespace shares) for latency, then END markers. Raw packet
 * socket with PACKET_QDISC_BYPASS; batches of up to 16 with sendmmsg at high rates.
 * Usage: sender IFACE SIZE RATE COUNT */
#define _GNU_SOURCE
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 5)
        return 2;
    size_t size = (size_t)atoi(argv[2]);
    double rate = atof(argv[3]);
    long count = atol(argv[4]);
    int s = socket(AF_PACKET, SOCK_RAW, 0);
    int one = 1;
    setsockopt(s, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
    struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_ifindex = (int)if_nametoindex(argv[1]),
                             .sll_halen = 6};
    enum { BATCH = 16 };
    static uint8_t frames[BATCH][1600];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    for (int i = 0; i < BATCH; i++) {
        memset(frames[i], 0, sizeof frames[i]);
        memcpy(frames[i], "\x02\x00\x00\x00\x00\x0b\x02\x00\x00\x00\x00\x0a\x88\xb5", 14);
        iov[i] = (struct iovec){frames[i], size};
        msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_name = &to, .msg_namelen = sizeof to,
                                               .msg_iov = &iov[i], .msg_iovlen = 1}};
    }
    int batch = rate > 50000 ? BATCH : 1;
    uint64_t start = now_ns();
    long sent = 0;
    while (sent < count) {
        uint64_t due = start + (uint64_t)((double)sent * 1e9 / rate);
        while (now_ns() < due)
            ;
        int n = (int)(count - sent < batch ? count - sent : batch);
        uint64_t stamp = now_ns();
        for (int i = 0; i < n; i++) {
            memcpy(frames[i] + 14, &stamp, 8);
            frames[i][22] = 0;
        }
        int r = sendmmsg(s, msgs, (unsigned)n, 0);
        if (r > 0)
            sent += r;
    }
    usleep(20000);
    for (int i = 0; i < 5; i++) {
        frames[0][22] = 1; /* END */
        sendto(s, frames[0], size, 0, (struct sockaddr *)&to, sizeof to);
        usleep(1000);
    }
    printf("sent %ld in %.3f s\n", sent, (double)(now_ns() - start) / 1e9);
    return 0;
}
