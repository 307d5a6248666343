/* sim/ipmon.h - RTM_NEWLINK/RTM_DELLINK as `ip -ts monitor link` prints them.
 *
 * The text is what iproute2 6.1.0's `ip monitor link` prints (checked byte for
 * byte against a real kernel, tests/golden/ipmon/), with the wall-clock
 * timestamp replaced by virtual time.
 *
 * `ip monitor` resolves the ifindexes in IFLA_LINK and IFLA_MASTER through a
 * cache it fills with a link dump at start and updates from every link message
 * it receives, before printing that message. struct ipmon_cache is that
 * cache's twin; feed it the same messages (dump replies included) and format
 * with ipmon_cache_format_link() to get what the real tool would print.
 */
#ifndef NLSIM_SIM_IPMON_H
#define NLSIM_SIM_IPMON_H

#include <stddef.h>
#include <stdint.h>

struct nlmsghdr;

/* Name of @ifindex in the listener's namespace, or NULL if unknown. */
typedef const char *(*ipmon_name_fn)(void *data, int ifindex);
/* ifi_flags last seen for @ifindex, or -1 if unknown. */
typedef long (*ipmon_flags_fn)(void *data, int ifindex);

/* Format one link message without the timestamp prefix: two or more lines,
 * each ending in '\n'. name_of resolves IFLA_LINK and IFLA_MASTER. Returns
 * the length of the full text (like snprintf; output truncated to @len), 0 if
 * ip monitor would print nothing (invalid interface name), or -EINVAL for a
 * message that is not a link message. Never prints ",M-DOWN": that needs the
 * peer's flags, see ipmon_format_link_lookup(). */
int ipmon_format_link(const struct nlmsghdr *nlh, char *buf, size_t len,
		      const char *(*name_of)(void *data, int ifindex), void *data);
/* Same, with flags_of (may be NULL) for the ",M-DOWN" flag iproute2 prints
 * when the IFLA_LINK device (same namespace) is known and not IFF_UP. */
int ipmon_format_link_lookup(const struct nlmsghdr *nlh, char *buf, size_t len,
			     ipmon_name_fn name_of, ipmon_flags_fn flags_of,
			     void *data);

/* "[%lld.%06lld] " for virtual time @ns (microseconds, truncated), the
 * `ip -ts` prefix. Returns length like snprintf. */
int ipmon_format_timestamp(int64_t ns, char *buf, size_t len);

/* The listener's ifindex cache (iproute2's ll_map). */
struct ipmon_cache;

struct ipmon_cache *ipmon_cache_create(void);
void ipmon_cache_destroy(struct ipmon_cache *c);
/* Learn from one RTM_NEWLINK/RTM_DELLINK (any family); 0, -EINVAL, -ENOMEM. */
int ipmon_cache_update(struct ipmon_cache *c, const struct nlmsghdr *nlh);
/* Callbacks for ipmon_format_link*(); @data is the struct ipmon_cache. */
const char *ipmon_cache_name_of(void *data, int ifindex);
long ipmon_cache_flags_of(void *data, int ifindex);
/* What `ip monitor link` does per message: update the cache, then format. */
int ipmon_cache_format_link(struct ipmon_cache *c, const struct nlmsghdr *nlh,
			    char *buf, size_t len);

#endif /* NLSIM_SIM_IPMON_H */
