/* sim/ipmon.c - link messages in the text of `ip -ts monitor link`.
 *
 * Follows what print_linkinfo() in iproute2 6.1.0 (ip/ipaddress.c) prints for
 * `ip monitor link`, reimplemented from reading it and checked byte for byte
 * against messages captured from a real kernel (tests/golden/ipmon/, made by
 * tests/golden/ipmon/capture.sh). One message prints as (wrapped here)
 *
 *   [Deleted ]IDX: NAME[@LINK]: <FLAGS> mtu N [qdisc Q ][master M ]state S
 *       group G [event E ]
 *       link/TYPE ADDR[ brd|peer BCAST][ permaddr P][ link-netnsid N]
 *       [ new-netnsid N][ new-ifindex N][ protodown on ]
 *       altname A            (one line per alternative name)
 *
 * The first line ends in a space; every line ends in '\n'. @LINK is the
 * peer's name (as the listener's cache knows it), "ifN" when the peer lives
 * in another namespace (IFLA_LINK_NETNSID), "NONE" for IFLA_LINK 0; FLAGS
 * start with NO-CARRIER when up without carrier and end with M-DOWN when the
 * peer is known to be down. Each bracketed word is present only when its
 * attribute is; AF_BRIDGE port messages (no qdisc, group or broadcast) go
 * through the same code. Under `ip monitor` the tool runs without -d and
 * without "ip link"'s do_link, so "mode DORMANT", qlen, promiscuity, alias
 * and the detailed attributes are never printed, though the kernel sends
 * them (the fixture sets a device dormant: its line does not change).
 *
 * Deliberately left out: XDP program ids (nothing in nlsim attaches XDP; an
 * attached program would add "xdp..." after mtu), protodown reason names, and
 * netns names (iproute2 prints "link-netns NAME" for a namespace mounted under
 * /var/run/netns; nlsim's namespaces have no names, so it is always
 * "link-netnsid N"). Group names other than "default" come from
 * /etc/iproute2/group in iproute2; nlsim assumes the stock file. When the
 * interface name is one iproute2 refuses, ip monitor prints its timestamp
 * and nothing else; model names are always valid, so callers may skip it.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "sim/ipmon.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#define IFF_DORMANT 0x20000
#define IFF_ECHO 0x40000
#endif

/* An output buffer that counts what it could not hold, like snprintf. */
struct sbuf {
	char *buf;
	size_t len;
	size_t pos;
};

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	char dummy;
	va_list ap;
	int n;

	va_start(ap, fmt);
	if (sb->buf && sb->pos < sb->len)
		n = vsnprintf(sb->buf + sb->pos, sb->len - sb->pos, fmt, ap);
	else
		n = vsnprintf(&dummy, 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->pos += (size_t)n;
}

static void sb_puts(struct sbuf *sb, const char *s)
{
	sb_printf(sb, "%s", s);
}

/* Interface flags in the order iproute2 prints them (not bit order). */
static const struct {
	unsigned int bit;
	const char *name;
} link_flag_names[] = {
	{ IFF_LOOPBACK, "LOOPBACK" },	{ IFF_BROADCAST, "BROADCAST" },
	{ IFF_POINTOPOINT, "POINTOPOINT" }, { IFF_MULTICAST, "MULTICAST" },
	{ IFF_NOARP, "NOARP" },		{ IFF_ALLMULTI, "ALLMULTI" },
	{ IFF_PROMISC, "PROMISC" },	{ IFF_MASTER, "MASTER" },
	{ IFF_SLAVE, "SLAVE" },		{ IFF_DEBUG, "DEBUG" },
	{ IFF_DYNAMIC, "DYNAMIC" },	{ IFF_AUTOMEDIA, "AUTOMEDIA" },
	{ IFF_PORTSEL, "PORTSEL" },	{ IFF_NOTRAILERS, "NOTRAILERS" },
	{ IFF_UP, "UP" },		{ IFF_LOWER_UP, "LOWER_UP" },
	{ IFF_DORMANT, "DORMANT" },	{ IFF_ECHO, "ECHO" },
};

/* RFC 2863 operstates, indexed by IF_OPER_*. */
static const char *const operstate_names[] = {
	"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN",
	"TESTING", "DORMANT", "UP",
};

/* IFLA_EVENT values, indexed by IFLA_EVENT_*; 0 prints nothing. */
static const char *const link_event_names[] = {
	NULL, "REBOOT", "FEATURE CHANGE", "BONDING FAILOVER",
	"NOTIFY PEERS", "RESEND IGMP", "BONDING OPTION",
};

