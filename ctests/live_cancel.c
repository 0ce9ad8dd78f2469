/* pthread_cancel of a thread inside the packet loop (namespace made by compat/check-live.sh;
 * skipped elsewhere), as iftop does at exit: the thread is cancelled while blocked waiting in
 * pcap_dispatch, pcap_loop, pcap_next_ex or pcap_next (buffered and immediate mode), and while
 * its callback reaches a cancellation point. With libpcap the cancellation unwinds through the
 * library, the thread's cleanup handler runs, pthread_join sees PTHREAD_CANCELED, and the
 * handle can still be used and closed. Any other outcome (an abort, a hang) fails the test. */
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum mode { DISPATCH, LOOP, NEXT_EX, NEXT };
static const char *mode_name[] = {"pcap_dispatch", "pcap_loop", "pcap_next_ex", "pcap_next"};

struct job {
    pcap_t *p;
    enum mode mode;
    int cancel_in_callback;
    volatile int in_loop, packets, cleanup_ran;
};

static void cleanup(void *arg)
{
    ((struct job *)arg)->cleanup_ran = 1;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *b)
{
    (void)h;
    (void)b;
    struct job *j = (struct job *)user;
    j->packets++;
    if (j->cancel_in_callback) {
        /* Only here may the cancellation act: inside the callback, inside the library's loop. */
        pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
        pthread_testcancel();
        pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
    }
}

static void *capture(void *arg)
{
    struct job *j = arg;
    pthread_cleanup_push(cleanup, j);
    if (j->cancel_in_callback)
        pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
    j->in_loop = 1;
    for (;;) {
        struct pcap_pkthdr *hdr;
        const u_char *data;
        struct pcap_pkthdr h;
        switch (j->mode) {
        case DISPATCH:
            pcap_dispatch(j->p, -1, on_packet, (u_char *)j);
            break;
        case LOOP:
            pcap_loop(j->p, -1, on_packet, (u_char *)j);
            break;
        case NEXT_EX:
            if (pcap_next_ex(j->p, &hdr, &data) == 1)
                on_packet((u_char *)j, hdr, data);
            break;
        case NEXT:
            if (pcap_next(j->p, &h) != NULL)
                on_packet((u_char *)j, &h, NULL);
            break;
        }
    }
    pthread_cleanup_pop(0);
    return NULL;
}

static pcap_t *open_handle(const char *dev, int immediate)
{
    char eb[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_create(dev, eb);
    if (p == NULL) {
        printf("create %s: %s\n", dev, eb);
        exit(1);
    }
    pcap_set_immediate_mode(p, immediate);
    pcap_set_timeout(p, 100);
    int rc = pcap_activate(p);
    if (rc != 0) {
        printf("activate %s: %d %s\n", dev, rc, pcap_geterr(p));
        exit(1);
    }
    return p;
}

static void sleep_ms(int ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* One frame with our ethertype from oxd, seen on oxc. */
static void send_one(pcap_t *tx)
{
    u_char f[60] = {0};
    memcpy(f, "\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x01\x88\xb5", 14);
    pcap_sendpacket(tx, f, sizeof f);
}

static void cancel_case(enum mode mode, int immediate, int in_callback)
{
    struct job j = {.p = open_handle("oxc", immediate), .mode = mode,
                    .cancel_in_callback = in_callback};
    pcap_t *tx = in_callback ? open_handle("oxd", 0) : NULL;
    pthread_t t;
    pthread_create(&t, NULL, capture, &j);
    /* Let the thread block in the library (or, with traffic, deliver some packets). */
    for (int i = 0; i < 50 && !j.in_loop; i++)
        sleep_ms(10);
    sleep_ms(200);
    if (in_callback) {
        for (int i = 0; i < 500 && j.packets == 0; i++) {
            send_one(tx);
            sleep_ms(10);
        }
    }
    pthread_cancel(t);
    /* Keep packets coming so that a callback reaches its cancellation point. */
    for (int i = 0; in_callback && i < 100 && !j.cleanup_ran; i++) {
        send_one(tx);
        sleep_ms(10);
    }
    void *ret = NULL;
    pthread_join(t, &ret);
    printf("%s, %s, cancelled %s: joined %s, cleanup handler %s, packets %s\n", mode_name[mode],
           immediate ? "immediate" : "buffered", in_callback ? "in the callback" : "while waiting",
           ret == PTHREAD_CANCELED ? "PTHREAD_CANCELED" : "something else",
           j.cleanup_ran ? "ran" : "did not run", j.packets > 0 ? "seen" : "none");
    /* The handle still works after the unwind: a non-blocking read, statistics, close. */
    pcap_setnonblock(j.p, 1, NULL);
    int rc = pcap_dispatch(j.p, -1, on_packet, (u_char *)&j);
    struct pcap_stat st;
    printf("  afterwards: dispatch %s, stats %d\n", rc >= 0 ? ">= 0" : "< 0", pcap_stats(j.p, &st));
    pcap_close(j.p);
    if (tx != NULL)
        pcap_close(tx);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (getenv("OXPCAP_LIVE_NS") == NULL) {
        printf("skipped: needs the namespace compat/check-live.sh creates\n");
        return 0;
    }
    for (int immediate = 0; immediate <= 1; immediate++)
        for (int mode = DISPATCH; mode <= NEXT; mode++)
            cancel_case((enum mode)mode, immediate, 0);
    for (int immediate = 0; immediate <= 1; immediate++) {
        cancel_case(DISPATCH, immediate, 1);
        cancel_case(LOOP, immediate, 1);
    }
    printf("done\n");
    return 0;
}
