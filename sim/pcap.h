/* sim/pcap.h - write netlink messages to a pcap file that tshark and Wireshark
 * decode (LINKTYPE_NETLINK, nanosecond timestamps in virtual time).
 */
#ifndef NLSIM_SIM_PCAP_H
#define NLSIM_SIM_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCAP_NETLINK_SNAPLEN 262144u	/* bytes kept per record, cooked header included */
#define PCAP_NETLINK_COOKED_LEN 16u	/* cooked header before each message */
#define PCAP_PKTTYPE_TO_KERNEL 0	/* cooked packet type: user -> kernel */
#define PCAP_PKTTYPE_TO_USER 4		/* cooked packet type: kernel -> user */

struct pcap_writer;

/* Create (truncate) @path and write the file header. NULL with errno set. */
struct pcap_writer *pcap_writer_open(const char *path);
/* Append one record: @buf/@len are netlink bytes (one or more messages, host
 * order) seen at virtual time @ns, of netlink @family (0 = NETLINK_ROUTE),
 * travelling kernel -> user if @to_user. 0 or -errno (-EINVAL for bad
 * arguments). */
int pcap_writer_write(struct pcap_writer *w, int64_t ns, const void *buf,
		      size_t len, int family, bool to_user);
/* Flush, close and free (NULL is fine). 0 or -errno. */
int pcap_writer_close(struct pcap_writer *w);

#endif /* NLSIM_SIM_PCAP_H */
