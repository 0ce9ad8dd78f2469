/* Savefile read benchmark: one program, built against the system libpcap and against ours.
 *   bench gen PCAP PCAPNG BYTES        write the same packets as pcap and as pcapng
 *   bench loop|next_ex|touch FILE      read with pcap_loop counting bytes, with pcap_next_ex,
 *                                      or with a callback that reads every byte
 *   bench walk FILE BUFSIZE            the floor: read() into one buffer, records walked in
 *                                      place (pcap or pcapng), no library
 *   bench mmap FILE                    the same walk over a memory map
 * Each read mode prints "<bytes of packet data> <seconds>": CPU seconds of the process (user
 * and system), which a busy shared machine disturbs much less than wall-clock time. */
#include <pcap/pcap.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void put(FILE *f, const void *p, size_t n)
{
    if (fwrite(p, 1, n, f) != n) { perror("write"); exit(1); }
}

static int gen(const char *pcap_path, const char *ng_path, uint64_t target)
{
    FILE *a = fopen(pcap_path, "wb"), *b = fopen(ng_path, "wb");
    if (!a || !b) { perror("open"); return 1; }
    uint32_t fh[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1};
    put(a, fh, sizeof fh);
    uint32_t shb[7] = {0x0a0d0d0a, 28, 0x1a2b3c4d, 0x00000001, 0xffffffff, 0xffffffff, 28};
    put(b, shb, sizeof shb);
    uint32_t idb[5] = {1, 20, 1, 262144, 20};
    put(b, idb, sizeof idb);
    /* an IMIX-like mix of sizes */
    static const uint32_t sizes[12] = {60, 60, 60, 60, 60, 60, 60, 590, 590, 590, 590, 1514};
    static unsigned char data[1514];
    for (int i = 0; i < 1514; i++) data[i] = (unsigned char)(i * 31 + 7);
    uint64_t written = 0, n = 0;
    uint32_t sec = 1700000000, usec = 0;
    while (written < target) {
        uint32_t len = sizes[n % 12];
        data[0] = (unsigned char)n;
        uint32_t rh[4] = {sec, usec, len, len};
        put(a, rh, sizeof rh);
        put(a, data, len);
        uint32_t padded = (len + 3) & ~3u, total = 32 + padded;
        uint64_t t = (uint64_t)sec * 1000000 + usec;
        uint32_t eh[7] = {6, total, 0, (uint32_t)(t >> 32), (uint32_t)t, len, len};
        put(b, eh, sizeof eh);
        put(b, data, len);
        static const unsigned char pad[4];
        put(b, pad, padded - len);
        put(b, &total, 4);
        written += 16 + len;
        n++;
        if (++usec == 1000000) { usec = 0; sec++; }
    }
    fclose(a);
    fclose(b);
    printf("%llu packets, %llu bytes of pcap\n", (unsigned long long)n, (unsigned long long)written + 24);
    return 0;
}

static void count_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    (void)bytes;
    *(uint64_t *)user += h->caplen;
}

static void touch_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    uint64_t sum = 0;
    for (uint32_t i = 0; i < h->caplen; i++) sum += bytes[i];
    *(uint64_t *)user += h->caplen + (sum & 1) * 0;
    ((uint64_t *)user)[1] += sum;
}

static int read_lib(const char *mode, const char *path)
{
    char eb[PCAP_ERRBUF_SIZE];
    double t0 = now();
    pcap_t *p = pcap_open_offline(path, eb);
    if (!p) { fprintf(stderr, "%s\n", eb); return 1; }
    uint64_t acc[2] = {0, 0};
    if (strcmp(mode, "loop") == 0) {
        if (pcap_loop(p, -1, count_cb, (u_char *)acc) < 0) return 1;
    } else if (strcmp(mode, "touch") == 0) {
        if (pcap_loop(p, -1, touch_cb, (u_char *)acc) < 0) return 1;
    } else {
        struct pcap_pkthdr *h;
        const u_char *d;
        int rc;
        while ((rc = pcap_next_ex(p, &h, &d)) == 1) acc[0] += h->caplen;
        if (rc != -2) return 1;
    }
    pcap_close(p);
    printf("%llu %.6f %llu\n", (unsigned long long)acc[0], now() - t0, (unsigned long long)acc[1] & 1);
    return 0;
}

/* Walks the records in buf[0..n): returns bytes consumed; adds packet bytes to *total. */
static size_t walk_records(const unsigned char *buf, size_t n, int ng, uint64_t *total)
{
    size_t off = 0;
    for (;;) {
        if (ng) {
            if (n - off < 8) return off;
            uint32_t type, blen;
            memcpy(&type, buf + off, 4);
            memcpy(&blen, buf + off + 4, 4);
            if (n - off < blen) return off;
            if (type == 6) { uint32_t cap; memcpy(&cap, buf + off + 20, 4); *total += cap; }
            off += blen;
        } else {
            if (n - off < 16) return off;
            uint32_t cap;
            memcpy(&cap, buf + off + 8, 4);
            if (n - off < 16 + (size_t)cap) return off;
            *total += cap;
            off += 16 + cap;
        }
    }
}

static int walk(const char *path, size_t bufsize)
{
    double t0 = now();
    int fd = open(path, O_RDONLY);
    unsigned char *buf = aligned_alloc(4096, bufsize);
    uint32_t magic;
    if (fd < 0 || read(fd, &magic, 4) != 4) return 1;
    int ng = magic == 0x0a0d0d0a;
    size_t have = 0, skip = ng ? 24 : 20; /* rest of the SHB, or of the file header */
    uint64_t total = 0;
    for (;;) {
        ssize_t r = read(fd, buf + have, bufsize - have);
        if (r <= 0) break;
        have += r;
        if (skip) { memmove(buf, buf + skip, have - skip); have -= skip; skip = 0; }
        size_t used = walk_records(buf, have, ng, &total);
        memmove(buf, buf + used, have - used);
        have -= used;
    }
    close(fd);
    free(buf);
    printf("%llu %.6f 0\n", (unsigned long long)total, now() - t0);
    return 0;
}

static int walk_mmap(const char *path)
{
    double t0 = now();
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) return 1;
    unsigned char *m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (m == MAP_FAILED) return 1;
    madvise(m, st.st_size, MADV_SEQUENTIAL);
    int ng = m[0] == 0x0a;
    size_t start = ng ? 28 : 24;
    uint64_t total = 0;
    walk_records(m + start, st.st_size - start, ng, &total);
    munmap(m, st.st_size);
    close(fd);
    printf("%llu %.6f 0\n", (unsigned long long)total, now() - t0);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "gen") == 0) return gen(argv[2], argv[3], strtoull(argv[4], NULL, 0));
    if (argc == 4 && strcmp(argv[1], "walk") == 0) return walk(argv[2], strtoul(argv[3], NULL, 0));
    if (argc == 3 && strcmp(argv[1], "mmap") == 0) return walk_mmap(argv[2]);
    if (argc == 3) return read_lib(argv[1], argv[2]);
    fprintf(stderr, "usage: see the comment at the top of bench.c\n");
    return 2;
}