/* The link types a simulated device can have; others print as "[N]". */
static const struct {
	unsigned short type;
	const char *name;
} link_type_names[] = {
	{ ARPHRD_ETHER, "ether" },	{ ARPHRD_LOOPBACK, "loopback" },
	{ ARPHRD_NONE, "none" },	{ ARPHRD_VOID, "void" },
	{ ARPHRD_TUNNEL, "ipip" },	{ ARPHRD_TUNNEL6, "tunnel6" },
	{ ARPHRD_SIT, "sit" },		{ ARPHRD_IPGRE, "gre" },
	{ ARPHRD_IP6GRE, "gre6" },	{ ARPHRD_PPP, "ppp" },
	{ ARPHRD_INFINIBAND, "infiniband" }, { ARPHRD_CAN, "can" },
	{ ARPHRD_IEEE80211, "ieee802.11" }, { ARPHRD_NETLINK, "netlink" },
	{ ARPHRD_IEEE80211_RADIOTAP, "ieee802.11/radiotap" },
};

static void put_link_flags(struct sbuf *sb, unsigned int flags, bool m_down)
{
	size_t i;

	sb_puts(sb, "<");
	/* up but not running: the carrier is missing */
	if ((flags & IFF_UP) && !(flags & IFF_RUNNING))
		sb_puts(sb, "NO-CARRIER,");
	flags &= ~IFF_RUNNING;
	for (i = 0; i < sizeof(link_flag_names) / sizeof(link_flag_names[0]); i++) {
		if (!(flags & link_flag_names[i].bit))
			continue;
		flags &= ~link_flag_names[i].bit;
		sb_printf(sb, flags ? "%s," : "%s", link_flag_names[i].name);
	}
	if (flags)
		sb_printf(sb, "%x", flags);
	if (m_down)
		sb_puts(sb, ",M-DOWN");
	sb_puts(sb, "> ");
}

static void put_link_type(struct sbuf *sb, unsigned short type)
{
	size_t i;

	for (i = 0; i < sizeof(link_type_names) / sizeof(link_type_names[0]); i++) {
		if (link_type_names[i].type == type) {
			sb_printf(sb, "    link/%s ", link_type_names[i].name);
			return;
		}
	}
	sb_printf(sb, "    link/[%u] ", type);
}

/* A hardware address: dotted quad or IPv6 for IP tunnels, else hex bytes
 * joined by ':', cut to 63 characters as iproute2's 64-byte buffer does. */
static void put_hwaddr(struct sbuf *sb, const struct nlattr *attr,
		       unsigned short type)
{
	const unsigned char *a = mnl_attr_get_payload(attr);
	size_t alen = mnl_attr_get_payload_len(attr), i, n = 0;
	char text[64];

	if (alen == 4 && (type == ARPHRD_TUNNEL || type == ARPHRD_SIT ||
			  type == ARPHRD_IPGRE)) {
		sb_puts(sb, inet_ntop(AF_INET, a, text, sizeof(text)));
		return;
	}
	if (alen == 16 && (type == ARPHRD_TUNNEL6 || type == ARPHRD_IP6GRE)) {
		sb_puts(sb, inet_ntop(AF_INET6, a, text, sizeof(text)));
		return;
	}
	text[0] = '\0';
	for (i = 0; i < alen && n < sizeof(text) - 1; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      i ? ":%02x" : "%02x", a[i]);
	sb_puts(sb, text);
}

struct link_attrs {
	const struct nlattr *tb[IFLA_MAX + 1];
};

/* iproute2 keeps the first copy of a repeated attribute; so do we. */
static int link_attr_cb(const struct nlattr *attr, void *data)
{
	struct link_attrs *la = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type <= IFLA_MAX && !la->tb[type])
		la->tb[type] = attr;
	return MNL_CB_OK;
}

/* Parse a link message's attributes; a malformed tail is ignored, as the
 * attributes before it still print. NULL unless it is a link message. */
