/* pcap_create/pcap_activate and the setters: every status and message, on the interfaces
 * compat/check-live.sh creates in its own network namespace (skipped elsewhere). */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, pcap_t *p, int rc)
{
    printf("  %s: %d \"%s\"\n", what, rc, pcap_geterr(p));
}

static void cb(u_char *u, const struct pcap_pkthdr *h, const u_char *b)
{
    (void)u; (void)h; (void)b;
}

/* Every call that needs an activated handle, on one that is not. */
static void before_activation(const char *dev)
{
    char eb[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_create(dev, eb);
    printf("before activation on %s\n", dev ? dev : "(NULL)");
    printf("  datalink %d snapshot %d precision %d geterr \"%s\"\n", pcap_datalink(p),
           pcap_snapshot(p), pcap_get_tstamp_precision(p), pcap_geterr(p));
    show("dispatch", p, pcap_dispatch(p, 1, cb, NULL));
    struct pcap_stat st;
    show("stats", p, pcap_stats(p, &st));
    show("fileno", p, pcap_fileno(p));
    show("selectable_fd", p, pcap_get_selectable_fd(p));
    strcpy(eb, "untouched");
    show("getnonblock", p, pcap_getnonblock(p, eb));
    printf("  errbuf \"%s\"\n", eb);
    show("setnonblock", p, pcap_setnonblock(p, 1, eb));
    show("setdirection", p, pcap_setdirection(p, PCAP_D_IN));
    show("set_datalink", p, pcap_set_datalink(p, DLT_EN10MB));
    show("inject", p, pcap_inject(p, "abc", 3));
    show("sendpacket", p, pcap_sendpacket(p, (const u_char *)"abc", 3));
    show("can_set_rfmon", p, pcap_can_set_rfmon(p));
    int *dlts = NULL;
    show("list_datalinks", p, pcap_list_datalinks(p, &dlts));
    struct pcap_pkthdr *hdr;
    const u_char *data;
    show("next_ex", p, pcap_next_ex(p, &hdr, &data));
    pcap_close(p);
}

/* The setters' return values before activation. */
static void setters(const char *dev)
{
    char eb[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_create(dev, eb);
    printf("setters on %s\n", dev);
    show("snaplen -1", p, pcap_set_snaplen(p, -1));
    show("snaplen 0", p, pcap_set_snaplen(p, 0));
    show("snaplen 70000", p, pcap_set_snaplen(p, 70000));
    show("promisc 1", p, pcap_set_promisc(p, 1));
    show("promisc 0", p, pcap_set_promisc(p, 0));
    show("rfmon 0", p, pcap_set_rfmon(p, 0));
    show("timeout -5", p, pcap_set_timeout(p, -5));
    show("timeout 100", p, pcap_set_timeout(p, 100));
    show("buffer 0", p, pcap_set_buffer_size(p, 0));
    show("buffer 4M", p, pcap_set_buffer_size(p, 4 << 20));
    show("immediate 1", p, pcap_set_immediate_mode(p, 1));
    show("immediate 0", p, pcap_set_immediate_mode(p, 0));
    show("tstamp_type 0", p, pcap_set_tstamp_type(p, 0));
    show("tstamp_type 1", p, pcap_set_tstamp_type(p, 1));
    show("tstamp_type 3", p, pcap_set_tstamp_type(p, 3));
    show("tstamp_type 99", p, pcap_set_tstamp_type(p, 99));
    show("tstamp_type -1", p, pcap_set_tstamp_type(p, -1));
    show("precision 5", p, pcap_set_tstamp_precision(p, 5));
    show("precision -1", p, pcap_set_tstamp_precision(p, -1));
    show("precision 1", p, pcap_set_tstamp_precision(p, 1));
    show("precision 0", p, pcap_set_tstamp_precision(p, 0));
    int *types = NULL;
    int n = pcap_list_tstamp_types(p, &types);
    printf("  list_tstamp_types: %d\n", n);
    if (n > 0)
        pcap_free_tstamp_types(types);
    pcap_close(p);
}

/* Activation with some settings; prints status, message and what the handle reports. */
static void activate(const char *dev, int snaplen, int promisc, int rfmon, int precision,
                     int nonblock_before, int timeout)
{
    char eb[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_create(dev, eb);
    printf("activate %s snaplen %d promisc %d rfmon %d precision %d nonblock %d timeout %d\n",
           dev ? dev : "(NULL)", snaplen, promisc, rfmon, precision, nonblock_before, timeout);
    if (p == NULL) {
        printf("  create failed: %s\n", eb);
        return;
    }
    if (snaplen != -100)
        pcap_set_snaplen(p, snaplen);
    pcap_set_promisc(p, promisc);
    pcap_set_rfmon(p, rfmon);
    pcap_set_tstamp_precision(p, precision);
    pcap_set_timeout(p, timeout);
    if (nonblock_before)
        pcap_setnonblock(p, 1, eb);
    int rc = pcap_activate(p);
    show("activate", p, rc);
    if (rc < 0) {
        pcap_close(p);
        return;
    }
    printf("  datalink %d snapshot %d precision %d\n", pcap_datalink(p), pcap_snapshot(p),
           pcap_get_tstamp_precision(p));
    printf("  getnonblock %d fileno>=0 %d selectable>=0 %d\n", pcap_getnonblock(p, eb),
           pcap_fileno(p) >= 0, pcap_get_selectable_fd(p) >= 0);
    const struct timeval *tv = pcap_get_required_select_timeout(p);
    printf("  required_select_timeout %s\n", tv ? "set" : "NULL");
    int *dlts = NULL;
    int n = pcap_list_datalinks(p, &dlts);
    printf("  list_datalinks %d:", n);
    for (int i = 0; i < n; i++)
        printf(" %d", dlts[i]);
    printf("\n");
    if (n > 0)
        pcap_free_datalinks(dlts);
    int *types = NULL;
    n = pcap_list_tstamp_types(p, &types);
    printf("  list_tstamp_types %d:", n);
    for (int i = 0; i < n; i++)
        printf(" %d", types[i]);
    printf("\n");
    if (n > 0)
        pcap_free_tstamp_types(types);
    show("activate again", p, pcap_activate(p));
    show("snaplen after", p, pcap_set_snaplen(p, 100));
    show("promisc after", p, pcap_set_promisc(p, 1));
    show("timeout after", p, pcap_set_timeout(p, 1));
    show("buffer after", p, pcap_set_buffer_size(p, 1));
    show("immediate after", p, pcap_set_immediate_mode(p, 1));
    show("precision after", p, pcap_set_tstamp_precision(p, 1));
    show("tstamp_type after", p, pcap_set_tstamp_type(p, 0));
    show("rfmon after", p, pcap_set_rfmon(p, 1));
    show("can_set_rfmon after", p, pcap_can_set_rfmon(p));
    show("setdirection in", p, pcap_setdirection(p, PCAP_D_IN));
    show("setdirection 7", p, pcap_setdirection(p, 7));
    show("set_datalink 1", p, pcap_set_datalink(p, 1));
    show("set_datalink 143", p, pcap_set_datalink(p, 143));
    show("set_datalink 276", p, pcap_set_datalink(p, 276));
    printf("  datalink now %d\n", pcap_datalink(p));
    show("set_datalink 113", p, pcap_set_datalink(p, 113));
    printf("  datalink now %d\n", pcap_datalink(p));
    show("set_datalink 999", p, pcap_set_datalink(p, 999));
    show("setnonblock 1", p, pcap_setnonblock(p, 1, eb));
    printf("  getnonblock %d\n", pcap_getnonblock(p, eb));
    show("dispatch nonblock", p, pcap_dispatch(p, 1, cb, NULL));
    show("setnonblock 0", p, pcap_setnonblock(p, 0, eb));
    printf("  getnonblock %d\n", pcap_getnonblock(p, eb));
    pcap_close(p);
}

static void as_nobody(const char *dev)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(3);
        char eb[PCAP_ERRBUF_SIZE];
        pcap_t *p = pcap_create(dev, eb);
        printf("as nobody on %s\n", dev);
        show("activate", p, pcap_activate(p));
        pcap_close(p);
        eb[0] = 0;
        p = pcap_open_live(dev, 100, 0, 10, eb);
        printf("  open_live %s \"%s\"\n", p ? "ok" : "NULL", eb);
        fflush(stdout);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("  child exit %d\n", WEXITSTATUS(st));
}

static void open_live(const char *dev, int snaplen, int promisc, int ms)
{
    char eb[PCAP_ERRBUF_SIZE];
    strcpy(eb, "untouched");
    pcap_t *p = pcap_open_live(dev, snaplen, promisc, ms, eb);
    printf("open_live %s %d %d %d: %s \"%s\"", dev ? dev : "(NULL)", snaplen, promisc, ms,
           p ? "ok" : "NULL", eb);
    if (p)
        printf(" datalink %d snapshot %d", pcap_datalink(p), pcap_snapshot(p));
    printf("\n");
    if (p)
        pcap_close(p);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (getenv("OXPCAP_LIVE_NS") == NULL) {
        printf("skipped: needs the namespace compat/check-live.sh creates\n");
        return 0;
    }
    char eb[PCAP_ERRBUF_SIZE];
    printf("create NULL errbuf: %s\n", pcap_create("oxa", NULL) ? "ok" : "NULL");
    before_activation("oxa");
    before_activation("nosuch0");
    before_activation(NULL);
    setters("oxa");
    setters("lo");
    setters("any");
    const char *devs[] = {"oxa", "lo", "any", "oxdown", "nosuch0", "oxdummy", "oxtun", "oxipip", "oxgre", "oxsit",
                          "averyveryverylongname_exceeding_ifnamsiz", "", "oxb"};
    for (size_t i = 0; i < sizeof devs / sizeof *devs; i++) {
        activate(devs[i], -100, 0, 0, 0, 0, 0);
    }
    activate(NULL, -100, 0, 0, 0, 0, 0);
    activate("oxa", 0, 1, 0, 1, 1, 100);
    activate("oxa", 70000, 0, 1, 0, 0, -5);
    activate("oxa", 1, 0, 0, 0, 0, 1000);
    activate("any", 100, 1, 0, 0, 0, 10);
    activate("lo", 96, 1, 1, 1, 0, 10);
    activate("oxdown", 96, 1, 1, 1, 0, 10);
    as_nobody("oxa");
    as_nobody("any");
    as_nobody("nosuch0");
    open_live("oxa", 100, 1, 10);
    open_live("nosuch0", 100, 1, 10);
    open_live("oxdown", 100, 1, 10);
    open_live("any", 0, 0, 0);
    open_live(NULL, 65535, 0, 0);
    open_live("lo", -1, 0, 0);
    (void)eb;
    return 0;
}
