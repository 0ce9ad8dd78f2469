/* oxpcap: an 802.1Q VLAN tag as it sits in an Ethernet frame (network byte order). The
 * library reinserts tags the kernel stripped, so captured frames carry them in place. */
#ifndef lib_pcap_vlan_h
#define lib_pcap_vlan_h

#include <pcap/pcap-inttypes.h>

struct vlan_tag {
    uint16_t vlan_tpid;     /* tag protocol: 0x8100 for 802.1Q */
    uint16_t vlan_tci;      /* priority (3 bits), drop eligible (1), VLAN id (12) */
};

#define VLAN_TAG_LEN 4

#endif /* lib_pcap_vlan_h */
