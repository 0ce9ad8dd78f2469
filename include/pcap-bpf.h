/* oxpcap: the historical location of the BPF definitions; see <pcap/bpf.h>. */
#include <pcap/bpf.h>
