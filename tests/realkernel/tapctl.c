/* tests/realkernel/tapctl.c - create a real tap device and drive its carrier.
 *
 * A standalone helper for tests/realkernel.sh (not part of libnlsim, not
 * built by the GNUmakefile: the script compiles it). It opens /dev/net/tun,
 * creates tap NAME with TUNSETIFF (IFF_TAP | IFF_NO_PI, plus IFF_NO_CARRIER
 * for carrier=off) and keeps the queue fd open while it runs, so the device
 * exists with a queue attached, as nlsim's `tap NAME` does. Closing the fd
 * (exit) removes a non-persistent device (RTM_DELLINK).
 *
 * Usage: tapctl NAME [carrier=on|off] [persist] [wait] [STEP...]
 *   STEP is MS:on, MS:off or MS:exit: at MS milliseconds after creation,
 *   TUNSETCARRIER 1/0 or exit. Without steps, tapctl reads commands from
 *   stdin, one a line: "on", "off" (TUNSETCARRIER), "exit"; end of input
 *   exits too. Every command is answered on stdout with "ok" or
 *   "error: ..." (flushed), so a driver can wait for it.
 *   "ready NAME" is printed on stdout once the device exists.
 *   persist: TUNSETPERSIST 1 (the device outlives the process; delete it
 *   with `ip link del NAME`).
 *   wait: print "waiting NAME" and create the device only when a line
 *   "create" arrives on stdin (a driver starts tapctl ahead of time, so the
 *   device appears at the scenario's time without a process start).
 * Run it in the namespace the device belongs in (ip netns exec NS tapctl ...).
 *
 * Build: gcc -std=gnu11 -O2 -Wall -Wextra -o tapctl tests/realkernel/tapctl.c
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/if_tun.h>

#ifndef IFF_NO_CARRIER
#define IFF_NO_CARRIER 0x0040
#endif
#ifndef TUNSETCARRIER
#define TUNSETCARRIER _IOW('T', 226, int)
#endif

static int tun_fd = -1;

static int set_carrier(int on)
{
	if (ioctl(tun_fd, TUNSETCARRIER, &on) < 0) {
		printf("error: TUNSETCARRIER %d: %s\n", on, strerror(errno));
		fflush(stdout);
		return -1;
	}
	printf("ok\n");
	fflush(stdout);
	return 0;
}

static void sleep_until(const struct timespec *t0, long ms)
{
	struct timespec t = *t0;

	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR)
		;
}

static int run_steps(int argc, char **argv, const struct timespec *t0)
{
	for (int i = 0; i < argc; i++) {
		char *colon = strchr(argv[i], ':'), *end;
		long ms = strtol(argv[i], &end, 10);

		if (!colon || end != colon || ms < 0) {
			fprintf(stderr, "tapctl: bad step '%s' (want MS:on|off|exit)\n", argv[i]);
			return 2;
		}
		sleep_until(t0, ms);
		if (!strcmp(colon + 1, "on"))
			set_carrier(1);
		else if (!strcmp(colon + 1, "off"))
			set_carrier(0);
		else if (!strcmp(colon + 1, "exit"))
			return 0;
		else {
			fprintf(stderr, "tapctl: bad step '%s' (want MS:on|off|exit)\n", argv[i]);
			return 2;
		}
	}
	return 0;
}

static int run_commands(void)
{
	char line[128];

	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!strcmp(line, "on"))
			set_carrier(1);
		else if (!strcmp(line, "off"))
			set_carrier(0);
		else if (!strcmp(line, "exit"))
			break;
		else if (line[0]) {
			printf("error: unknown command '%s' (on, off, exit)\n", line);
			fflush(stdout);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ifreq ifr;
	struct timespec t0;
	int persist = 0, wait = 0, first_step = 2;

	if (argc < 2 || strlen(argv[1]) >= IFNAMSIZ) {
		fprintf(stderr, "usage: %s NAME [carrier=on|off] [persist] [MS:on|off|exit ...]\n",
			argv[0]);
		return 2;
	}
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, argv[1], IFNAMSIZ - 1);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	for (; first_step < argc; first_step++) {
		if (!strcmp(argv[first_step], "carrier=off"))
			ifr.ifr_flags |= IFF_NO_CARRIER;
		else if (!strcmp(argv[first_step], "carrier=on"))
			;
		else if (!strcmp(argv[first_step], "persist"))
			persist = 1;
		else if (!strcmp(argv[first_step], "wait"))
			wait = 1;
		else
			break;
	}

	tun_fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (tun_fd < 0) {
		perror("tapctl: /dev/net/tun");
		return 1;
	}
	if (wait) {
		char line[64];

		printf("waiting %s\n", ifr.ifr_name);
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin) || strncmp(line, "create", 6)) {
			fprintf(stderr, "tapctl: expected 'create'\n");
			return 1;
		}
	}
	if (ioctl(tun_fd, TUNSETIFF, &ifr) < 0) {
		fprintf(stderr, "tapctl: TUNSETIFF %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (persist && ioctl(tun_fd, TUNSETPERSIST, 1) < 0) {
		fprintf(stderr, "tapctl: TUNSETPERSIST: %s\n", strerror(errno));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	printf("ready %s\n", ifr.ifr_name);
	fflush(stdout);

	int ret = first_step < argc ? run_steps(argc - first_step, argv + first_step, &t0)
				    : run_commands();
	close(tun_fd);
	return ret;
}
