/* compat/vlan-burst IFACE [ROUNDS]: sends, on a packet socket, a fixed sequence of Ethernet
 * frames with and without VLAN tags (addresses in 198.18.0.0/15 only), for the live VLAN
 * checks. The receiving end of a veth pair gets the outer 802.1Q / 802.1ad tag stripped into
 * the packet's metadata by the kernel; the sending end's own copies keep the tags in the
 * bytes. Each round, in order:
 *   untagged IPv4/UDP; 802.1Q vid 5 IPv4/UDP; 802.1Q TCI 0xa007 (priority 5, vid 7) IPv6/UDP;
 *   802.1ad vid 100 + 802.1Q vid 5 IPv4/UDP; 0x9100 vid 200 IPv4/UDP (never stripped);
 *   802.1Q vid 5 ARP; 802.1Q vid 1 + 802.1Q vid 2 IPv4/UDP; untagged ARP;
 *   802.1Q vid 0 (priority tag) IPv4/UDP; untagged IPv6/UDP. */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const uint8_t dst[6] = {0x02, 0, 0, 0, 0, 0x0c}, src[6] = {0x02, 0, 0, 0, 0, 0x0d};

struct tag { uint16_t tpid, tci; };

static size_t eth(uint8_t *f, const struct tag *tags, int ntags, uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    size_t o = 12;
    for (int i = 0; i < ntags; i++) {
        f[o] = tags[i].tpid >> 8; f[o + 1] = tags[i].tpid & 0xff;
        f[o + 2] = tags[i].tci >> 8; f[o + 3] = tags[i].tci & 0xff;
        o += 4;
    }
    f[o] = type >> 8; f[o + 1] = type & 0xff;
    return o + 2;
}

static uint16_t csum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static size_t udp4(uint8_t *f, size_t o, int i)
{
    uint8_t *ip = f + o;
    size_t len = 20 + 8 + 32;
    memset(ip, 0, len);
    ip[0] = 0x45; ip[2] = len >> 8; ip[3] = len & 0xff; ip[5] = (uint8_t)i; ip[8] = 64; ip[9] = 17;
    uint8_t s[4] = {198, 18, 0, 2}, d[4] = {198, 18, 0, 1};
    memcpy(ip + 12, s, 4); memcpy(ip + 16, d, 4);
    uint16_t c = csum(ip, 20);
    ip[10] = c >> 8; ip[11] = c & 0xff;
    uint8_t *u = ip + 20;
    u[0] = 0x30; u[1] = 0x39; u[2] = 0; u[3] = 9; u[5] = 8 + 32;
    memset(u + 8, 'a' + i % 26, 32);
    return o + len;
}

static size_t udp6(uint8_t *f, size_t o, int i)
{
    uint8_t *ip = f + o;
    memset(ip, 0, 40 + 8 + 16);
    ip[0] = 0x60; ip[5] = 8 + 16; ip[6] = 17; ip[7] = 64;
    ip[8] = 0xfd; ip[23] = 2; ip[24] = 0xfd; ip[39] = 1;
    uint8_t *u = ip + 40;
    u[0] = 0x30; u[1] = 0x39; u[3] = 9; u[5] = 24; u[7] = (uint8_t)i;
    memset(u + 8, 'v', 16);
    return o + 40 + 24;
}

static size_t arp(uint8_t *f, size_t o, int i)
{
    uint8_t a[28] = {0, 1, 8, 0, 6, 4, 0, 1};
    memcpy(a + 8, src, 6);
    a[14] = 198; a[15] = 18; a[16] = 0; a[17] = 2;
    a[24] = 198; a[25] = 18; a[26] = 0; a[27] = (uint8_t)(100 + i);
    memcpy(f + o, a, 28);
    return o + 28;
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
        perror("vlan-burst");
        return 1;
    }
    const struct tag v5 = {0x8100, 5}, v7 = {0x8100, 0xa007}, outer100 = {0x88a8, 100},
                     old200 = {0x9100, 200}, v1 = {0x8100, 1}, v2 = {0x8100, 2}, v0 = {0x8100, 0};
    uint8_t f[1600];
    int sent = 0;
    for (int r = 0; r < rounds; r++)
        for (int i = 0; i < 10; i++) {
            size_t n = 0;
            switch (i) {
            case 0: n = udp4(f, eth(f, NULL, 0, 0x0800), i); break;
            case 1: n = udp4(f, eth(f, &v5, 1, 0x0800), i); break;
            case 2: n = udp6(f, eth(f, &v7, 1, 0x86dd), i); break;
            case 3: { struct tag t[2] = {outer100, v5}; n = udp4(f, eth(f, t, 2, 0x0800), i); break; }
            case 4: n = udp4(f, eth(f, &old200, 1, 0x0800), i); break;
            case 5: n = arp(f, eth(f, &v5, 1, 0x0806), i); break;
            case 6: { struct tag t[2] = {v1, v2}; n = udp4(f, eth(f, t, 2, 0x0800), i); break; }
            case 7: n = arp(f, eth(f, NULL, 0, 0x0806), i); break;
            case 8: n = udp4(f, eth(f, &v0, 1, 0x0800), i); break;
            default: n = udp6(f, eth(f, NULL, 0, 0x86dd), i); break;
            }
            if (n < 60) {
                memset(f + n, 0, 60 - n);
                n = 60;
            }
            if (sendto(s, f, n, 0, (struct sockaddr *)&to, sizeof to) == (ssize_t)n)
                sent++;
        }
    printf("sent %d\n", sent);
    return 0;
}
