/* pcap_open_dead handles: what every accessor returns, including odd arguments. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

static void show(int linktype, int snaplen, unsigned precision)
{
    pcap_t *p = pcap_open_dead_with_tstamp_precision(linktype, snaplen, precision);
    if (p == NULL) {
        printf("open_dead(%d, %d, %u) = NULL\n", linktype, snaplen, precision);
        return;
    }
    printf("open_dead(%d, %d, %u): datalink %d snapshot %d precision %d\n", linktype,
           snaplen, precision, pcap_datalink(p), pcap_snapshot(p), pcap_get_tstamp_precision(p));
    pcap_close(p);
}

static void count_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    (void)h;
    (void)bytes;
    (*(int *)user)++;
}

int main(void)
{
    int linktypes[] = {0, 1, 12, 105, 113, 127, 276, -1, 65535, 100000};
    int snaplens[] = {0, 1, 65535, 262144, 262145, -5};
    unsigned precisions[] = {0, 1, 2, 99};
    for (size_t i = 0; i < sizeof linktypes / sizeof *linktypes; i++)
        for (size_t j = 0; j < sizeof snaplens / sizeof *snaplens; j++)
            for (size_t k = 0; k < sizeof precisions / sizeof *precisions; k++)
                show(linktypes[i], snaplens[j], precisions[k]);

    pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
    printf("fresh geterr: \"%s\"\n", pcap_geterr(p));

    int n = 0;
    int rc = pcap_dispatch(p, 1, count_cb, (u_char *)&n);
    printf("dispatch on dead: %d, delivered %d, geterr \"%s\"\n", rc, n, pcap_geterr(p));
    rc = pcap_loop(p, 3, count_cb, (u_char *)&n);
    printf("loop on dead: %d, delivered %d, geterr \"%s\"\n", rc, n, pcap_geterr(p));
    struct pcap_pkthdr *hdr = NULL;
    const u_char *data = NULL;
    rc = pcap_next_ex(p, &hdr, &data);
    printf("next_ex on dead: %d hdr %s data %s\n", rc, hdr ? "set" : "NULL", data ? "set" : "NULL");
    struct pcap_pkthdr h;
    printf("next on dead: %s\n", pcap_next(p, &h) ? "packet" : "NULL");
    pcap_breakloop(p);
    rc = pcap_dispatch(p, 1, count_cb, (u_char *)&n);
    printf("dispatch after breakloop: %d\n", rc);
    rc = pcap_dispatch(p, 1, count_cb, (u_char *)&n);
    printf("dispatch after that: %d\n", rc);
    fflush(stdout);
    pcap_perror(p, "perror");
    pcap_close(p);

    int errnums[] = {0, 1, 2, 13, 19, 100, 133, 134, 4096, -1};
    for (size_t i = 0; i < sizeof errnums / sizeof *errnums; i++)
        printf("strerror(%d) = %s\n", errnums[i], pcap_strerror(errnums[i]));

    const char *v = pcap_lib_version();
    printf("lib_version starts right: %d\n",
           strncmp(v, "libpcap version 1.10.3", strlen("libpcap version 1.10.3")) == 0);
    return 0;
}
