/* tests/test_pcap.c - sim/pcap.c: header bytes, and tshark's reading of them.
 *
 * Writes RTM_NEWLINK notifications and a GETLINK request built with libmnl,
 * checks every header byte, then (when tshark is on PATH) asks tshark to
 * dissect the file and checks the decoded ifindex, operstate, name and
 * nanosecond timestamps. Without tshark that part is skipped with a note.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "sim/pcap.h"
#include "tests/testutil.h"

#define TMPDIR_TEMPLATE "/tmp/nlsim-pcap-XXXXXX"
static char tmpdir[sizeof(TMPDIR_TEMPLATE)];
static char path[64];

static int pcap_setup(void)
{
	memcpy(tmpdir, TMPDIR_TEMPLATE, sizeof(tmpdir));
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(path, sizeof(path), "%s/t.pcap", tmpdir);
	return 0;
}

static int pcap_teardown(void)
{
	unlink(path);
	return rmdir(tmpdir);
}

static struct nlmsghdr *newlink(char *buf, int ifindex, const char *name,
				uint8_t operstate)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = ifindex;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
	mnl_attr_put_u8(nlh, IFLA_OPERSTATE, operstate);
	return nlh;
}

static struct nlmsghdr *getlink(char *buf, int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = 7;
	nlh->nlmsg_pid = 1234;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = ifindex;
	return nlh;
}

static unsigned char *slurp(const char *p, size_t *len)
{
	FILE *f = fopen(p, "rb");
	unsigned char *buf = malloc(1 << 16);

	*len = 0;
	if (f && buf)
		*len = fread(buf, 1, 1 << 16, f);
	if (f)
		fclose(f);
	return buf;
}

static uint32_t host32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static unsigned int be16(const unsigned char *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

/* Writes three records: two notifications around one request. */
static void write_sample(struct nlmsghdr **m)
{
	static char b0[512], b1[512], b2[512];
	struct pcap_writer *w = pcap_writer_open(path);

	REQUIRE(w != NULL);
	m[0] = newlink(b0, 3, "v0", IF_OPER_DOWN);
	m[1] = getlink(b1, 4);
	m[2] = newlink(b2, 4, "v1", IF_OPER_UP);
	ASSERT_EQ_INT(pcap_writer_write(w, 1500000123, m[0], m[0]->nlmsg_len,
					NETLINK_ROUTE, true), 0);
	ASSERT_EQ_INT(pcap_writer_write(w, 2000000000, m[1], m[1]->nlmsg_len,
					NETLINK_ROUTE, false), 0);
	ASSERT_EQ_INT(pcap_writer_write(w, 2000000001, m[2], m[2]->nlmsg_len,
					NETLINK_ROUTE, true), 0);
	ASSERT_EQ_INT(pcap_writer_close(w), 0);
}

static void headers_are_linktype_netlink(void)
{
	static const unsigned char zero[10];
	struct nlmsghdr *m[3];
	const unsigned char *p;
	unsigned char *file;
	size_t len, off = 24;
	uint32_t ts[3][2] = { { 1, 500000123 }, { 2, 0 }, { 2, 1 } };
	int i;

	write_sample(m);
	file = slurp(path, &len);
	REQUIRE(file != NULL);
	REQUIRE(len >= 24);
	ASSERT_EQ_UINT(host32(file), 0xa1b23c4d);
	ASSERT_EQ_UINT(file[4] | file[5] << 8, 2);	/* little-endian host here */
	ASSERT_EQ_UINT(file[6] | file[7] << 8, 4);
	ASSERT_EQ_UINT(host32(file + 8), 0);
	ASSERT_EQ_UINT(host32(file + 12), 0);
	ASSERT_EQ_UINT(host32(file + 16), 262144);
	ASSERT_EQ_UINT(host32(file + 20), 253);
	for (i = 0; i < 3; i++) {
		REQUIRE(off + 32 + m[i]->nlmsg_len <= len);
		p = file + off;
		ASSERT_EQ_UINT(host32(p), ts[i][0]);
		ASSERT_EQ_UINT(host32(p + 4), ts[i][1]);
		ASSERT_EQ_UINT(host32(p + 8), 16 + m[i]->nlmsg_len);
		ASSERT_EQ_UINT(host32(p + 12), 16 + m[i]->nlmsg_len);
		ASSERT_EQ_UINT(be16(p + 16), i == 1 ? 0 : 4);	/* direction */
		ASSERT_EQ_UINT(be16(p + 18), 824);
		CU_ASSERT(memcmp(p + 20, zero, 10) == 0);
		ASSERT_EQ_UINT(be16(p + 30), NETLINK_ROUTE);
		CU_ASSERT(memcmp(p + 32, m[i], m[i]->nlmsg_len) == 0);
		off += 32 + m[i]->nlmsg_len;
	}
	ASSERT_EQ_INT(off, len);
	free(file);
}

