/* The <pcap/namedb.h> lookups: pcap_nametoport/-portrange/-proto/-eproto/-llc/-netaddr/
 * -addr/-addrinfo, pcap_ether_aton/_hostton, pcap_next_etherent over an ethers file this
 * program writes, and every entry of the exported eproto_db, with known, unknown and odd
 * names. Hosts are only "localhost" and numeric forms (the machine's /etc/hosts). */
#define _DEFAULT_SOURCE
#include <pcap/pcap.h>
#include <pcap/namedb.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Not declared by libpcap's headers, but exported. */
extern struct eproto {
    const char *s;
    u_short p;
} eproto_db[];

static void ports(void)
{
    static const char *names[] = {
        "http", "domain", "ssh", "ftp-data", "ftp", "kerberos", "biff", "smtp", "ntp",
        "80", "0", "007", "+5", " 80", "65535", "65536", "70000", "4294967297", "",
        "-25", "80abc", "0x10", "nosuch-service", "tcp", "icmp", "HTTP", "x-y",
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        int port = -5, proto = -5;
        int r = pcap_nametoport(names[i], &port, &proto);
        printf("nametoport '%s' -> %d port %d proto %d\n", names[i], r, port, proto);
    }
}

static void ranges(void)
{
    static const char *names[] = {
        "20-25", "25-20", "0-65535", "70000-80", "4294967297-1", " 1-2", "1-2-3", "20--25",
        "-1", "1-", "-", "--", "5", "http", "http-ssh", "biff-http", "http-80", "ftp-data-ftp",
        "ftp-data", "ftp-ssh", "domain-ntp", "0x10-5", "80abc-5", "a-b", "ssh-nosuch", "",
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        int lo = -5, hi = -5, proto = -5;
        int r = pcap_nametoportrange(names[i], &lo, &hi, &proto);
        printf("nametoportrange '%s' -> %d %d %d proto %d\n", names[i], r, lo, hi, proto);
    }
}

