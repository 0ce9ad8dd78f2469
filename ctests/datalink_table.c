/* The link-type table: pcap_datalink_val_to_name / _description / _description_or_dlt over
 * every value -5..70000 and the extremes of int, and the pointer semantics of the results
 * (static strings; one shared buffer for "DLT <n>", still valid after its thread exits).
 * Run with "-v" to print every value instead of a digest of the unknown ones. */
#include <pcap/pcap.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t fnv(uint64_t h, const char *s)
{
    if (s == NULL)
        s = "(NULL)";
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (h ^ 0xff) * 1099511628211ull;
}

static void *in_thread(void *arg)
{
    (void)arg;
    return (void *)pcap_datalink_val_to_description_or_dlt(4242);
}

int main(int argc, char **argv)
{
    int verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    int known = 0, unknown = 0, mismatch = 0;
    uint64_t digest = 1469598103934665603ull;
    int extremes[] = {INT_MIN, INT_MIN + 1, -1000000, 1 << 16, 1 << 24, 0x04000001, INT_MAX};
    for (int pass = 0; pass < 2; pass++) {
        int lo = pass ? 0 : -5, hi = pass ? (int)(sizeof extremes / sizeof *extremes) - 1 : 70000;
        for (int i = lo; i <= hi; i++) {
            int v = pass ? extremes[i] : i;
            const char *name = pcap_datalink_val_to_name(v);
            const char *desc = pcap_datalink_val_to_description(v);
            const char *or_dlt = pcap_datalink_val_to_description_or_dlt(v);
            if (name != NULL || desc != NULL || verbose) {
                printf("%d\t%s\t%s\t%s\n", v, name ? name : "(NULL)", desc ? desc : "(NULL)", or_dlt);
                known += name != NULL;
            } else {
                unknown++;
                digest = fnv(digest, or_dlt);
            }
            /* A known value's or_dlt is the description itself; an unknown one's is "DLT n". */
            char want[32];
            snprintf(want, sizeof want, "DLT %d", v);
            if (desc ? or_dlt != desc : strcmp(or_dlt, want) != 0) {
                printf("or_dlt(%d) unexpected: %s\n", v, or_dlt);
                mismatch++;
            }
            if ((name == NULL) != (desc == NULL))
                printf("name/description disagree at %d\n", v), mismatch++;
        }
    }
    printf("known %d, unknown %d (digest %016llx), mismatches %d\n", known, unknown,
           (unsigned long long)digest, mismatch);

    printf("name pointer stable: %d\n", pcap_datalink_val_to_name(1) == pcap_datalink_val_to_name(1));
    printf("description pointer stable: %d\n",
           pcap_datalink_val_to_description(105) == pcap_datalink_val_to_description(105));
    const char *a = pcap_datalink_val_to_description_or_dlt(1000);
    char a_then[32];
    snprintf(a_then, sizeof a_then, "%s", a);
    const char *b = pcap_datalink_val_to_description_or_dlt(-2000);
    printf("unknown: first \"%s\", second \"%s\", same buffer %d, first now \"%s\"\n", a_then, b,
           a == b, a);
    const char *e = pcap_datalink_val_to_description_or_dlt(1);
    printf("known after unknown: \"%s\", unknown buffer still \"%s\"\n", e, a);

    pthread_t t;
    void *from_thread = NULL;
    pthread_create(&t, NULL, in_thread, NULL);
    pthread_join(t, &from_thread);
    printf("from a finished thread: \"%s\", same buffer as main's %d, main's now \"%s\"\n",
           (const char *)from_thread, from_thread == (void *)a, a);
    return mismatch != 0;
}