static void oversized_record_is_cut_to_snaplen(void)
{
	struct pcap_writer *w = pcap_writer_open(path);
	size_t big = PCAP_NETLINK_SNAPLEN + 100, len;
	char *msg = calloc(1, big);
	unsigned char *file;
	FILE *f;

	REQUIRE(w != NULL && msg != NULL);
	ASSERT_EQ_INT(pcap_writer_write(w, 0, msg, big, 16, true), 0);
	ASSERT_EQ_INT(pcap_writer_close(w), 0);
	f = fopen(path, "rb");
	REQUIRE(f != NULL);
	file = malloc(56);
	REQUIRE(file != NULL);
	len = fread(file, 1, 56, f);
	ASSERT_EQ_INT(len, 56);
	ASSERT_EQ_UINT(host32(file + 24 + 8), PCAP_NETLINK_SNAPLEN);
	ASSERT_EQ_UINT(host32(file + 24 + 12), big + 16);
	ASSERT_EQ_UINT(be16(file + 24 + 16 + 14), 16);	/* NETLINK_GENERIC */
	fseek(f, 0, SEEK_END);
	ASSERT_EQ_INT(ftell(f), 24 + 16 + PCAP_NETLINK_SNAPLEN);
	fclose(f);
	free(file);
	free(msg);
}

static void bad_arguments_are_refused(void)
{
	struct pcap_writer *w = pcap_writer_open(path);
	char b[16] = { 0 };

	REQUIRE(w != NULL);
	ASSERT_EQ_INT(pcap_writer_write(w, -1, b, sizeof(b), 0, true), -EINVAL);
	ASSERT_EQ_INT(pcap_writer_write(w, 0, b, sizeof(b), 65536, true), -EINVAL);
	ASSERT_EQ_INT(pcap_writer_write(w, 0, NULL, 4, 0, true), -EINVAL);
	ASSERT_EQ_INT(pcap_writer_close(w), 0);
	ASSERT_EQ_INT(pcap_writer_close(NULL), 0);
	errno = 0;
	CU_ASSERT_PTR_NULL(pcap_writer_open("/nonexistent-dir/x.pcap"));
	ASSERT_EQ_INT(errno, ENOENT);
}

static void tshark_decodes_the_records(void)
{
	char cmd[512], out[1024];
	struct nlmsghdr *m[3];
	size_t n;
	FILE *p;

	if (system("command -v tshark >/dev/null 2>&1") != 0) {
		printf("\n  note: tshark not on PATH, skipping the dissector check ");
		return;
	}
	write_sample(m);
	snprintf(cmd, sizeof(cmd),
		 "tshark -r %s -T fields -e frame.time_epoch -e netlink-route.nltype "
		 "-e netlink-route.ifi_index -e netlink-route.ifla_operstate "
		 "-e netlink-route.ifla_ifname 2>/dev/null", path);
	p = popen(cmd, "r");
	REQUIRE(p != NULL);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	ASSERT_EQ_INT(pclose(p), 0);
	ASSERT_EQ_STR(out, "1.500000123\t16\t3\t2\tv0\n"
			   "2.000000000\t18\t4\t\t\n"
			   "2.000000001\t16\t4\t6\tv1\n");
}

TEST_SUITE(pcap, pcap_setup, pcap_teardown,
	   TEST_CASE(headers_are_linktype_netlink),
	   TEST_CASE(oversized_record_is_cut_to_snaplen),
	   TEST_CASE(bad_arguments_are_refused),
	   TEST_CASE(tshark_decodes_the_records));