static const struct ifinfomsg *link_parse(const struct nlmsghdr *nlh,
					  struct link_attrs *la)
{
	memset(la, 0, sizeof(*la));
	if (!nlh || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return NULL;
	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return NULL;
	mnl_attr_parse(nlh, sizeof(struct ifinfomsg), link_attr_cb, la);
	return mnl_nlmsg_get_payload(nlh);
}

/* Typed getters that treat a short attribute as absent. */
static bool attr_u32(const struct nlattr *attr, uint32_t *v)
{
	if (!attr || mnl_attr_get_payload_len(attr) < sizeof(uint32_t))
		return false;
	*v = mnl_attr_get_u32(attr);
	return true;
}

static bool attr_u8(const struct nlattr *attr, uint8_t *v)
{
	if (!attr || mnl_attr_get_payload_len(attr) < sizeof(uint8_t))
		return false;
	*v = mnl_attr_get_u8(attr);
	return true;
}

static const char *attr_str(const struct nlattr *attr)
{
	const char *s;
	size_t n;

	if (!attr)
		return NULL;
	s = mnl_attr_get_payload(attr);
	n = mnl_attr_get_payload_len(attr);
	return n && memchr(s, '\0', n) ? s : NULL;
}

/* iproute2's check_ifname(): names it refuses are not printed at all. */
static bool ifname_ok(const char *name)
{
	if (!*name || strlen(name) >= IFNAMSIZ)
		return false;
	for (; *name; name++)
		if (*name == '/' || isspace((unsigned char)*name))
			return false;
	return true;
}

static void put_ifindex_name(struct sbuf *sb, uint32_t ifindex,
			     ipmon_name_fn name_of, void *data)
{
	const char *name = name_of ? name_of(data, (int)ifindex) : NULL;

	if (name)
		sb_puts(sb, name);
	else
		sb_printf(sb, "if%u", ifindex);
}

/* "NAME[@LINK]: "; returns whether the IFLA_LINK device is known to be down. */
static bool put_name_and_link(struct sbuf *sb, const char *name,
			      const struct link_attrs *la,
			      ipmon_name_fn name_of, ipmon_flags_fn flags_of,
			      void *data)
{
	bool m_down = false;
	uint32_t iflink;

	sb_puts(sb, name);
	if (attr_u32(la->tb[IFLA_LINK], &iflink)) {
		sb_puts(sb, "@");
		if (!iflink) {
			sb_puts(sb, "NONE");
		} else if (la->tb[IFLA_LINK_NETNSID]) {
			/* the index belongs to another namespace: never resolved */
			sb_printf(sb, "if%u", iflink);
		} else {
			long f = flags_of ? flags_of(data, (int)iflink) : -1;

			put_ifindex_name(sb, iflink, name_of, data);
			m_down = f != -1 && !(f & IFF_UP);
		}
	}
	sb_puts(sb, ": ");
	return m_down;
}

static void put_link_line(struct sbuf *sb, const struct ifinfomsg *ifi,
			  const struct link_attrs *la)
{
	const struct nlattr *addr = la->tb[IFLA_ADDRESS];
	const struct nlattr *perm = la->tb[IFLA_PERM_ADDRESS];

	sb_puts(sb, "\n");
	put_link_type(sb, ifi->ifi_type);
	if (addr)
		put_hwaddr(sb, addr, ifi->ifi_type);
	if (la->tb[IFLA_BROADCAST]) {
		sb_puts(sb, ifi->ifi_flags & IFF_POINTOPOINT ? " peer " : " brd ");
		put_hwaddr(sb, la->tb[IFLA_BROADCAST], ifi->ifi_type);
	}
	/* permaddr only where it differs from the current address */
	if (perm && (!addr ||
		     mnl_attr_get_payload_len(addr) != mnl_attr_get_payload_len(perm) ||
		     memcmp(mnl_attr_get_payload(addr), mnl_attr_get_payload(perm),
			    mnl_attr_get_payload_len(perm)))) {
		sb_puts(sb, " permaddr ");
		put_hwaddr(sb, perm, ifi->ifi_type);
	}
}

static void put_netns_words(struct sbuf *sb, const struct link_attrs *la)
{
	uint32_t v;

	if (attr_u32(la->tb[IFLA_LINK_NETNSID], &v)) {
		if ((int32_t)v >= 0)
			sb_printf(sb, " link-netnsid %d", (int32_t)v);
		else
			sb_puts(sb, " link-netnsid unknown");
	}
	if (attr_u32(la->tb[IFLA_NEW_NETNSID], &v))
		sb_printf(sb, " new-netnsid %d", (int32_t)v);
	if (attr_u32(la->tb[IFLA_NEW_IFINDEX], &v))
		sb_printf(sb, " new-ifindex %d", (int32_t)v);
}

static void put_altnames(struct sbuf *sb, const struct nlattr *props)
{
	const struct nlattr *a;

	if (!props)
		return;
	mnl_attr_for_each_nested(a, props) {
		const char *alt = attr_str(a);

		if (mnl_attr_get_type(a) == IFLA_ALT_IFNAME && alt)
			sb_printf(sb, "\n    altname %s", alt);
	}
}

/**
 * ipmon_format_link_lookup - one link message as `ip monitor link` prints it
 * @nlh: RTM_NEWLINK or RTM_DELLINK, any family (AF_BRIDGE port messages too)
 * @buf, @len: output, NUL-terminated when @len > 0
 * @name_of: resolves IFLA_LINK and IFLA_MASTER ifindexes, may be NULL
 * @flags_of: last known flags of an ifindex (for ",M-DOWN"), may be NULL
 * @data: passed to both callbacks
 *
 * Returns the length of the whole text, 0 when iproute2 would print nothing,
 * -EINVAL when @nlh is not a link message. Context: any.
 */
int ipmon_format_link_lookup(const struct nlmsghdr *nlh, char *buf, size_t len,
			     ipmon_name_fn name_of, ipmon_flags_fn flags_of,
			     void *data)
{
	struct sbuf sb = { .buf = buf, .len = len };
	const struct ifinfomsg *ifi;
	struct link_attrs la;
	char fallback[16];
	const char *name;
	uint32_t v;
	uint8_t u8;
	bool m_down;

	if (buf && len)
		buf[0] = '\0';
	ifi = link_parse(nlh, &la);
	if (!ifi)
		return -EINVAL;

	name = attr_str(la.tb[IFLA_IFNAME]);
	if (!name) {
		snprintf(fallback, sizeof(fallback), "if%u", (unsigned)ifi->ifi_index);
		name = fallback;
	}
	if (!ifname_ok(name))
		return 0;

	if (nlh->nlmsg_type == RTM_DELLINK)
		sb_puts(&sb, "Deleted ");
	sb_printf(&sb, "%d: ", ifi->ifi_index);
	m_down = put_name_and_link(&sb, name, &la, name_of, flags_of, data);
	put_link_flags(&sb, ifi->ifi_flags, m_down);

	if (attr_u32(la.tb[IFLA_MTU], &v))
		sb_printf(&sb, "mtu %u ", v);
	if (attr_str(la.tb[IFLA_QDISC]))
		sb_printf(&sb, "qdisc %s ", attr_str(la.tb[IFLA_QDISC]));
	if (attr_u32(la.tb[IFLA_MASTER], &v)) {
		sb_puts(&sb, "master ");
		if (v)
			put_ifindex_name(&sb, v, name_of, data);
		else
			sb_puts(&sb, "*");
		sb_puts(&sb, " ");
	}
	if (attr_u8(la.tb[IFLA_OPERSTATE], &u8)) {
		if (u8 < sizeof(operstate_names) / sizeof(operstate_names[0]))
			sb_printf(&sb, "state %s ", operstate_names[u8]);
		else
			sb_printf(&sb, "state %#x", u8);	/* no space, as iproute2 */
	}
	if (attr_u32(la.tb[IFLA_GROUP], &v)) {
		if (v)
			sb_printf(&sb, "group %d ", (int32_t)v);
		else
			sb_puts(&sb, "group default ");
	}
	if (attr_u32(la.tb[IFLA_EVENT], &v)) {
		if (v >= sizeof(link_event_names) / sizeof(link_event_names[0]))
			sb_printf(&sb, "event %d ", (int32_t)v);
		else if (v)
			sb_printf(&sb, "event %s ", link_event_names[v]);
	}

	put_link_line(&sb, ifi, &la);
	put_netns_words(&sb, &la);
	if (attr_u8(la.tb[IFLA_PROTO_DOWN], &u8) && u8)
		sb_puts(&sb, " protodown on ");
	put_altnames(&sb, la.tb[IFLA_PROP_LIST]);
	sb_puts(&sb, "\n");
	return sb.pos > (size_t)INT32_MAX ? INT32_MAX : (int)sb.pos;
}

/**
 * ipmon_format_link - one link message as `ip monitor link` prints it
 *
 * ipmon_format_link_lookup() without peer flags: ",M-DOWN" never appears.
 * Context: any.
 */
int ipmon_format_link(const struct nlmsghdr *nlh, char *buf, size_t len,
		      const char *(*name_of)(void *data, int ifindex), void *data)
{
	return ipmon_format_link_lookup(nlh, buf, len, name_of, NULL, data);
}

/**
 * ipmon_format_timestamp - the "[SECONDS.MICROSECONDS] " prefix of `ip -ts`
 * @ns: virtual time in nanoseconds; microseconds are truncated, not rounded
 *
 * Returns the length like snprintf. Context: any.
 */
int ipmon_format_timestamp(int64_t ns, char *buf, size_t len)
{
	uint64_t a = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;

	return snprintf(buf, len, "[%s%llu.%06llu] ", ns < 0 ? "-" : "",
			(unsigned long long)(a / 1000000000u),
			(unsigned long long)(a % 1000000000u / 1000u));
}

/* ---- the listener's ifindex cache (iproute2 lib/ll_map.c) ---- */

/* One known interface. As in iproute2 6.1, the name is the one the ifindex
 * had when first seen: ll_entry_update() refreshes flags on a rename but
 * keeps the old name text, so a peer renamed v1 -> v1r still prints as
 * "v0@v1" (captured from a real `ip monitor`, see the golden fixture). */
struct ipmon_entry {
	int ifindex;
	unsigned int flags;
	char name[IFNAMSIZ];
};

/* Entries sorted by ifindex: binary search, O(n) insert and delete, which
 * is fine for the few hundred devices a scenario creates. */
struct ipmon_cache {
	struct ipmon_entry *v;
	size_t n, cap;
};

/**
 * ipmon_cache_create - an empty ifindex cache. NULL on allocation failure.
 */
struct ipmon_cache *ipmon_cache_create(void)
{
	return calloc(1, sizeof(struct ipmon_cache));
}

/**
 * ipmon_cache_destroy - free a cache (NULL is fine)
 */
void ipmon_cache_destroy(struct ipmon_cache *c)
{
	if (!c)
		return;
	free(c->v);
	free(c);
}

/* Index of @ifindex, or of where it would be inserted; *found says which. */
static size_t cache_find(const struct ipmon_cache *c, int ifindex, bool *found)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->v[mid].ifindex < ifindex)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < c->n && c->v[lo].ifindex == ifindex;
	return lo;
}

