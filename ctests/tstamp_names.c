/* Timestamp types: pcap_tstamp_type_val_to_name / _val_to_description over -2..10 and the
 * extremes of int, pcap_tstamp_type_name_to_val over names, case variants, garbage, and
 * every single-byte substitution in every name. */
#include <pcap/pcap.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    int values[] = {INT_MIN, -1000, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100, INT_MAX};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        int v = values[i];
        const char *name = pcap_tstamp_type_val_to_name(v);
        const char *desc = pcap_tstamp_type_val_to_description(v);
        printf("%d: %s | %s", v, name ? name : "(NULL)", desc ? desc : "(NULL)");
        if (name)
            printf(" | back %d | stable %d", pcap_tstamp_type_name_to_val(name),
                   name == pcap_tstamp_type_val_to_name(v));
        printf("\n");
    }
    const char *odd[] = {"host", "HOST", "Host", "hOsT", "host_lowprec", "HOST_LOWPREC",
                         "host_hiprec", "host_hiprec_unsynced", "adapter", "Adapter",
                         "adapter_unsynced", "ADAPTER_UNSYNCED", "hosts", "hos", "", " host",
                         "host ", "host-lowprec", "PCAP_TSTAMP_HOST", "0", "1", "-1",
                         "\xc8OST", "adapter\xff", "Host, low precision", NULL};
    for (int i = 0; odd[i]; i++)
        printf("'%s' -> %d\n", odd[i], pcap_tstamp_type_name_to_val(odd[i]));

    long hits = 0;
    uint64_t digest = 1469598103934665603ull;
    for (int v = 0; v < 16; v++) {
        const char *name = pcap_tstamp_type_val_to_name(v);
        if (name == NULL)
            continue;
        char buf[64];
        for (size_t pos = 0; pos < strlen(name); pos++)
            for (int b = 1; b < 256; b++) {
                strcpy(buf, name);
                buf[pos] = (char)b;
                int got = pcap_tstamp_type_name_to_val(buf);
                if (got >= 0) {
                    hits++;
                    digest = (digest ^ (uint64_t)(got * 131 + b)) * 1099511628211ull;
                } else if (got != PCAP_ERROR) {
                    printf("odd result %d\n", got);
                }
            }
    }
    printf("single-byte substitutions accepted: %ld (digest %016llx)\n", hits, (unsigned long long)digest);
    return 0;
}
