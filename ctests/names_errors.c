/* pcap_strerror over errno values -200..5000 (and the extremes of int), pcap_perror with
 * odd prefixes (stderr is sent to stdout so the runs can be compared), pcap_version. */
#include <pcap/pcap.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern char pcap_version[];

int main(void)
{
    uint64_t digest = 1469598103934665603ull;
    for (int e = -200; e <= 5000; e++) {
        const char *s = pcap_strerror(e);
        if (e >= -2 && e <= 140)
            printf("strerror(%d) = %s\n", e, s);
        for (; *s; s++)
            digest = (digest ^ (unsigned char)*s) * 1099511628211ull;
    }
    printf("strerror digest -200..5000: %016llx\n", (unsigned long long)digest);
    printf("strerror(INT_MIN) = %s\n", pcap_strerror(INT_MIN));
    printf("strerror(INT_MAX) = %s\n", pcap_strerror(INT_MAX));
    const char *a = pcap_strerror(1);
    const char *b = pcap_strerror(2);
    printf("strerror buffer reused: %d, same pointer as strerror: %d\n", a == b,
           pcap_strerror(13) == strerror(13));
    const char *u1 = pcap_strerror(5000);
    const char *u2 = pcap_strerror(5001);
    printf("unknown: same buffer %d, first now \"%s\"\n", u1 == u2, u1);
    strerror(5002);
    printf("after strerror(5002): \"%s\"\n", u1);

    printf("pcap_version = \"%s\"\n", pcap_version);

    fflush(stdout);
    dup2(1, 2);
    pcap_t *p = pcap_open_dead(DLT_EN10MB, 100);
    pcap_perror(p, "fresh");
    pcap_set_datalink(p, DLT_RAW);
    pcap_perror(p, "after set_datalink");
    pcap_perror(p, "");
    pcap_perror(p, NULL);
    char longprefix[600];
    memset(longprefix, 'p', sizeof longprefix - 1);
    longprefix[sizeof longprefix - 1] = '\0';
    pcap_perror(p, longprefix);
    pcap_close(p);
    return 0;
}
