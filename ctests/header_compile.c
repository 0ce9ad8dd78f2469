/* Every public header compiles with -Wall -Werror, in any order, more than once, alongside
 * the kernel's <linux/filter.h> (which defines many of the same BPF macros), and offers the
 * types and macros programs use. The program then builds a filter with the BPF macros and
 * runs a few calls whose results it prints, so all three builds must also agree. */
#include <linux/filter.h>
#include <pcap/bluetooth.h>
#include <pcap/can_socketcan.h>
#include <pcap/ipnet.h>
#include <pcap/nflog.h>
#include <pcap/usb.h>
#include <pcap/vlan.h>
#include <pcap/sll.h>
#include <pcap/dlt.h>
#include <pcap/socket.h>
#include <pcap/pcap-inttypes.h>
#include <pcap/compiler-tests.h>
#include <pcap/funcattrs.h>
#include <pcap.h>
#include <pcap-bpf.h>
#include <pcap-namedb.h>
#include <pcap/pcap.h>
#include <pcap/bpf.h>
#include <pcap/namedb.h>
#include <pcap/ipnet.h>
#include <pcap.h>
#if defined(__has_include)
#if __has_include(<pcap/oxpcap.h>)
#include <pcap/oxpcap.h>
#endif
#endif
#include <stdio.h>
#include <string.h>

/* Declarations in libpcap's own spelling must agree with the headers'. */
typedef int (*dispatch_fn)(pcap_t *, int, pcap_handler, u_char *);
static dispatch_fn dispatch_ptr = pcap_dispatch;
typedef pcap_t *(*open_dead_fn)(int, int);
static open_dead_fn open_dead_ptr = pcap_open_dead;

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    (void)user;
    (void)h;
    (void)bytes;
}

int main(void)
{
    /* Types programs declare. */
    pcap_t *p;
    pcap_dumper_t *dumper = NULL;
    pcap_if_t *devices = NULL;
    pcap_addr_t *address = NULL;
    struct pcap_pkthdr header;
    struct pcap_stat stats;
    struct pcap_file_header file_header;
    struct pcap_rmtauth auth = {RPCAP_RMTAUTH_NULL, NULL, NULL};
    struct pcap_samp samp = {PCAP_SAMP_NOSAMP, 0};
    struct pcap_etherent etherent;
    struct sll_header sll;
    struct sll2_header sll2;
    struct vlan_tag tag;
    pcap_usb_header usb;
    pcap_usb_header_mmapped usb_mm;
    usb_isodesc isodesc;
    nflog_hdr_t nflog;
    nflog_tlv_t tlv;
    pcap_can_socketcan_hdr can;
    pcap_bluetooth_h4_header h4;
    pcap_bluetooth_linux_monitor_header btmon;
    pcap_direction_t direction = PCAP_D_INOUT;
    bpf_u_int32 netmask = PCAP_NETMASK_UNKNOWN;
    bpf_int32 zone = 0;
    SOCKET sock = INVALID_SOCKET;
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_handler handler = on_packet;

    /* A filter written with the BPF macros: accept IPv4 over Ethernet. */
    struct bpf_insn insns[] = {
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0800, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, 262144),
        BPF_STMT(BPF_RET | BPF_K, 0),
    };
    struct bpf_program program = {sizeof insns / sizeof *insns, insns};
    struct sock_filter kernel_insns[] = {BPF_STMT(BPF_RET | BPF_K, 0)};

    memset(&header, 0, sizeof header);
    memset(&stats, 0, sizeof stats);
    memset(&file_header, 0, sizeof file_header);
    memset(&etherent, 0, sizeof etherent);
    memset(&sll, 0, sizeof sll);
    memset(&sll2, 0, sizeof sll2);
    memset(&tag, 0, sizeof tag);
    memset(&usb, 0, sizeof usb);
    memset(&usb_mm, 0, sizeof usb_mm);
    memset(&isodesc, 0, sizeof isodesc);
    memset(&nflog, 0, sizeof nflog);
    memset(&tlv, 0, sizeof tlv);
    memset(&can, 0, sizeof can);
    memset(&h4, 0, sizeof h4);
    memset(&btmon, 0, sizeof btmon);
    memset(errbuf, 0, sizeof errbuf);

    printf("program: %u insns, first code %#x, kernel ret code %#x\n", program.bf_len,
           program.bf_insns[0].code, kernel_insns[0].code);
    printf("sizes: header %zu stat %zu file %zu sll %zu sll2 %zu vlan %zu usb %zu/%zu\n",
           sizeof header, sizeof stats, sizeof file_header, sizeof sll, sizeof sll2, sizeof tag,
           sizeof usb, sizeof usb_mm);
    printf("lengths: SLL %d SLL2 %d VLAN %d ADDR %d MEMWORDS %d\n", SLL_HDR_LEN, SLL2_HDR_LEN,
           VLAN_TAG_LEN, SLL_ADDRLEN, BPF_MEMWORDS);
    printf("misc: dir %d netmask %#x zone %d sock %d auth %d samp %d version %d.%d\n",
           (int)direction, netmask, zone, (int)sock, auth.type, samp.method, PCAP_VERSION_MAJOR,
           PCAP_VERSION_MINOR);
    printf("pointers: %d %d %d\n", dumper == NULL, devices == NULL, address == NULL);

    p = open_dead_ptr(DLT_EN10MB, 65535);
    if (p == NULL) {
        printf("pcap_open_dead failed\n");
        return 1;
    }
    printf("dead: datalink %d snapshot %d\n", pcap_datalink(p), pcap_snapshot(p));
    printf("dispatch on a dead handle: %d\n", dispatch_ptr(p, 1, handler, NULL) < 0);
    pcap_close(p);
    return 0;
}
