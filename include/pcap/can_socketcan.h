/* oxpcap: the pseudo-header of DLT_CAN_SOCKETCAN, which precedes each CAN or CAN FD frame
 * captured through Linux SocketCAN. can_id is in network byte order. */
#ifndef lib_pcap_can_socketcan_h
#define lib_pcap_can_socketcan_h

#include <pcap/pcap-inttypes.h>

typedef struct {
    uint32_t can_id;            /* identifier plus the EFF/RTR/ERR flag bits */
    uint8_t payload_length;
    uint8_t fd_flags;           /* CANFD_* (CAN FD frames) */
    uint8_t reserved1;
    uint8_t reserved2;
} pcap_can_socketcan_hdr;

/* fd_flags bits. */
#define CANFD_BRS 0x01  /* bit rate switch: the payload used the second bit rate */
#define CANFD_ESI 0x02  /* error state indicator of the sender */
#define CANFD_FDF 0x04  /* this is a CAN FD frame */

#endif /* lib_pcap_can_socketcan_h */
