/* tests/realkernel/nlcapinfo.c - one line per link message of an nlcap file.
 *
 * A standalone helper for tests/realkernel.sh (not part of libnlsim, not
 * built by the GNUmakefile: the script compiles it). Reads a file written by
 * tests/realkernel_capture.c (records of u32 little-endian length + one
 * netlink message) and prints, for every RTM_NEWLINK / RTM_DELLINK:
 *
 *     TYPE FAMILY IFINDEX NAME CHANGE EVENT
 *
 *   TYPE    NEWLINK or DELLINK
 *   FAMILY  ifi_family (0 = AF_UNSPEC, 7 = AF_BRIDGE)
 *   CHANGE  ifi_change in hex
 *   EVENT   IFLA_EVENT, or - when absent
 *   NAME    IFLA_IFNAME, or - when absent
 *
 * `ip monitor link` prints the same messages in the same order, so the test
 * pairs the two line by line and learns what the text does not show
 * (ifi_change: a notification that only reports a promiscuity change).
 *
 * Build: gcc -std=gnu11 -O2 -Wall -Wextra -o nlcapinfo tests/realkernel/nlcapinfo.c
 */
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#ifndef IFLA_EVENT
#define IFLA_EVENT 44
#endif

int main(int argc, char **argv)
{
	static unsigned char msg[1 << 20] __attribute__((aligned(4)));
	unsigned char le[4];
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE.nlcap\n", argv[0]);
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	while (fread(le, 1, 4, f) == 4) {
		uint32_t len = le[0] | le[1] << 8 | le[2] << 16 | (uint32_t)le[3] << 24;
		const struct nlmsghdr *nlh = (const void *)msg;
		const struct ifinfomsg *ifi;
		const struct rtattr *rta;
		char name[IFNAMSIZ + 1] = "-", event[16] = "-";
		int left;

		if (len > sizeof(msg) || fread(msg, 1, len, f) != len) {
			fprintf(stderr, "%s: truncated record\n", argv[1]);
			return 1;
		}
		if (len < NLMSG_LENGTH(sizeof(*ifi)) ||
		    (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK))
			continue;
		ifi = NLMSG_DATA(nlh);
		left = (int)len - (int)NLMSG_LENGTH(sizeof(*ifi));
		for (rta = IFLA_RTA(ifi); RTA_OK(rta, left); rta = RTA_NEXT(rta, left)) {
			if (rta->rta_type == IFLA_IFNAME) {
				size_t n = RTA_PAYLOAD(rta) < IFNAMSIZ ? RTA_PAYLOAD(rta) : IFNAMSIZ;

				memcpy(name, RTA_DATA(rta), n);
				name[n] = 0;
			} else if (rta->rta_type == IFLA_EVENT && RTA_PAYLOAD(rta) >= 4) {
				uint32_t ev;

				memcpy(&ev, RTA_DATA(rta), 4);
				snprintf(event, sizeof(event), "%u", ev);
			}
		}
		printf("%s %u %d %s 0x%x %s\n",
		       nlh->nlmsg_type == RTM_NEWLINK ? "NEWLINK" : "DELLINK",
		       ifi->ifi_family, ifi->ifi_index, name[0] ? name : "-",
		       ifi->ifi_change, event);
	}
	fclose(f);
	return 0;
}
