/* The calls around a savefile handle: what a savefile refuses (stats, sending, non-blocking
 * mode, direction), its descriptors and stream, and how opening and dumping fail. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void refusals(pcap_t *p)
{
    char eb[PCAP_ERRBUF_SIZE] = "untouched";
    struct pcap_stat st;
    int r;
    r = pcap_inject(p, "abc", 3); printf("inject %d %s\n", r, pcap_geterr(p));
    r = pcap_sendpacket(p, (const u_char *)"abc", 3); printf("sendpacket %d %s\n", r, pcap_geterr(p));
    r = pcap_setnonblock(p, 1, eb); printf("setnonblock 1: %d %s\n", r, eb);
    strcpy(eb, "untouched");
    r = pcap_getnonblock(p, eb); printf("getnonblock %d %s\n", r, eb);
    r = pcap_setnonblock(p, 0, eb); printf("setnonblock 0: %d %s\n", r, eb);
    r = pcap_setdirection(p, PCAP_D_IN); printf("setdirection %d %s\n", r, pcap_geterr(p));
    r = pcap_setdirection(p, 7); printf("setdirection 7: %d %s\n", r, pcap_geterr(p));
    r = pcap_stats(p, &st); printf("stats %d %s\n", r, pcap_geterr(p));
    r = pcap_set_snaplen(p, 5); printf("set_snaplen %d %s\n", r, pcap_geterr(p));
    r = pcap_activate(p); printf("activate %d %s\n", r, pcap_geterr(p));
    printf("fileno %d selectable-is-stream %d\n", pcap_fileno(p),
           pcap_get_selectable_fd(p) == fileno(pcap_file(p)));
}

int main(void)
{
    char eb[PCAP_ERRBUF_SIZE];
    const char *corpus = getenv("CORPUS");
    char path[4096];
    snprintf(path, sizeof path, "%s/pcaps/tcpdump/AoE_Linux.pcap", corpus ? corpus : "../shared/corpus");
    pcap_t *p = pcap_open_offline(path, eb);
    if (!p) { printf("no corpus: %s\n", eb); return 0; }
    refusals(p);
    pcap_close(p);

    pcap_t *dead = pcap_open_dead(DLT_EN10MB, 100);
    printf("dead: file %d major %d minor %d swapped %d\n", pcap_file(dead) != NULL,
           pcap_major_version(dead), pcap_minor_version(dead), pcap_is_swapped(dead));
#define SHOW(call) do { void *r = (void *)(call); printf("%s -> %s: %s\n", #call, r ? "ok" : "NULL", r ? "" : eb); } while (0)
#define SHOWP(call) do { void *r = (void *)(call); printf("%s -> %s: %s\n", #call, r ? "ok" : "NULL", r ? "" : pcap_geterr(dead)); } while (0)
    SHOW(pcap_open_offline(NULL, eb));
    SHOW(pcap_open_offline_with_tstamp_precision("/nonexistent", 5, eb));
    SHOW(pcap_open_offline_with_tstamp_precision(path, 5, eb));
    SHOW(pcap_open_offline("/nonexistent", eb));
    SHOW(pcap_open_offline("/", eb));
    SHOWP(pcap_dump_open(dead, NULL));
    SHOWP(pcap_dump_open(dead, "/nonexistent/x"));
    SHOWP(pcap_dump_open_append(dead, "/nonexistent/x"));
    SHOWP(pcap_dump_open_append(dead, NULL));
    SHOWP(pcap_dump_open(dead, "/"));
    SHOWP(pcap_dump_open_append(dead, "/"));
    pcap_close(dead);
    dead = pcap_open_dead(13, 100);
    SHOWP(pcap_dump_open(dead, "/nonexistent/x"));
    SHOWP(pcap_dump_open_append(dead, NULL));
    SHOWP(pcap_dump_fopen(dead, stdout));
    pcap_close(dead);
    dead = pcap_create("lo", eb); /* not activated: only pcap_dump_open refuses it */
    SHOWP(pcap_dump_open(dead, "/nonexistent/x"));
    SHOWP(pcap_dump_open(dead, NULL));
    SHOWP(pcap_dump_open_append(dead, NULL));
    pcap_close(dead);
    return 0;
}