/**
 * ipmon_cache_update - learn from one link message, as ll_remember_index()
 * @c: the cache
 * @nlh: RTM_NEWLINK (adds, or refreshes the flags of, a named device) or
 *       RTM_DELLINK (forgets the device), any family
 *
 * Returns 0, -EINVAL for a message that is not a link message, -ENOMEM.
 */
int ipmon_cache_update(struct ipmon_cache *c, const struct nlmsghdr *nlh)
{
	const struct ifinfomsg *ifi;
	struct link_attrs la;
	const char *name;
	size_t i;
	bool found;

	ifi = link_parse(nlh, &la);
	if (!ifi)
		return -EINVAL;
	i = cache_find(c, ifi->ifi_index, &found);
	if (nlh->nlmsg_type == RTM_DELLINK) {
		if (found) {
			memmove(&c->v[i], &c->v[i + 1], (c->n - i - 1) * sizeof(*c->v));
			c->n--;
		}
		return 0;
	}
	name = attr_str(la.tb[IFLA_IFNAME]);
	if (!name)
		return 0;	/* iproute2 learns nothing without a name */
	if (found) {
		c->v[i].flags = ifi->ifi_flags;
		return 0;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		struct ipmon_entry *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	memmove(&c->v[i + 1], &c->v[i], (c->n - i) * sizeof(*c->v));
	c->n++;
	c->v[i].ifindex = ifi->ifi_index;
	c->v[i].flags = ifi->ifi_flags;
	snprintf(c->v[i].name, sizeof(c->v[i].name), "%s", name);
	return 0;
}

/**
 * ipmon_cache_name_of - ipmon_name_fn over a struct ipmon_cache (@data)
 */
const char *ipmon_cache_name_of(void *data, int ifindex)
{
	struct ipmon_cache *c = data;
	bool found;
	size_t i = cache_find(c, ifindex, &found);

	return found ? c->v[i].name : NULL;
}

/**
 * ipmon_cache_flags_of - ipmon_flags_fn over a struct ipmon_cache (@data)
 */
long ipmon_cache_flags_of(void *data, int ifindex)
{
	struct ipmon_cache *c = data;
	bool found;
	size_t i = cache_find(c, ifindex, &found);

	return found ? (long)c->v[i].flags : -1;
}

/**
 * ipmon_cache_format_link - what `ip monitor link` does with one message
 *
 * Updates @c from @nlh first (so a deleted device is already forgotten when
 * its own message prints), then formats @nlh against @c. Same returns as
 * ipmon_format_link_lookup(), or -ENOMEM.
 */
int ipmon_cache_format_link(struct ipmon_cache *c, const struct nlmsghdr *nlh,
			    char *buf, size_t len)
{
	int err = ipmon_cache_update(c, nlh);

	if (err < 0) {
		if (buf && len)
			buf[0] = '\0';
		return err;
	}
	return ipmon_format_link_lookup(nlh, buf, len, ipmon_cache_name_of,
					ipmon_cache_flags_of, c);
}
