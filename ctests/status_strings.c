/* pcap_statustostr: every code -20..5, the extremes of int (libpcap cuts "Unknown error: n"
 * to fit its buffer), a digest over -100000..100000, and the shared-buffer semantics of the
 * text for unknown codes (one buffer for the process, still valid after its thread exits). */
#include <pcap/pcap.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void *in_thread(void *arg)
{
    (void)arg;
    return (void *)pcap_statustostr(4242);
}

int main(void)
{
    for (int s = -20; s <= 5; s++)
        printf("%d: %s\n", s, pcap_statustostr(s));
    int extremes[] = {INT_MIN, INT_MIN + 1, -999999999, -1000000000, 999999999, 1000000000, INT_MAX};
    for (size_t i = 0; i < sizeof extremes / sizeof *extremes; i++) {
        const char *s = pcap_statustostr(extremes[i]);
        printf("%d: \"%s\" (%zu chars)\n", extremes[i], s, strlen(s));
    }
    uint64_t digest = 1469598103934665603ull;
    for (int s = -100000; s <= 100000; s++)
        for (const char *c = pcap_statustostr(s); *c; c++)
            digest = (digest ^ (unsigned char)*c) * 1099511628211ull;
    printf("digest -100000..100000: %016llx\n", (unsigned long long)digest);

    printf("known text stable: %d\n", pcap_statustostr(-1) == pcap_statustostr(-1));
    const char *a = pcap_statustostr(77);
    char a_then[64];
    snprintf(a_then, sizeof a_then, "%s", a);
    const char *b = pcap_statustostr(-77);
    printf("unknown: first \"%s\", second \"%s\", same buffer %d, first now \"%s\"\n", a_then, b,
           a == b, a);
    const char *k = pcap_statustostr(PCAP_ERROR_BREAK);
    printf("known after unknown: \"%s\", different pointer %d, unknown buffer still \"%s\"\n", k,
           k != a, a);
    const char *d = pcap_datalink_val_to_description_or_dlt(77);
    printf("separate from the DLT buffer: %d, status text still \"%s\"\n", d != a, a);
    pthread_t t;
    void *from_thread = NULL;
    pthread_create(&t, NULL, in_thread, NULL);
    pthread_join(t, &from_thread);
    printf("from a finished thread: \"%s\", same buffer as main's %d\n", (const char *)from_thread,
           from_thread == (void *)a);
    return 0;
}
