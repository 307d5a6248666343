/* tests/test_ipmon.c - sim/ipmon.c against what a real `ip monitor link` printed.
 *
 * The golden pair tests/golden/ipmon/link.nlcap (raw RTNLGRP_LINK messages
 * from a real kernel, recorded by tests/realkernel_capture.c) and link.txt
 * (what iproute2 6.1.0's `ip -ts monitor link` printed for them, timestamps
 * stripped) were made together by tests/golden/ipmon/capture.sh. Every message
 * is formatted through a struct ipmon_cache fed with the same messages, which
 * is how ip monitor learns names, and compared byte for byte. Hand-built
 * messages cover the words the capture cannot produce; their expected text
 * is what `ip monitor file F` (iproute2 6.1.0, run in an empty namespace so
 * that no ifindex resolves) printed for the same bytes.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>

#include <libmnl/libmnl.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "sim/ipmon.h"
#include "tests/testutil.h"

#define GOLDEN_NLCAP "tests/golden/ipmon/link.nlcap"
#define GOLDEN_TEXT "tests/golden/ipmon/link.txt"

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else if (buf) {
			buf[n] = '\0';
			*len = (size_t)n;
		}
	}
	fclose(f);
	return buf;
}

/* Next block of ip monitor text: a line not indented plus its indented
 * continuation lines. Returns a malloc'ed copy, NULL at the end. */
static char *next_block(const char **p)
{
	const char *start = *p, *end = start;
	char *out;

	if (!*start)
		return NULL;
	do {
		const char *nl = strchr(end, '\n');

		end = nl ? nl + 1 : end + strlen(end);
	} while (*end == ' ');
	out = strndup(start, (size_t)(end - start));
	*p = end;
	return out;
}

static void golden_capture_matches_ip_monitor(void)
{
	size_t caplen = 0, textlen = 0, off = 0;
	char *cap = read_file(GOLDEN_NLCAP, &caplen);
	char *text = read_file(GOLDEN_TEXT, &textlen);
	struct ipmon_cache *c = ipmon_cache_create();
	const char *tp = text;
	int count = 0;

	REQUIRE(cap != NULL && text != NULL && c != NULL);
	while (off + 4 <= caplen) {
		const unsigned char *l = (const unsigned char *)cap + off;
		uint32_t len = l[0] | l[1] << 8 | l[2] << 16 | (uint32_t)l[3] << 24;
		void *msg;
		char out[4096], *want;
		int n;

		REQUIRE(off + 4 + len <= caplen);
		msg = malloc(len);	/* aligned copy */
		REQUIRE(msg != NULL);
		memcpy(msg, cap + off + 4, len);
		off += 4 + len;

		n = ipmon_cache_format_link(c, msg, out, sizeof(out));
		want = next_block(&tp);
		ASSERT_EQ_INT(n, strlen(out));
		ASSERT_EQ_STR(out, want ? want : "(missing)");
		free(want);
		free(msg);
		count++;
	}
	ASSERT_EQ_INT(off, caplen);
	ASSERT_EQ_INT(count, 60);
	ASSERT_EQ_STR(tp, "");	/* ip monitor printed nothing more */
	ipmon_cache_destroy(c);
	free(cap);
	free(text);
}

/* ---- hand-built messages ---- */

static struct nlmsghdr *link_msg(char *buf, uint16_t type, int ifindex,
				 unsigned int flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = type;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_type = ARPHRD_ETHER;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = flags;
	return nlh;
}

