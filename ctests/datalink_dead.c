/* What a dead handle offers: pcap_list_datalinks / pcap_list_tstamp_types (released with
 * the pcap_free_* calls and with plain free()), pcap_datalink_ext, pcap_bufsize and
 * pcap_set_datalink to the current, another, an unnamed and a negative link type. */
#include <pcap/pcap.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

static void show(int linktype, int snaplen)
{
    pcap_t *p = pcap_open_dead(linktype, snaplen);
    printf("open_dead(%d, %d):", linktype, snaplen);
    int *dlts = NULL;
    int n = pcap_list_datalinks(p, &dlts);
    printf(" datalinks %d [", n);
    for (int i = 0; i < n; i++)
        printf("%s%d", i ? " " : "", dlts[i]);
    printf("]");
    if (linktype & 1)
        free(dlts);
    else
        pcap_free_datalinks(dlts);
    int *ts = NULL;
    n = pcap_list_tstamp_types(p, &ts);
    printf(" tstamp_types %d [", n);
    for (int i = 0; i < n; i++)
        printf("%s%d", i ? " " : "", ts[i]);
    printf("]");
    if (linktype & 1)
        free(ts);
    else
        pcap_free_tstamp_types(ts);
    printf(" ext %d bufsize %d geterr \"%s\"\n", pcap_datalink_ext(p), pcap_bufsize(p), pcap_geterr(p));

    int targets[] = {linktype, DLT_EN10MB, DLT_IEEE802_11, DLT_RAW, 2, -7, INT_MAX, linktype};
    for (size_t i = 0; i < sizeof targets / sizeof *targets; i++) {
        int rc = pcap_set_datalink(p, targets[i]);
        printf("  set_datalink(%d) = %d, datalink %d, ext %d, geterr \"%s\"\n", targets[i], rc,
               pcap_datalink(p), pcap_datalink_ext(p), pcap_geterr(p));
    }
    pcap_close(p);
}

int main(void)
{
    int linktypes[] = {DLT_NULL, DLT_EN10MB, DLT_RAW, DLT_IEEE802_11, DLT_LINUX_SLL2, 2, -1, -7,
                       0x04000001, 65536, INT_MIN, INT_MAX};
    for (size_t i = 0; i < sizeof linktypes / sizeof *linktypes; i++)
        show(linktypes[i], i * 1000);
    pcap_free_datalinks(NULL);
    pcap_free_tstamp_types(NULL);
    printf("freeing NULL lists is harmless\n");

    pcap_t *p = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_NANO);
    int *ts = NULL;
    int n = pcap_list_tstamp_types(p, &ts);
    printf("nano dead: tstamp_types %d first %d precision %d\n", n, n > 0 ? ts[0] : -99,
           pcap_get_tstamp_precision(p));
    pcap_free_tstamp_types(ts);
    pcap_close(p);
    return 0;
}
