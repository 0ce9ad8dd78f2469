/* oxpcap: the headers Linux's usbmon puts before each USB packet: DLT_USB_LINUX (48 bytes)
 * and DLT_USB_LINUX_MMAPPED (64 bytes). Fields are in the capturing host's byte order;
 * savefiles from a host of the other order are converted on reading. */
#ifndef lib_pcap_usb_h
#define lib_pcap_usb_h

#include <pcap/pcap-inttypes.h>

/* transfer_type values; URB_TRANSFER_IN is the direction bit of endpoint_number. */
#define URB_TRANSFER_IN 0x80
#define URB_ISOCHRONOUS 0x0
#define URB_INTERRUPT   0x1
#define URB_CONTROL     0x2
#define URB_BULK        0x3

/* event_type values. */
#define URB_SUBMIT      'S'
#define URB_COMPLETE    'C'
#define URB_ERROR       'E'

/* The setup packet of a control transfer (USB 2.0, section 9.3). */
typedef struct _usb_setup {
    uint8_t bmRequestType;
    uint8_t bRequest;
    uint16_t wValue;
    uint16_t wIndex;
    uint16_t wLength;
} pcap_usb_setup;

/* What an isochronous event has where a control event has its setup packet. */
typedef struct _iso_rec {
    int32_t error_count;
    int32_t numdesc;
} iso_rec;

/* DLT_USB_LINUX. */
typedef struct _usb_header {
    uint64_t id;                /* the URB's tag, the same on submit and completion */
    uint8_t event_type;         /* URB_SUBMIT, URB_COMPLETE, URB_ERROR */
    uint8_t transfer_type;      /* URB_ISOCHRONOUS ... URB_BULK */
    uint8_t endpoint_number;    /* with URB_TRANSFER_IN for device-to-host */
    uint8_t device_address;
    uint16_t bus_id;
    char setup_flag;            /* 0 when setup holds a setup packet */
    char data_flag;             /* 0 when data follows the header */
    int64_t ts_sec;
    int32_t ts_usec;
    int32_t status;
    uint32_t urb_len;           /* the transfer's length */
    uint32_t data_len;          /* bytes of it captured after this header */
    pcap_usb_setup setup;
} pcap_usb_header;

/* DLT_USB_LINUX_MMAPPED: the same start, then isochronous details. */
typedef struct _usb_header_mmapped {
    uint64_t id;
    uint8_t event_type;
    uint8_t transfer_type;
    uint8_t endpoint_number;
    uint8_t device_address;
    uint16_t bus_id;
    char setup_flag;
    char data_flag;
    int64_t ts_sec;
    int32_t ts_usec;
    int32_t status;
    uint32_t urb_len;
    uint32_t data_len;
    union {
        pcap_usb_setup setup;   /* control transfers */
        iso_rec iso;            /* isochronous transfers */
    } s;
    int32_t interval;           /* interrupt and isochronous transfers */
    int32_t start_frame;        /* isochronous transfers */
    uint32_t xfer_flags;        /* the URB's transfer flags */
    uint32_t ndesc;             /* isochronous descriptors following the header */
} pcap_usb_header_mmapped;

/* One isochronous descriptor (ndesc of them follow a DLT_USB_LINUX_MMAPPED header). */
typedef struct _usb_isodesc {
    int32_t status;
    uint32_t offset;
    uint32_t len;
    uint8_t pad[4];
} usb_isodesc;

#endif /* lib_pcap_usb_h */
