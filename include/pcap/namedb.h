/* oxpcap: name lookups (/etc/ethers, hosts, networks, services, protocols, Ethernet types
 * and LLC SAPs) as the filter compiler uses them, for programs that want the same answers. */
#ifndef lib_pcap_namedb_h
#define lib_pcap_namedb_h

#include <stdio.h>       /* FILE */
#include <pcap/socket.h> /* struct addrinfo */
#include <pcap/bpf.h>    /* bpf_u_int32, u_char */

#ifdef __cplusplus
extern "C" {
#endif

/* One line of an ethers(5) file, as pcap_next_etherent() returns it. */
struct pcap_etherent {
    u_char addr[6];
    char name[122];
};

/* The file pcap_ether_hostton() searches. */
#ifndef PCAP_ETHERS_FILE
#define PCAP_ETHERS_FILE "/etc/ethers"
#endif

/* What the protocol out-parameter of pcap_nametoport()/pcap_nametoportrange() holds when the
 * service is known for both TCP and UDP (or neither). */
#define PROTO_UNDEF -1

#include <pcap/prototypes/namedb.h>
#include <pcap/prototypes/pending-namedb.h>

#ifdef __cplusplus
}
#endif

#endif /* lib_pcap_namedb_h */
