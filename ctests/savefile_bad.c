/* Crafted savefiles, good and bad, generated here: the open result or error text, the file's
 * properties, and every pcap_next_ex result (header, a hash of the bytes, the error text) at
 * microsecond and nanosecond precision, plus one more call after the end or an error. */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned char buf[1 << 21];
static size_t len;
static int big; /* write multi-byte fields big-endian */
static char path[256];

static void u8(unsigned v) { buf[len++] = (unsigned char)v; }
static void u16(unsigned v)
{
    if (big) { u8(v >> 8); u8(v); } else { u8(v); u8(v >> 8); }
}
static void u32(uint32_t v)
{
    if (big) { u16(v >> 16); u16(v & 0xffff); } else { u16(v & 0xffff); u16(v >> 16); }
}
static void u64(uint64_t v)
{
    if (big) { u32(v >> 32); u32((uint32_t)v); } else { u32((uint32_t)v); u32(v >> 32); }
}
static void fill(size_t n, unsigned char c) { memset(buf + len, c, n); len += n; }
static void put32at(size_t at, uint32_t v)
{
    size_t save = len; len = at; u32(v); len = save;
}

static uint64_t fnv(const unsigned char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

static void run(const char *name)
{
    FILE *f = fopen(path, "wb");
    fwrite(buf, 1, len, f);
    fclose(f);
    for (unsigned prec = 0; prec < 2; prec++) {
        char eb[PCAP_ERRBUF_SIZE] = "untouched";
        pcap_t *p = pcap_open_offline_with_tstamp_precision(path, prec, eb);
        printf("%s/%u: ", name, prec);
        if (!p) { printf("open failed: %s\n", eb); continue; }
        printf("dlt %d ext %#x snap %d v%d.%d swapped %d\n", pcap_datalink(p), pcap_datalink_ext(p),
               pcap_snapshot(p), pcap_major_version(p), pcap_minor_version(p), pcap_is_swapped(p));
        for (int i = 0; i < 40; i++) {
            struct pcap_pkthdr *h; const u_char *d;
            int rc = pcap_next_ex(p, &h, &d);
            if (rc == 1)
                printf("  1 %lld.%lld %u/%u %016llx\n", (long long)h->ts.tv_sec, (long long)h->ts.tv_usec,
                       h->caplen, h->len, (unsigned long long)fnv(d, h->caplen));
            else {
                printf("  %d %s\n", rc, rc == -1 ? pcap_geterr(p) : "");
                rc = pcap_next_ex(p, &h, &d);
                printf("  then %d%s%s\n", rc, rc == -1 ? " " : "", rc == -1 ? pcap_geterr(p) : "");
                printf("  bufsize %d\n", pcap_bufsize(p));
                break;
            }
        }
        pcap_close(p);
    }
}

/* pcap */
static void pcap_hdr(uint32_t magic, unsigned major, unsigned minor, uint32_t snap, uint32_t lt)
{
    len = 0; u32(magic); u16(major); u16(minor); u32(0); u32(0); u32(snap); u32(lt);
}
static void rec(uint32_t sec, uint32_t frac, uint32_t caplen, uint32_t wire, size_t data)
{
    u32(sec); u32(frac); u32(caplen); u32(wire);
    for (size_t i = 0; i < data; i++) u8((unsigned)(i * 7 + caplen));
}

static void pcap_cases(void)
{
    len = 0; run("empty");
    len = 0; u8(0xd4); u8(0xc3); run("two-bytes");
    len = 0; memcpy(buf, "GIF89a\1\0\1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 24); len = 24; run("gif");
    for (big = 0; big < 2; big++) {
        char n[64];
        const char *e = big ? "be" : "le";
        pcap_hdr(0xa1b2c3d4, 2, 4, 65535, 1); len = 14; snprintf(n, sizeof n, "short-header-%s", e); run(n);
        pcap_hdr(0xa1b2c3d4, 2, 4, 65535, 1); rec(1, 2, 4, 60, 4); rec(0x7fffffff, 999999, 60, 60, 60);
        rec(3, 1000000, 0, 0, 0); snprintf(n, sizeof n, "ok-%s", e); run(n);
        pcap_hdr(0xa1b23c4d, 2, 4, 65535, 1); rec(1, 2, 4, 60, 4); rec(5, 999999999, 8, 8, 8);
        rec(5, 1999, 8, 8, 8); snprintf(n, sizeof n, "nano-%s", e); run(n);
        pcap_hdr(0xa1b2c3d4, 1, 0, 65535, 1); snprintf(n, sizeof n, "v1.0-%s", e); run(n);
        unsigned versions[][2] = {{2, 5}, {3, 0}, {543, 0}, {543, 1}, {2, 0}, {2, 1}, {2, 2}, {2, 3}, {0, 0}};
        for (int i = 0; i < 9; i++) {
            pcap_hdr(0xa1b2c3d4, versions[i][0], versions[i][1], 65535, 1);
            rec(1, 2, 4, 60, 4); rec(1, 2, 60, 4, 4); rec(1, 2, 4, 4, 4);
            snprintf(n, sizeof n, "v%u.%u-%s", versions[i][0], versions[i][1], e); run(n);
        }
        uint32_t snaps[] = {0, 1, 100, 262144, 262145, 300000, 0x80000000u, 0xffffffffu};
        for (int i = 0; i < 8; i++) {
            pcap_hdr(0xa1b2c3d4, 2, 4, snaps[i], 1); rec(1, 2, 200, 300, 200); rec(1, 2, 20, 300, 20);
            snprintf(n, sizeof n, "snap%u-%s", snaps[i], e); run(n);
            pcap_hdr(0xa1b2c3d4, 2, 4, snaps[i], 231); rec(1, 2, 300000, 300000, 300000);
            snprintf(n, sizeof n, "dbus-snap%u-%s", snaps[i], e); run(n);
        }
        pcap_hdr(0xa1b2c3d4, 2, 4, 65535, 1); rec(1, 2, 4, 60, 4); u32(1); u32(2); u8(3);
        snprintf(n, sizeof n, "trunc-rechdr-%s", e); run(n);
        pcap_hdr(0xa1b2c3d4, 2, 4, 65535, 1); rec(1, 2, 4, 60, 4); rec(1, 2, 100, 100, 50);
        snprintf(n, sizeof n, "trunc-data-%s", e); run(n);
        pcap_hdr(0xa1b2c3d4, 2, 4, 100, 1); rec(1, 2, 200, 200, 150);
        snprintf(n, sizeof n, "trunc-data-oversnap-%s", e); run(n);
        uint32_t caps[] = {262144, 262145, 300000, 0xffffffffu, 0x80000000u};
        for (int i = 0; i < 5; i++) {
            pcap_hdr(0xa1b2c3d4, 2, 4, i == 2 ? 100 : 65535, 1); rec(1, 2, 4, 60, 4);
            rec(1, 2, caps[i], 60, 0); rec(1, 2, 4, 60, 4); rec(1, 2, 4, 60, 4);
            snprintf(n, sizeof n, "caplen%u-%s", caps[i], e); run(n);
        }
        pcap_hdr(0xa1b2cd34, 2, 4, 100, 1);
        for (int i = 0; i < 3; i++) { rec(1, 2, 110 + i * 4, 120, 0); u32(7); u16(8); u8(1); u8(0); fill(110 + i * 4, 0x5a); }
        snprintf(n, sizeof n, "kuznetzov-en10mb-%s", e); run(n);
        pcap_hdr(0xa1b2cd34, 2, 4, 0x7ffffff8, 12); rec(1, 2, 10, 10, 0); u32(7); u16(8); u8(1); u8(0); fill(10, 1);
        snprintf(n, sizeof n, "kuznetzov-raw-%s", e); run(n);
        uint32_t lts[] = {0x04000001, 0x10000001, 0xf4000069, 0x00010001, 100, 101, 0xffffffff, 147};
        for (int i = 0; i < 8; i++) {
            pcap_hdr(0xa1b2c3d4, 2, 4, 65535, lts[i]); rec(1, 2, 4, 4, 4);
            snprintf(n, sizeof n, "linktype%#x-%s", lts[i], e); run(n);
        }
        uint32_t fracs[][2] = {{0xffffffffu, 0xffffffffu}, {0x80000000u, 5000000}, {1, 0xfffffff0u}};
        for (int m = 0; m < 2; m++) {
            pcap_hdr(m ? 0xa1b23c4d : 0xa1b2c3d4, 2, 4, 65535, 1);
            for (int i = 0; i < 3; i++) rec(fracs[i][0], fracs[i][1], 1, 1, 1);
            snprintf(n, sizeof n, "odd-times-%d-%s", m, e); run(n);
        }
    }
    big = 0;
}

/* pcapng */
static size_t blk;
static void block(uint32_t type) { blk = len; u32(type); u32(0); }
static void end_block(void)
{
    while (len % 4) u8(0);
    uint32_t total = (uint32_t)(len - blk + 4);
    put32at(blk + 4, total);
    u32(total);
}
static void shb(unsigned major, unsigned minor)
{
    block(0x0a0d0d0a); u32(0x1a2b3c4d); u16(major); u16(minor); u64(0xffffffffffffffffULL); end_block();
}
static void opt(unsigned code, unsigned olen, const void *val)
{
    u16(code); u16(olen);
    memcpy(buf + len, val, olen); len += olen;
    while (len % 4) u8(0);
}
static void idb_start(unsigned lt, uint32_t snap) { block(1); u16(lt); u16(0); u32(snap); }
static void idb(unsigned lt, uint32_t snap) { idb_start(lt, snap); end_block(); }
static void idb_res(unsigned lt, uint32_t snap, int res)
{
    idb_start(lt, snap);
    unsigned char r = (unsigned char)res;
    if (res >= 0) opt(9, 1, &r);
    u16(0); u16(0);
    end_block();
}
static void epb(uint32_t ifid, uint64_t ts, uint32_t caplen, uint32_t wire, size_t data)
{
    block(6); u32(ifid); u32(ts >> 32); u32((uint32_t)ts); u32(caplen); u32(wire);
    for (size_t i = 0; i < data; i++) u8((unsigned)(i * 3 + 1));
    end_block();
}

static void ng_cases(void)
{
    char n[80];
    len = 0; u32(0x0a0d0d0a); run("ng-magic-only");
    len = 0; u32(0x0a0d0d0a); u32(28); run("ng-8");
    len = 0; u32(0x0a0d0d0a); u32(28); u16(0x3c4d); run("ng-10");
    len = 0; u32(0x0a0d0d0a); u32(28); u32(0x11223344); fill(16, 0); run("ng-bad-bom");
    uint32_t shblens[] = {0, 12, 24, 27, 30, 32, 1024 * 1024, 1024 * 1024 + 4, 0x10000000};
    for (int i = 0; i < 9; i++) {
        len = 0; u32(0x0a0d0d0a); u32(shblens[i]); u32(0x1a2b3c4d); u16(1); u16(0); u64(0); fill(8, 0); u32(shblens[i]);
        snprintf(n, sizeof n, "ng-shblen%u", shblens[i]); run(n);
    }
    len = 0; u32(0x0a0d0d0a); u32(40); u32(0x1a2b3c4d); u16(1); u16(0); u64(0); run("ng-shb-trunc");
    unsigned vers[][2] = {{1, 0}, {1, 1}, {1, 2}, {1, 3}, {2, 0}, {0, 0}};
    for (int i = 0; i < 6; i++) {
        len = 0; shb(vers[i][0], vers[i][1]); idb(1, 0); epb(0, 1000001, 4, 4, 4);
        snprintf(n, sizeof n, "ng-v%u.%u", vers[i][0], vers[i][1]); run(n);
    }
    len = 0; shb(1, 0); put32at(len - 4, 32); idb(1, 0); run("ng-shb-trailer-mismatch");
    len = 0; shb(1, 0); run("ng-no-idb");
    len = 0; shb(1, 0); epb(0, 1, 4, 4, 4); run("ng-epb-before-idb");
    len = 0; shb(1, 0); block(0x12345); u32(1); end_block(); idb(1, 0); epb(0, 1, 4, 4, 4); run("ng-unknown-first");
    for (big = 0; big < 2; big++) {
        const char *e = big ? "be" : "le";
        int reses[] = {-1, 0, 3, 6, 9, 12, 19, 20, 0x80, 0x80 | 10, 0x80 | 30, 0x80 | 63, 0x80 | 64, 0xff};
        for (int i = 0; i < 14; i++) {
            len = 0; shb(1, 0); idb_res(1, 0, reses[i]);
            uint64_t ts[] = {0, 1, 999999, 1000000, 1234567890123ULL, 0xffffffffffffffffULL, 0x8000000000000000ULL};
            for (int k = 0; k < 7; k++) epb(0, ts[k], 2, 2, 2);
            snprintf(n, sizeof n, "ng-tsresol%d-%s", reses[i], e); run(n);
        }
        /* tsoffset */
        len = 0; shb(1, 0); idb_start(1, 0);
        { uint64_t off = 1000; unsigned char v[8]; size_t s = len; u64(off); memcpy(v, buf + s, 8); len = s; opt(14, 8, v); }
        u16(0); u16(0); end_block(); epb(0, 5000000, 1, 1, 1);
        snprintf(n, sizeof n, "ng-tsoffset-%s", e); run(n);
        len = 0; shb(1, 0); idb_start(1, 0); opt(14, 4, "abcd"); end_block(); epb(0, 1, 1, 1, 1);
        snprintf(n, sizeof n, "ng-tsoffset-len4-%s", e); run(n);
        len = 0; shb(1, 0); idb_start(1, 0); opt(9, 2, "\6\6"); end_block(); epb(0, 1, 1, 1, 1);
        snprintf(n, sizeof n, "ng-tsresol-len2-%s", e); run(n);
        len = 0; shb(1, 0); idb_start(1, 0); opt(9, 1, "\6"); opt(9, 1, "\6"); end_block(); epb(0, 1, 1, 1, 1);
        snprintf(n, sizeof n, "ng-tsresol-twice-%s", e); run(n);
        len = 0; shb(1, 0); idb_start(1, 0); u16(2); u16(100); u32(0); end_block(); epb(0, 1, 1, 1, 1);
        snprintf(n, sizeof n, "ng-opt-overrun-%s", e); run(n);
        len = 0; shb(1, 0); idb_start(1, 0); u16(2); end_block(); epb(0, 1, 1, 1, 1);
        snprintf(n, sizeof n, "ng-opt-half-%s", e); run(n);
        len = 0; shb(1, 0); idb_start(1, 0); u16(0); u16(0); opt(9, 1, "\3"); end_block(); epb(0, 1234567, 1, 1, 1);
        snprintf(n, sizeof n, "ng-opt-after-end-%s", e); run(n);
        len = 0; shb(1, 0); block(1); u16(1); end_block(); epb(0, 1, 1, 1, 1);
        snprintf(n, sizeof n, "ng-idb-short-%s", e); run(n);
        /* packets */
        len = 0; shb(1, 0); idb(1, 100); epb(0, 1, 4, 60, 4); epb(1, 1, 4, 4, 4); epb(0, 1, 4, 4, 4);
        snprintf(n, sizeof n, "ng-epb-noif-%s", e); run(n);
        len = 0; shb(1, 0); idb(1, 100); epb(0, 1, 200, 200, 200); epb(0, 1, 4, 4, 4);
        snprintf(n, sizeof n, "ng-epb-oversnap-%s", e); run(n);
        len = 0; shb(1, 0); idb(1, 0); epb(0, 1, 100, 100, 20); epb(0, 1, 4, 4, 4);
        snprintf(n, sizeof n, "ng-epb-caplen-overrun-%s", e); run(n);
        len = 0; shb(1, 0); idb(1, 0); block(6); u32(0); u32(0); end_block();
        snprintf(n, sizeof n, "ng-epb-short-%s", e); run(n);
        len = 0; shb(1, 0); idb(1, 0); block(3); u32(60); fill(60, 9); end_block(); block(3); u32(30); fill(20, 9); end_block();
        block(3); u32(400); fill(80, 9); end_block();
        snprintf(n, sizeof n, "ng-spb-%s", e); run(n);
        len = 0; shb(1, 0); idb(1, 50); block(3); u32(60); fill(60, 9); end_block();
        snprintf(n, sizeof n, "ng-spb-snap-%s", e); run(n);
        len = 0; shb(1, 0); block(3); u32(60); fill(60, 9); end_block();
        snprintf(n, sizeof n, "ng-spb-noidb-%s", e); run(n);
        len = 0; shb(1, 0); idb(1, 0); block(2); u16(0); u16(5); u32(0); u32(1000001); u32(8); u32(10); fill(8, 1); end_block();
        block(2); u16(3); u16(5); u32(0); u32(1); u32(8); u32(10); fill(8, 1); end_block();
        snprintf(n, sizeof n, "ng-pb-%s", e); run(n);
        /* several interfaces and sections */
        len = 0; shb(1, 0); idb_res(1, 0, 9); idb_res(1, 0, 3); epb(0, 1234567890, 1, 1, 1); epb(1, 1234567890, 1, 1, 1);
        snprintf(n, sizeof n, "ng-two-if-%s", e); run(n);
        len = 0; shb(1, 0); idb(1, 0); epb(0, 1, 1, 1, 1); idb(105, 0); epb(1, 1, 1, 1, 1);
        snprintf(n, sizeof n, "ng-if-linktype-%s", e); run(n);
        len = 0; shb(1, 0); idb(1, 0); epb(0, 1, 1, 1, 1); idb(1, 1000); epb(1, 1, 1, 1, 1);
        snprintf(n, sizeof n, "ng-if-snaplen-%s", e); run(n);
        len = 0; shb(1, 0); idb(1, 0); epb(0, 1, 1, 1, 1); idb(1, 262144); idb(1, 300000); epb(1, 1, 1, 1, 1);
        snprintf(n, sizeof n, "ng-if-snaplen-adjusted-%s", e); run(n);
        len = 0; shb(1, 0); idb(101, 0); epb(0, 1, 1, 1, 1); idb(101, 0); epb(1, 1, 1, 1, 1);
        snprintf(n, sizeof n, "ng-if-raw-twice-%s", e); run(n);
        len = 0; shb(1, 0); idb_res(1, 0, 6); epb(0, 5, 1, 1, 1); shb(1, 0); idb_res(1, 0, 9); epb(0, 5, 1, 1, 1); epb(1, 5, 1, 1, 1);
        snprintf(n, sizeof n, "ng-two-sections-%s", e); run(n);
        len = 0; shb(1, 0); idb(1, 0); epb(0, 5, 1, 1, 1); shb(1, 0); epb(0, 5, 1, 1, 1);
        snprintf(n, sizeof n, "ng-section-noidb-%s", e); run(n);
        len = 0; shb(1, 0); idb(1, 0); epb(0, 5, 1, 1, 1); big = !big; shb(1, 0); idb(1, 0); big = !big; epb(0, 5, 1, 1, 1);
        snprintf(n, sizeof n, "ng-section-order-%s", e); run(n);
        len = 0; shb(1, 0); idb(1, 0); epb(0, 5, 1, 1, 1); shb(2, 0); epb(0, 5, 1, 1, 1);
        snprintf(n, sizeof n, "ng-section-v2-%s", e); run(n);
        len = 0; shb(1, 0); idb(1, 0); epb(0, 5, 1, 1, 1); block(0x0a0d0d0a); u32(0x11111111); u16(1); u16(0); u64(0); end_block();
        snprintf(n, sizeof n, "ng-section-badbom-%s", e); run(n);
        len = 0; shb(1, 0); idb(1, 0); epb(0, 5, 1, 1, 1); block(0x0a0d0d0a); end_block();
        snprintf(n, sizeof n, "ng-section-short-%s", e); run(n);
        /* block framing */
        uint32_t lens[] = {0, 4, 8, 12, 13, 14, 15, 16 * 1024 * 1024, 16 * 1024 * 1024 + 4, 0xfffffffc};
        for (int i = 0; i < 10; i++) {
            len = 0; shb(1, 0); idb(1, 0); epb(0, 5, 1, 1, 1); u32(0x99); u32(lens[i]); u32(lens[i]); fill(8, 0);
            epb(0, 6, 1, 1, 1);
            snprintf(n, sizeof n, "ng-blocklen%u-%s", lens[i], e); run(n);
        }
        len = 0; shb(1, 0); idb(1, 0); epb(0, 5, 1, 1, 1); u32(6); u16(3);
        snprintf(n, sizeof n, "ng-trunc-blockhdr-%s", e); run(n);
        len = 0; shb(1, 0); idb(1, 0); epb(0, 5, 1, 1, 1); epb(0, 5, 40, 40, 40); len -= 20;
        snprintf(n, sizeof n, "ng-trunc-block-%s", e); run(n);
        len = 0; shb(1, 0); idb(1, 0); epb(0, 5, 1, 1, 1); epb(0, 5, 4, 4, 4); put32at(len - 4, 99); epb(0, 6, 4, 4, 4);
        snprintf(n, sizeof n, "ng-trailer-mismatch-%s", e); run(n);
        len = 0; shb(1, 0); idb(1, 300000); epb(0, 5, 270000, 270000, 270000); idb(1, 300000); epb(1, 5, 4, 4, 4);
        snprintf(n, sizeof n, "ng-idb-snap300000-%s", e); run(n);
        len = 0; shb(1, 0); idb(1, 0x80000000u); epb(0, 5, 4, 4, 4); idb(1, 0); epb(1, 5, 4, 4, 4);
        snprintf(n, sizeof n, "ng-idb-snapneg-%s", e); run(n);
        len = 0; shb(1, 0); idb(1, 0); epb(0, 5, 3000, 3000, 3000); epb(0, 5, 5000, 5000, 5000);
        snprintf(n, sizeof n, "ng-bufsize-%s", e); run(n);
        len = 0; shb(1, 0); idb(231, 0); epb(0, 5, 300000, 300000, 300000);
        snprintf(n, sizeof n, "ng-dbus-big-%s", e); run(n);
        len = 0; shb(1, 0); idb(1, 0); epb(0, 5, 300000, 300000, 300000);
        snprintf(n, sizeof n, "ng-eth-big-%s", e); run(n);
    }
    big = 0;
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/oxpcap-bad-%d.pcap", tmp ? tmp : "/tmp", (int)getpid());
    pcap_cases();
    ng_cases();
    unlink(path);
    return 0;
}
