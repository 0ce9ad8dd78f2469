/* oxpcap: the pseudo-headers of DLT_BLUETOOTH_HCI_H4_WITH_PHDR and
 * DLT_BLUETOOTH_LINUX_MONITOR (network byte order). */
#ifndef lib_pcap_bluetooth_h
#define lib_pcap_bluetooth_h

#include <pcap/pcap-inttypes.h>

/* DLT_BLUETOOTH_HCI_H4_WITH_PHDR: bit 0 of direction set means received. */
typedef struct _pcap_bluetooth_h4_header {
    uint32_t direction;
} pcap_bluetooth_h4_header;

/* DLT_BLUETOOTH_LINUX_MONITOR: which controller, and what kind of event. */
typedef struct _pcap_bluetooth_linux_monitor_header {
    uint16_t adapter_id;
    uint16_t opcode;
} pcap_bluetooth_linux_monitor_header;

#endif /* lib_pcap_bluetooth_h */
