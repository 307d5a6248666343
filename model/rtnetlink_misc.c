/* model/rtnetlink_misc.c - rtnetlink message types other than links.
 *
 * The kernel registers handlers for addresses, routes, rules, neighbours,
 * qdiscs and more (rtnl_register in many files). Clients such as Open
 * vSwitch send some of them; each one the model answers is listed here with
 * the kernel function it stands for. Unknown types get -EOPNOTSUPP from the
 * dispatcher, as in the kernel.
 */
#include "model/rtnetlink.h"

const struct rtnl_link_handler *rtnl_misc_handler(int msgtype)
{
	(void)msgtype;
	return NULL;
}
