/* oxpcap: the historical location of the packet capture API; see <pcap/pcap.h>. */
#include <pcap/pcap.h>
