/* pcap_findalldevs, pcap_lookupnet, pcap_lookupdev on the interfaces compat/check-live.sh
 * creates in its namespace (skipped elsewhere): names, order, flags, every address with its
 * netmask, broadcast and destination. libpcap's non-network pseudo-devices (Bluetooth,
 * netfilter, D-Bus, USB monitors), which oxpcap does not offer, are left out of the
 * comparison and listed separately. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netpacket/packet.h>

static void show_addr(const char *what, struct sockaddr *sa)
{
    char b[128] = "";
    if (!sa) {
        printf(" %s=NULL", what);
        return;
    }
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)sa)->sin_addr, b, sizeof b);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)sa)->sin6_addr, b, sizeof b);
    else if (sa->sa_family == AF_PACKET) {
        struct sockaddr_ll *ll = (struct sockaddr_ll *)sa;
        int n = snprintf(b, sizeof b, "ll(hatype %d halen %d", ll->sll_hatype, ll->sll_halen);
        for (int i = 0; i < ll->sll_halen && i < 8; i++)
            n += snprintf(b + n, sizeof b - n, " %02x", ll->sll_addr[i]);
        snprintf(b + n, sizeof b - n, ")");
    } else
        snprintf(b, sizeof b, "family %d", sa->sa_family);
    printf(" %s=%s", what, b);
}

static int pseudo(const char *name)
{
    const char *names[] = {"bluetooth", "nflog", "nfqueue", "dbus-", "usbmon", NULL};
    for (int i = 0; names[i]; i++)
        if (strncmp(name, names[i], strlen(names[i])) == 0)
            return 1;
    return 0;
}

static void lookupnet(const char *dev)
{
    char eb[PCAP_ERRBUF_SIZE] = "";
    bpf_u_int32 net = 0, mask = 0;
    int rc = pcap_lookupnet(dev, &net, &mask, eb);
    printf("lookupnet %s: %d net %08x mask %08x \"%s\"\n", dev ? dev : "(NULL)", rc, net, mask,
           rc ? eb : "");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (getenv("OXPCAP_LIVE_NS") == NULL) {
        printf("skipped: needs the namespace compat/check-live.sh creates\n");
        return 0;
    }
    char eb[PCAP_ERRBUF_SIZE];
    pcap_if_t *devs;
    int rc = pcap_findalldevs(&devs, eb);
    printf("findalldevs: %d\n", rc);
    for (pcap_if_t *d = devs; d; d = d->next) {
        if (pseudo(d->name)) {
            fprintf(stderr, "pseudo-device left out: %s\n", d->name);
            continue;
        }
        printf("%s desc=%s flags=0x%x\n", d->name, d->description ? d->description : "NULL",
               d->flags);
        for (pcap_addr_t *a = d->addresses; a; a = a->next) {
            printf("   ");
            show_addr("addr", a->addr);
            show_addr("mask", a->netmask);
            show_addr("bcast", a->broadaddr);
            show_addr("dst", a->dstaddr);
            printf("\n");
        }
    }
    pcap_freealldevs(devs);
    lookupnet("oxa");
    lookupnet("oxdown");
    lookupnet("oxdown2");
    lookupnet("nosuch0");
    lookupnet("any");
    lookupnet(NULL);
    lookupnet("lo");
    char *dev = pcap_lookupdev(eb);
    printf("lookupdev: %s\n", dev ? dev : eb);
    return 0;
}