static void put_ether(struct nlmsghdr *nlh, const char *name, unsigned char last)
{
	const unsigned char mac[6] = { 2, 0, 0, 0, 0, last };
	const unsigned char brd[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
	mnl_attr_put_strz(nlh, IFLA_QDISC, "noqueue");
	mnl_attr_put(nlh, IFLA_ADDRESS, sizeof(mac), mac);
	mnl_attr_put(nlh, IFLA_BROADCAST, sizeof(brd), brd);
}

static const char *names_v1(void *data, int ifindex)
{
	(void)data;
	return ifindex == 2 ? "v1" : NULL;
}

static long flags_v1_down(void *data, int ifindex)
{
	(void)data;
	return ifindex == 2 ? IFF_BROADCAST | IFF_MULTICAST : -1;
}

static void veth_lowerlayerdown_with_timestamp(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], out[512];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 3,
					IFF_UP | IFF_BROADCAST | IFF_MULTICAST);
	int n;

	put_ether(nlh, "v0", 1);
	mnl_attr_put_u32(nlh, IFLA_LINK, 2);
	mnl_attr_put_u8(nlh, IFLA_OPERSTATE, IF_OPER_LOWERLAYERDOWN);
	mnl_attr_put_u8(nlh, IFLA_LINKMODE, 1);	/* not printed by monitor */
	mnl_attr_put_u32(nlh, IFLA_GROUP, 0);
	mnl_attr_put_u32(nlh, IFLA_TXQLEN, 1000);	/* not printed either */

	n = ipmon_format_timestamp(1000000, out, sizeof(out));
	n += ipmon_format_link(nlh, out + n, sizeof(out) - (size_t)n, names_v1, NULL);
	ASSERT_EQ_STR(out, "[0.001000] 3: v0@v1: <NO-CARRIER,BROADCAST,MULTICAST,UP> "
		      "mtu 1500 qdisc noqueue state LOWERLAYERDOWN group default \n"
		      "    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff\n");
	ASSERT_EQ_INT(n, strlen(out));

	/* with the peer's flags known and not UP, iproute2 adds M-DOWN */
	ipmon_format_link_lookup(nlh, out, sizeof(out), names_v1, flags_v1_down, NULL);
	ASSERT_EQ_STR(out, "3: v0@v1: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> "
		      "mtu 1500 qdisc noqueue state LOWERLAYERDOWN group default \n"
		      "    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff\n");
}

static void unknown_values_print_as_numbers(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], out[512];
	const unsigned char perm[6] = { 2, 0, 0, 0, 0, 9 };
	struct nlmsghdr *nlh = link_msg(buf, RTM_DELLINK, 7,
					IFF_UP | IFF_RUNNING | IFF_LOWER_UP | 0x800000);
	struct nlattr *props;

	put_ether(nlh, "x", 7);
	mnl_attr_put_u32(nlh, IFLA_LINK, 9);	/* unknown ifindex */
	mnl_attr_put_u32(nlh, IFLA_MASTER, 11);
	mnl_attr_put_u8(nlh, IFLA_OPERSTATE, 9);
	mnl_attr_put_u32(nlh, IFLA_GROUP, 42);
	mnl_attr_put_u32(nlh, IFLA_EVENT, 99);
	mnl_attr_put(nlh, IFLA_PERM_ADDRESS, sizeof(perm), perm);
	mnl_attr_put_u8(nlh, IFLA_PROTO_DOWN, 1);
	props = mnl_attr_nest_start(nlh, IFLA_PROP_LIST);
	mnl_attr_put_strz(nlh, IFLA_ALT_IFNAME, "a1");
	mnl_attr_put_strz(nlh, IFLA_ALT_IFNAME, "a2");
	mnl_attr_nest_end(nlh, props);

	ipmon_format_link_lookup(nlh, out, sizeof(out), names_v1, flags_v1_down, NULL);
	ASSERT_EQ_STR(out, "Deleted 7: x@if9: <UP,LOWER_UP,800000> mtu 1500 qdisc noqueue "
		      "master if11 state 0x9group 42 event 99 \n"
		      "    link/ether 02:00:00:00:00:07 brd ff:ff:ff:ff:ff:ff "
		      "permaddr 02:00:00:00:00:09 protodown on \n"
		      "    altname a1\n    altname a2\n");
}

static void other_namespace_peer_is_never_resolved(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], out[512];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 3, IFF_BROADCAST);

	put_ether(nlh, "v0", 1);
	mnl_attr_put_u32(nlh, IFLA_LINK, 2);
	mnl_attr_put_u32(nlh, IFLA_LINK_NETNSID, (uint32_t)-1);
	ipmon_format_link_lookup(nlh, out, sizeof(out), names_v1, flags_v1_down, NULL);
	ASSERT_EQ_STR(out, "3: v0@if2: <BROADCAST> mtu 1500 qdisc noqueue \n"
		      "    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff "
		      "link-netnsid unknown\n");
}

