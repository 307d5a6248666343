/* sim/pcap.c - pcap files of netlink traffic, in the layout nlmon captures have.
 *
 * The kernel's nlmon device hands every netlink message to packet sockets
 * with ARPHRD_NETLINK (824); libpcap maps that to LINKTYPE_NETLINK (253) with
 * a 16-byte Linux cooked header whose protocol field is the netlink family.
 * Wireshark's netlink dissector (packet-netlink.c) insists on hatype 824 and
 * reads the family from bytes 14-15; it ignores the packet type, so we use it
 * to keep the direction: PACKET_HOST (0) for user -> kernel, PACKET_OUTGOING
 * (4, what real nlmon captures show for every message) for kernel -> user.
 * Checked with tshark 4.0.17 by tests/test_pcap.c.
 *
 * File: the classic pcap header with the nanosecond magic, then records. All
 * pcap fields are in host byte order (readers detect it from the magic), the
 * cooked header is big-endian, the netlink bytes stay in host order.
 *
 *   file header (24 bytes)
 *   +------------+---------+---------+----------+---------+-----------+------------+
 *   | 0xa1b23c4d | major 2 | minor 4 | zone 0   | sigfigs | snaplen   | linktype   |
 *   | u32        | u16     | u16     | s32      | u32 0   | u32 262144| u32 253    |
 *   +------------+---------+---------+----------+---------+-----------+------------+
 *
 *   record
 *   +----------+----------+-----------+-----------+
 *   | ts_sec   | ts_nsec  | incl_len  | orig_len  |  u32 each, host order;
 *   +----------+----------+-----------+-----------+  lengths count the cooked header
 *   0          2          4                       14         16
 *   +----------+----------+-----------------------+----------+--------------------+
 *   | pkttype  | hatype   | addr len + address    | family   | netlink message(s) |
 *   | be16 0/4 | be16 824 | 10 bytes, all zero    | be16     | host byte order    |
 *   +----------+----------+-----------------------+----------+--------------------+
 *
 * Records longer than the snaplen are cut (incl_len < orig_len).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/pcap.h"

#define PCAP_MAGIC_NSEC 0xa1b23c4du
#define LINKTYPE_NETLINK 253u
#define ARPHRD_NETLINK_TYPE 824u

struct pcap_writer {
	FILE *f;
	int err;	/* first write error, as -errno; sticky */
};

static void put_be16(unsigned char *p, unsigned int v)
{
	p[0] = (v >> 8) & 0xff;
	p[1] = v & 0xff;
}

static int write_all(struct pcap_writer *w, const void *p, size_t n)
{
	if (w->err)
		return w->err;
	errno = 0;
	if (n && fwrite(p, 1, n, w->f) != n)
		w->err = errno ? -errno : -EIO;
	return w->err;
}

/**
 * pcap_writer_open - create a LINKTYPE_NETLINK nanosecond pcap file
 * @path: file to create or truncate
 *
 * Returns the writer, or NULL with errno set. Context: any (does file I/O).
 */
struct pcap_writer *pcap_writer_open(const char *path)
{
	struct {
		uint32_t magic;
		uint16_t major, minor;
		int32_t thiszone;
		uint32_t sigfigs, snaplen, linktype;
	} hdr = { PCAP_MAGIC_NSEC, 2, 4, 0, 0, PCAP_NETLINK_SNAPLEN,
		  LINKTYPE_NETLINK };
	struct pcap_writer *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return NULL;
	_Static_assert(sizeof(hdr) == 24, "pcap file header is 24 bytes");
	w->f = fopen(path, "wb");
	if (!w->f) {
		err = errno;
		goto out_free;
	}
	if (write_all(w, &hdr, sizeof(hdr))) {
		err = -w->err;
		fclose(w->f);
		goto out_free;
	}
	return w;

out_free:
	free(w);
	errno = err;
	return NULL;
}

/**
 * pcap_writer_write - append one record of netlink bytes
 * @w: the writer
 * @ns: virtual time in nanoseconds, >= 0
 * @buf, @len: one or more netlink messages as they travel (host order)
 * @family: netlink protocol, 0..65535 (0 = NETLINK_ROUTE)
 * @to_user: kernel -> user (packet type 4) rather than user -> kernel (0)
 *
 * Returns 0, -EINVAL for bad arguments, or the first write error as -errno
 * (errors are sticky: later calls return it too).
 */
int pcap_writer_write(struct pcap_writer *w, int64_t ns, const void *buf,
		      size_t len, int family, bool to_user)
{
	unsigned char cooked[PCAP_NETLINK_COOKED_LEN] = { 0 };
	uint32_t rec[4];
	size_t keep;

	if (!w || ns < 0 || ns / 1000000000 > UINT32_MAX || family < 0 ||
	    family > 0xffff || (!buf && len) ||
	    len > UINT32_MAX - PCAP_NETLINK_COOKED_LEN)
		return -EINVAL;

	keep = len;
	if (keep > PCAP_NETLINK_SNAPLEN - PCAP_NETLINK_COOKED_LEN)
		keep = PCAP_NETLINK_SNAPLEN - PCAP_NETLINK_COOKED_LEN;
	rec[0] = (uint32_t)(ns / 1000000000);
	rec[1] = (uint32_t)(ns % 1000000000);
	rec[2] = (uint32_t)(keep + PCAP_NETLINK_COOKED_LEN);
	rec[3] = (uint32_t)(len + PCAP_NETLINK_COOKED_LEN);

	put_be16(cooked + 0, to_user ? PCAP_PKTTYPE_TO_USER : PCAP_PKTTYPE_TO_KERNEL);
	put_be16(cooked + 2, ARPHRD_NETLINK_TYPE);
	put_be16(cooked + 14, (unsigned int)family);

	write_all(w, rec, sizeof(rec));
	write_all(w, cooked, sizeof(cooked));
	return write_all(w, buf, keep);
}

/**
 * pcap_writer_close - flush and close the file, free the writer
 *
 * Returns 0, or the first error seen (write, flush or close) as -errno.
 */
int pcap_writer_close(struct pcap_writer *w)
{
	int err;

	if (!w)
		return 0;
	err = w->err;
	errno = 0;
	if (fclose(w->f) && !err)
		err = errno ? -errno : -EIO;
	free(w);
	return err;
}
