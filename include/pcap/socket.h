/* oxpcap: the socket definitions the pcap API mentions (struct sockaddr in pcap_addr,
 * struct addrinfo in pcap_nametoaddrinfo), and the SOCKET type of the remote-capture calls,
 * which on Linux is a plain file descriptor. */
#ifndef lib_pcap_socket_h
#define lib_pcap_socket_h

#include <sys/types.h>
#include <sys/socket.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#ifndef SOCKET
#define SOCKET int
#endif
#ifndef INVALID_SOCKET
#define INVALID_SOCKET -1
#endif

#endif /* lib_pcap_socket_h */