static void bad_names_and_bad_messages(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], out[64];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 5, 0);
	int n;

	/* no IFLA_IFNAME: iproute2 falls back to ifN */
	n = ipmon_format_link(nlh, out, sizeof(out), NULL, NULL);
	ASSERT_EQ_STR(out, "5: if5: <> \n    link/ether \n");
	ASSERT_EQ_INT(n, strlen(out));

	/* a name iproute2 refuses prints nothing */
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "a b");
	ASSERT_EQ_INT(ipmon_format_link(nlh, out, sizeof(out), NULL, NULL), 0);
	ASSERT_EQ_STR(out, "");

	/* not a link message, or too short for ifinfomsg */
	nlh = link_msg(buf, RTM_NEWADDR, 5, 0);
	ASSERT_EQ_INT(ipmon_format_link(nlh, out, sizeof(out), NULL, NULL), -EINVAL);
	nlh = link_msg(buf, RTM_NEWLINK, 5, 0);
	nlh->nlmsg_len = NLMSG_LENGTH(4);
	ASSERT_EQ_INT(ipmon_format_link(nlh, out, sizeof(out), NULL, NULL), -EINVAL);
}

static void truncation_reports_full_length(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], out[10], full[256];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 3, IFF_UP);
	int n;

	put_ether(nlh, "v0", 1);
	n = ipmon_format_link(nlh, full, sizeof(full), NULL, NULL);
	ASSERT_EQ_INT(ipmon_format_link(nlh, out, sizeof(out), NULL, NULL), n);
	ASSERT_EQ_INT(strlen(out), sizeof(out) - 1);
	CU_ASSERT(strncmp(out, full, sizeof(out) - 1) == 0);
	ASSERT_EQ_INT(ipmon_format_link(nlh, NULL, 0, NULL, NULL), n);
}

static void timestamps(void)
{
	char out[64];

	ipmon_format_timestamp(0, out, sizeof(out));
	ASSERT_EQ_STR(out, "[0.000000] ");
	ipmon_format_timestamp(1234567890999LL, out, sizeof(out));
	ASSERT_EQ_STR(out, "[1234.567890] ");
	ipmon_format_timestamp(-1500000, out, sizeof(out));
	ASSERT_EQ_STR(out, "[-0.001500] ");
	ASSERT_EQ_INT(ipmon_format_timestamp(INT64_MAX, out, sizeof(out)),
		      strlen("[9223372036.854775] "));
}

static void cache_keeps_first_name_and_forgets_deleted(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], out[128];
	struct ipmon_cache *c = ipmon_cache_create();
	struct nlmsghdr *nlh;

	REQUIRE(c != NULL);
	nlh = link_msg(buf, RTM_NEWLINK, 2, IFF_BROADCAST);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "v1");
	ASSERT_EQ_INT(ipmon_cache_update(c, nlh), 0);
	nlh = link_msg(buf, RTM_NEWLINK, 2, IFF_UP);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "v1r");
	ASSERT_EQ_INT(ipmon_cache_update(c, nlh), 0);
	ASSERT_EQ_STR(ipmon_cache_name_of(c, 2), "v1");
	ASSERT_EQ_INT(ipmon_cache_flags_of(c, 2), IFF_UP);
	ASSERT_EQ_INT(ipmon_cache_flags_of(c, 3), -1);
	nlh = link_msg(buf, RTM_DELLINK, 2, 0);
	ASSERT_EQ_INT(ipmon_cache_update(c, nlh), 0);
	CU_ASSERT_PTR_NULL(ipmon_cache_name_of(c, 2));

	/* the message itself is learnt before it prints: its own link is down */
	nlh = link_msg(buf, RTM_NEWLINK, 6, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "zz");
	mnl_attr_put_u32(nlh, IFLA_LINK, 6);
	ipmon_cache_format_link(c, nlh, out, sizeof(out));
	ASSERT_EQ_STR(out, "6: zz@zz: <,M-DOWN> \n    link/ether \n");
	ASSERT_EQ_INT(ipmon_cache_format_link(c, link_msg(buf, RTM_GETLINK, 6, 0),
					      out, sizeof(out)), -EINVAL);
	ipmon_cache_destroy(c);
}

TEST_SUITE(ipmon, NULL, NULL,
	   TEST_CASE(golden_capture_matches_ip_monitor),
	   TEST_CASE(veth_lowerlayerdown_with_timestamp),
	   TEST_CASE(unknown_values_print_as_numbers),
	   TEST_CASE(other_namespace_peer_is_never_resolved),
	   TEST_CASE(bad_names_and_bad_messages),
	   TEST_CASE(truncation_reports_full_length),
	   TEST_CASE(timestamps),
	   TEST_CASE(cache_keeps_first_name_and_forgets_deleted));
