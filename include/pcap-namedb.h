/* oxpcap: the historical location of the name lookups; see <pcap/namedb.h>. */
#include <pcap/namedb.h>
