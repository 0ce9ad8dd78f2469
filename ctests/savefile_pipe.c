/* A savefile read from a pipe that runs dry in the middle of a record.
 * 1. The reader blocks until the writer sends the rest, then delivers every record whole and
 *    in order (the record cut in two arrives intact), then reports the end of the file; for
 *    a pcap file and a pcapng file (cut inside an Enhanced Packet Block's header).
 * 2. A thread blocked in pcap_dispatch, pcap_loop, pcap_next_ex or pcap_next on such a pipe is
 *    cancelled (pthread_cancel): with libpcap the cancellation unwinds through the library,
 *    the thread's cleanup handler runs and pthread_join sees PTHREAD_CANCELED. Any other
 *    outcome (an abort, a hang) fails the test. */
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { RECORDS = 5, CUT = 3 }; /* the pipe runs dry inside record CUT */

static void sleep_ms(int ms)
{
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* A little-endian pcap file: the file header, then RECORDS Ethernet records of 60 + i bytes. */
static size_t make_file(unsigned char *buf, size_t *cut_at)
{
    size_t n = 0;
    uint32_t file_header[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
    memcpy(buf, file_header, sizeof file_header);
    n += sizeof file_header;
    for (int i = 0; i < RECORDS; i++) {
        uint32_t len = 60 + (uint32_t)i;
        uint32_t record[4] = {1000 + (uint32_t)i, 10 * (uint32_t)i, len, len};
        if (i == CUT)
            *cut_at = n + sizeof record + 7; /* the header and 7 bytes of the packet */
        memcpy(buf + n, record, sizeof record);
        n += sizeof record;
        for (uint32_t b = 0; b < len; b++)
            buf[n + b] = (unsigned char)(i * 16 + b);
        n += len;
    }
    return n;
}

static size_t put32(unsigned char *at, uint32_t v)
{
    memcpy(at, &v, 4);
    return 4;
}

/* The same records as a little-endian pcapng file: a Section Header Block, an Interface
 * Description Block (Ethernet, microseconds), then one Enhanced Packet Block per record. */
static size_t make_ng_file(unsigned char *buf, size_t *cut_at)
{
    size_t n = 0;
    n += put32(buf + n, 0x0a0d0d0a); /* SHB */
    n += put32(buf + n, 28);
    n += put32(buf + n, 0x1a2b3c4d);
    n += put32(buf + n, 0x00000001); /* version 1.0 */
    n += put32(buf + n, 0xffffffff); /* section length: unknown */
    n += put32(buf + n, 0xffffffff);
    n += put32(buf + n, 28);
    n += put32(buf + n, 1); /* IDB */
    n += put32(buf + n, 20);
    n += put32(buf + n, 1); /* LINKTYPE_ETHERNET, reserved 0 */
    n += put32(buf + n, 65535);
    n += put32(buf + n, 20);
    for (int i = 0; i < RECORDS; i++) {
        uint32_t len = 60 + (uint32_t)i, padded = (len + 3) & ~3u, total = 32 + padded;
        uint64_t ts = (uint64_t)(1000 + i) * 1000000 + (uint64_t)(10 * i);
        if (i == CUT)
            *cut_at = n + 6; /* inside the block header */
        n += put32(buf + n, 6); /* EPB */
        n += put32(buf + n, total);
        n += put32(buf + n, 0);
        n += put32(buf + n, (uint32_t)(ts >> 32));
        n += put32(buf + n, (uint32_t)ts);
        n += put32(buf + n, len);
        n += put32(buf + n, len);
        for (uint32_t b = 0; b < padded; b++)
            buf[n + b] = b < len ? (unsigned char)(i * 16 + b) : 0;
        n += padded;
        n += put32(buf + n, total);
    }
    return n;
}

struct writer {
    int fd;
    const unsigned char *rest;
    size_t len;
};

static void *write_rest(void *arg)
{
    struct writer *w = arg;
    sleep_ms(200); /* long enough for the reader to be waiting */
    if (write(w->fd, w->rest, w->len) != (ssize_t)w->len)
        perror("write");
    close(w->fd);
    return NULL;
}

static void on_record(u_char *user, const struct pcap_pkthdr *h, const u_char *b)
{
    (void)user;
    unsigned sum = 0;
    for (unsigned i = 0; i < h->caplen; i++)
        sum = sum * 31 + b[i];
    printf("  record %ld.%06ld caplen %u len %u first %02x last %02x sum %08x\n",
           (long)h->ts.tv_sec, (long)h->ts.tv_usec, h->caplen, h->len, b[0], b[h->caplen - 1],
           sum);
}

/* A reader on a pipe holding the file up to `cut_at`; the caller owns the write end. */
static pcap_t *open_pipe(const unsigned char *file, size_t cut_at, int *write_end)
{
    int fds[2];
    if (pipe(fds) != 0)
        return NULL;
    if (write(fds[1], file, cut_at) != (ssize_t)cut_at)
        return NULL;
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_fopen_offline(fdopen(fds[0], "r"), errbuf);
    if (p == NULL)
        printf("open: %s\n", errbuf);
    *write_end = fds[1];
    return p;
}

static void whole_records_across_the_wait(const char *format, const unsigned char *file,
                                          size_t len, size_t cut_at)
{
    printf("pcap_loop on a %s pipe that runs dry inside record %d:\n", format, CUT);
    int wfd;
    pcap_t *p = open_pipe(file, cut_at, &wfd);
    if (p == NULL)
        return;
    struct writer w = {wfd, file + cut_at, len - cut_at};
    pthread_t t;
    pthread_create(&t, NULL, write_rest, &w);
    int rc = pcap_loop(p, -1, on_record, NULL);
    printf("  pcap_loop returned %d\n", rc);
    pthread_join(t, NULL);
    pcap_close(p);
}

enum mode { DISPATCH, LOOP, NEXT_EX, NEXT };
static const char *mode_name[] = {"pcap_dispatch", "pcap_loop", "pcap_next_ex", "pcap_next"};

struct job {
    pcap_t *p;
    enum mode mode;
    volatile int in_loop, records, cleanup_ran;
};

static void cleanup(void *arg)
{
    ((struct job *)arg)->cleanup_ran = 1;
}

static void count(u_char *user, const struct pcap_pkthdr *h, const u_char *b)
{
    (void)h;
    (void)b;
    ((struct job *)user)->records++;
}

static void *reader(void *arg)
{
    struct job *j = arg;
    pthread_cleanup_push(cleanup, j);
    j->in_loop = 1;
    for (;;) {
        struct pcap_pkthdr *hdr;
        const u_char *data;
        struct pcap_pkthdr h;
        switch (j->mode) {
        case DISPATCH:
            pcap_dispatch(j->p, -1, count, (u_char *)j);
            break;
        case LOOP:
            pcap_loop(j->p, -1, count, (u_char *)j);
            break;
        case NEXT_EX:
            if (pcap_next_ex(j->p, &hdr, &data) == 1)
                j->records++;
            break;
        case NEXT:
            if (pcap_next(j->p, &h) != NULL)
                j->records++;
            break;
        }
    }
    pthread_cleanup_pop(0);
    return NULL;
}

static void cancel_while_reading(const unsigned char *file, size_t cut_at, enum mode mode)
{
    int wfd;
    struct job j = {.p = open_pipe(file, cut_at, &wfd), .mode = mode};
    if (j.p == NULL)
        return;
    pthread_t t;
    pthread_create(&t, NULL, reader, &j);
    for (int i = 0; i < 50 && !j.in_loop; i++)
        sleep_ms(10);
    sleep_ms(200); /* the reader has taken the whole records and waits inside the cut one */
    pthread_cancel(t);
    void *ret = NULL;
    pthread_join(t, &ret);
    printf("%s cancelled while the pipe is dry: joined %s, cleanup handler %s, records %d\n",
           mode_name[mode], ret == PTHREAD_CANCELED ? "PTHREAD_CANCELED" : "something else",
           j.cleanup_ran ? "ran" : "did not run", j.records);
    close(wfd);
    pcap_close(j.p);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    static unsigned char file[4096];
    size_t cut_at = 0;
    static unsigned char ng_file[4096];
    size_t ng_cut_at = 0;
    size_t ng_len = make_ng_file(ng_file, &ng_cut_at);
    whole_records_across_the_wait("pcapng", ng_file, ng_len, ng_cut_at);
    size_t len = make_file(file, &cut_at);
    whole_records_across_the_wait("pcap", file, len, cut_at);
    for (int mode = DISPATCH; mode <= NEXT; mode++)
        cancel_while_reading(file, cut_at, (enum mode)mode);
    printf("done\n");
    return 0;
}