static void protos(void)
{
    static const char *names[] = {
        "tcp", "udp", "icmp", "ip", "ipv6", "ipv6-icmp", "sctp", "gre", "esp", "TCP", "Udp",
        "6", "", "nosuch", "iso", "stp", "ipx", "netbeui", "ISO", "arp", "rarp", "ip6",
        "atalk", "aarp", "decnet", "sca", "lat", "mopdl", "moprc", "loopback", "IP", "llc",
        "ether", "netbeui ",
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        printf("'%s': proto %d eproto %d llc %d\n", names[i], pcap_nametoproto(names[i]),
               pcap_nametoeproto(names[i]), pcap_nametollc(names[i]));
    for (int i = 0; eproto_db[i].s != NULL; i++)
        printf("eproto_db[%d] %s 0x%04x -> %d\n", i, eproto_db[i].s, eproto_db[i].p,
               pcap_nametoeproto(eproto_db[i].s));
}

static void hosts(void)
{
    static const char *names[] = {
        "localhost", "127.0.0.1", "10.1.2.3", "1.2.3", "0x7f.1", "255.255.255.255", "::1",
        "::ffff:10.0.0.1", "fe80::1", "256.1.1.1", "nosuch.invalid", "",
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
        bpf_u_int32 **addrs = pcap_nametoaddr(names[i]);
#pragma GCC diagnostic pop
        printf("nametoaddr '%s':", names[i]);
        if (addrs == NULL)
            printf(" NULL");
        else
            for (int j = 0; addrs[j] != NULL; j++)
                printf(" %08x", *addrs[j]);
        printf("\n");
        struct addrinfo *list = pcap_nametoaddrinfo(names[i]);
        printf("nametoaddrinfo '%s':%s", names[i], list == NULL ? " NULL" : "");
        for (struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) {
            printf(" [family %d socktype %d protocol %d", ai->ai_family, ai->ai_socktype,
                   ai->ai_protocol);
            if (ai->ai_family == AF_INET)
                printf(" %08x", ntohl(((struct sockaddr_in *)ai->ai_addr)->sin_addr.s_addr));
            else if (ai->ai_family == AF_INET6)
                for (int k = 0; k < 16; k++)
                    printf("%s%02x", k ? "" : " ",
                           ((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr.s6_addr[k]);
            printf("]");
        }
        printf("\n");
        if (list != NULL)
            freeaddrinfo(list);
    }
    static const char *nets[] = {"loopback", "link-local", "default", "127", "nosuch", ""};
    for (size_t i = 0; i < sizeof nets / sizeof *nets; i++)
        printf("nametonetaddr '%s' -> %08x\n", nets[i], pcap_nametonetaddr(nets[i]));
}

static void print_mac(const char *what, const char *text, u_char *mac)
{
    printf("%s '%s':", what, text);
    if (mac == NULL) {
        printf(" NULL\n");
        return;
    }
    for (int i = 0; i < 6; i++)
        printf(" %02x", mac[i]);
    printf("\n");
    free(mac);
}

static void macs(void)
{
    /* Only inputs that reach six bytes: libpcap leaves the bytes short ones miss unset. */
    static const char *texts[] = {
        "00:11:22:33:44:55", "0:1:2:3:4:5", "001122334455", "00-11-22-33-44-55",
        "0011.2233.4455", "1.2.3.4.5.6", "AA:bb:Cc:dD:ee:FF", "00::11:22:33:44:55",
        "abc:1:2:3:4:5", "00:11:22:33:44:5g", "00:11:22:33:44:55:66", "0:1:2:3:4:5 ",
        "zz:zz:zz", "ffffffffffff",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        print_mac("ether_aton", texts[i], pcap_ether_aton(texts[i]));
    /* No /etc/ethers on the test machines is assumed: only names no file would hold. */
    print_mac("ether_hostton", "nosuch-ether-host", pcap_ether_hostton("nosuch-ether-host"));
    print_mac("ether_hostton", "", pcap_ether_hostton(""));
}

static void ethers(void)
{
    char path[] = "/tmp/oxpcap-nametab-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        printf("mkstemp failed\n");
        return;
    }
    FILE *f = fdopen(fd, "w+");
    fputs("# an ethers file\n"
          "\n"
          "00:11:22:33:44:55 alpha\n"
          "  0:1:2:3:4:5\tbeta # trailing comment\n"
          "AA:BB:CC:DD:EE:FF gamma extra words\n"
          "bad line here\n"
          "gamma-line starts with a non-hex letter\n"
          "01:02:03:04:05 short\n"
          "01-02-03-04-05-06 dashes\n"
          "010203040506 plain\n"
          "1.2.3.4.5.6 dots\n"
          "0a:0b:0c:0d:0e:0f\n"
          "1:2:3:4:5:6 #c\n"
          "1:2:3:4:5:6:7 seven\n"
          "  \t \n"
          "   # indented comment\n"
          "fe:dc:ba:98:76:54 name#with#hash\n"
          "12:34:56:78:9a:bc\r\n"
          "cr-name\r\n"
          "\r01:02:03:04:05:06 cr-first\n"
          "\f01:02:03:04:05:07 formfeed-first\n"
          "01:02:03:04:05:08\vvtab\n"
          "01:02:03:04:05:09\tcr-ends\rrest\n"
          "01:02:03:04:05:0a ff\finside\n"
          "01:02:03:04:05:0b\n\n\n  h-after-blank-lines\n"
          "01:02:03:04:05:0c  \t\nnext-line-after-blanks\n"
          "\t  0102:3:4:5:6 grouped\n"
          "11:22:33:44:55:66 averyveryveryveryveryveryveryveryveryveryveryveryveryvery"
          "veryveryveryveryveryveryveryveryveryveryveryveryverylongnamexxxxxxxxxxxxxxxxxxxx\n"
          "1:2:3:4:5:6\n"
          "11:22:33:44:55:77 last",
          f);
    rewind(f);
    struct pcap_etherent *e, *first = NULL;
    int n = 0;
    while ((e = pcap_next_etherent(f)) != NULL) {
        if (first == NULL)
            first = e;
        printf("etherent %d: %02x:%02x:%02x:%02x:%02x:%02x '%s' (%zu) same storage %d\n", n++,
               e->addr[0], e->addr[1], e->addr[2], e->addr[3], e->addr[4], e->addr[5], e->name,
               strlen(e->name), e == first);
    }
    printf("etherent end after %d, again %s\n", n, pcap_next_etherent(f) ? "entry" : "NULL");
    fclose(f);
    unlink(path);
}

int main(void)
{
    ports();
    ranges();
    protos();
    hosts();
    macs();
    ethers();
    return 0;
}
