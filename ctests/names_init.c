/* pcap_init: return values and error text for every sequence of options (valid, unknown,
 * repeated, conflicting). The state is process-wide, so each sequence runs in a child. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void run(const unsigned *opts, int n)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        printf("sequence:");
        for (int i = 0; i < n; i++)
            printf(" %#x", opts[i]);
        printf("\n");
        for (int i = 0; i < n; i++) {
            char errbuf[PCAP_ERRBUF_SIZE];
            strcpy(errbuf, "untouched");
            int rc = pcap_init(opts[i], errbuf);
            printf("  pcap_init(%#x) = %d, errbuf \"%s\"\n", opts[i], rc, errbuf);
        }
        fflush(stdout);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        printf("  child failed (status %#x)\n", status);
}

int main(void)
{
    const unsigned values[] = {PCAP_CHAR_ENC_LOCAL, PCAP_CHAR_ENC_UTF_8, 2, 3, 0x80000000u,
                               0xffffffffu};
    const int nv = sizeof values / sizeof *values;
    for (int i = 0; i < nv; i++)
        run(&values[i], 1);
    for (int i = 0; i < nv; i++)
        for (int j = 0; j < nv; j++) {
            unsigned seq[3] = {values[i], values[j], values[i]};
            run(seq, 3);
        }
    unsigned many[] = {2, 1, 1, 0, 3, 1, 0};
    run(many, 7);
    return 0;
}
