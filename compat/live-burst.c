/* Sends a fixed burst of Ethernet frames on one interface through a raw packet socket:
 * UDP/IPv4 (some VLAN-tagged), ARP requests, UDP/IPv6, in a fixed order, for the live tool
 * checks (compat/check-live-tcpdump.sh). Usage: live-burst IFACE [COUNT_OF_ROUNDS] */
#include <arpa/inet.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const uint8_t dst[6] = {0x02, 0, 0, 0, 0, 0x0c}, src[6] = {0x02, 0, 0, 0, 0, 0x0d};

static uint16_t csum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static size_t eth(uint8_t *f, const uint8_t *d, int vlan, uint16_t type)
{
    memcpy(f, d, 6);
    memcpy(f + 6, src, 6);
    size_t o = 12;
    if (vlan) {
        f[o] = 0x81; f[o + 1] = 0; f[o + 2] = vlan >> 8; f[o + 3] = vlan & 0xff;
        o += 4;
    }
    f[o] = type >> 8; f[o + 1] = type & 0xff;
    return o + 2;
}

static size_t udp4(uint8_t *f, int i, int vlan, size_t payload)
{
    size_t o = eth(f, dst, vlan, 0x0800);
    uint8_t *ip = f + o;
    size_t len = 20 + 8 + payload;
    memset(ip, 0, 20);
    ip[0] = 0x45; ip[2] = len >> 8; ip[3] = len & 0xff; ip[4] = 0x12; ip[5] = (uint8_t)i;
    ip[8] = 64; ip[9] = 17;
    uint8_t s[4] = {198, 18, 0, 2}, d[4] = {198, 18, 0, 1};
    memcpy(ip + 12, s, 4); memcpy(ip + 16, d, 4);
    uint16_t c = csum(ip, 20);
    ip[10] = c >> 8; ip[11] = c & 0xff;
    uint8_t *u = ip + 20;
    u[0] = 0x30; u[1] = 0x39; u[2] = 0; u[3] = (uint8_t)(i % 2 ? 9 : 53);
    u[4] = (8 + payload) >> 8; u[5] = (8 + payload) & 0xff; u[6] = u[7] = 0;
    for (size_t k = 0; k < payload; k++)
        u[8 + k] = (uint8_t)('a' + (k + i) % 26);
    return o + len < 60 ? 60 : o + len;
}

static size_t arp(uint8_t *f, int i)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    size_t o = eth(f, bcast, 0, 0x0806);
    uint8_t a[28] = {0, 1, 8, 0, 6, 4, 0, 1};
    memcpy(a + 8, src, 6);
    a[14] = 198; a[15] = 18; a[16] = 0; a[17] = 2;
    a[24] = 198; a[25] = 18; a[26] = 0; a[27] = (uint8_t)(100 + i);
    memcpy(f + o, a, 28);
    memset(f + o + 28, 0, 60 - o - 28);
    return 60;
}

static size_t udp6(uint8_t *f, int i)
{
    size_t o = eth(f, dst, 0, 0x86dd);
    uint8_t *ip = f + o;
    memset(ip, 0, 40);
    ip[0] = 0x60; ip[5] = 8 + 16; ip[6] = 17; ip[7] = 64;
    ip[8] = 0xfd; ip[23] = 2; ip[24] = 0xfd; ip[39] = 1;
    uint8_t *u = ip + 40;
    u[0] = 0x30; u[1] = 0x39; u[2] = 0; u[3] = 9; u[4] = 0; u[5] = 24; u[6] = 0x12; u[7] = (uint8_t)i;
    memset(u + 8, 'v', 16);
    return o + 40 + 24;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    int rounds = argc > 2 ? atoi(argv[2]) : 1;
    int s = socket(AF_PACKET, SOCK_RAW, 0);
    struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_ifindex = (int)if_nametoindex(argv[1]),
                             .sll_halen = 6};
    if (s < 0 || to.sll_ifindex == 0) {
        perror("live-burst");
        return 1;
    }
    uint8_t f[1600];
    int sent = 0;
    for (int r = 0; r < rounds; r++)
        for (int i = 0; i < 20; i++) {
            size_t n;
            switch (i % 5) {
            case 0: n = udp4(f, i, 0, 10 + i * 70); break;
            case 1: n = udp4(f, i, 0, 1400); break;
            case 2: n = arp(f, i); break;
            case 3: n = udp4(f, i, 7, 100); break;
            default: n = udp6(f, i); break;
            }
            if (sendto(s, f, n, 0, (struct sockaddr *)&to, sizeof to) == (ssize_t)n)
                sent++;
        }
    printf("sent %d\n", sent);
    return 0;
}
