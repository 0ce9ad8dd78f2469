/* oxpcap: constants of the DLT_IPNET header (Solaris's IP observability device), for
 * programs that decode such captures. Like libpcap's, this header has no include guard: it
 * only defines macros, identically each time. */

/* Address families as Solaris numbers them. */
#define IPH_AF_INET  2
#define IPH_AF_INET6 26

/* Directions. */
#define IPNET_OUTBOUND 1
#define IPNET_INBOUND  2
