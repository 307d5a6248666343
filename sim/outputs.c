/* sim/outputs.c - pcap and Chrome trace observers of a world.
 *
 * pcap: every message a socket's owner sent (user -> kernel) and every
 * message the kernel queued for a reader (kernel -> user), stamped with the
 * virtual time. Chrome trace (one track per task): RTNL holds as complete
 * slices, waits as async slices (they overlap), injected delays, link_watch
 * runs as instants, counters for each socket's receive-buffer charge and for
 * link_watch's queue length.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/kernel.h"
#include "sim/chrome_trace.h"
#include "sim/outputs.h"
#include "sim/pcap.h"

#define MAX_TRACKS 4096

struct outputs {
	struct pcap_writer *pcap;
	struct ctrace *ct;
	char *tracks[MAX_TRACKS];	/* task name per tid (tid = index + 1) */
	int ntracks;
	ktime_t hold_start[RTNL_CLASS_MAX];
	uint64_t next_async;
	uint64_t wait_id[MAX_TRACKS];
	ktime_t wait_start[MAX_TRACKS];
};

static int track_of(struct outputs *o, const char *who)
{
	const char *name = who ? who : "kernel";

	for (int i = 0; i < o->ntracks; i++)
		if (strcmp(o->tracks[i], name) == 0)
			return i + 1;
	if (o->ntracks == MAX_TRACKS)
		return MAX_TRACKS;
	o->tracks[o->ntracks] = strdup(name);
	ctrace_thread_name(o->ct, o->ntracks + 1, name);
	return ++o->ntracks;
}

static void observe(void *data, const struct kernel_event *ev)
{
	struct outputs *o = data;
	char name[64];
	int tid;

	if (o->pcap && (ev->type == KEV_NETLINK_TO_USER || ev->type == KEV_NETLINK_FROM_USER))
		pcap_writer_write(o->pcap, ev->now, ev->buf, ev->len, 0,
				  ev->type == KEV_NETLINK_TO_USER);
	if (!o->ct)
		return;
	switch (ev->type) {
	case KEV_RTNL_WAIT:
		tid = track_of(o, ev->who);
		o->wait_id[tid - 1] = ++o->next_async;
		o->wait_start[tid - 1] = ev->now;
		ctrace_async_begin(o->ct, o->wait_id[tid - 1], "rtnl wait", "rtnl", ev->now);
		break;
	case KEV_RTNL_ACQUIRE:
		tid = track_of(o, ev->who);
		if (ev->wait_ns > 0 && o->wait_id[tid - 1])
			ctrace_async_end(o->ct, o->wait_id[tid - 1], "rtnl wait", "rtnl", ev->now);
		o->wait_id[tid - 1] = 0;
		o->hold_start[ev->rtnl_class] = ev->now;
		break;
	case KEV_RTNL_RELEASE:
		tid = track_of(o, ev->who);
		snprintf(name, sizeof(name), "rtnl hold (%s)", rtnl_class_name(ev->rtnl_class));
		ctrace_complete(o->ct, tid, name, "rtnl", ev->now - ev->hold_ns, ev->hold_ns, NULL);
		break;
	case KEV_RTNL_DELAY:
		tid = track_of(o, ev->who);
		ctrace_complete(o->ct, tid, "injected rtnl_lock delay", "delay", ev->now,
				ev->wait_ns, NULL);
		break;
	case KEV_LINKWATCH_RUN:
		tid = track_of(o, ev->who);
		snprintf(name, sizeof(name), "{\"devices\":%ld,\"urgent_only\":%s}", ev->count,
			 ev->urgent_only ? "true" : "false");
		ctrace_instant(o->ct, tid, "linkwatch run", "linkwatch", ev->now, name);
		break;
	case KEV_LINKWATCH_QUEUE:
		ctrace_counter(o->ct, "linkwatch queue", ev->now, "devices", (double)ev->count);
		break;
	case KEV_SOCK_RMEM:
		snprintf(name, sizeof(name), "rmem port %u", ev->portid);
		ctrace_counter(o->ct, name, ev->now, "bytes", (double)ev->count);
		break;
	default:
		break;
	}
}

struct outputs *outputs_open(struct sim_world *w, const char *pcap_path,
			     const char *chrome_path)
{
	struct outputs *o;

	if (!pcap_path && !chrome_path)
		return NULL;
	o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	if (pcap_path && !(o->pcap = pcap_writer_open(pcap_path))) {
		fprintf(stderr, "nlsim: %s: %s\n", pcap_path, strerror(errno));
		goto out_free;
	}
	if (chrome_path) {
		o->ct = ctrace_open(chrome_path);
		if (!o->ct) {
			fprintf(stderr, "nlsim: %s: %s\n", chrome_path, strerror(errno));
			goto out_free;
		}
		ctrace_process_name(o->ct, "nlsim");
	}
	sim_world_observe(w, observe, o);
	return o;
out_free:
	if (o->pcap)
		pcap_writer_close(o->pcap);
	free(o);
	return NULL;
}

void outputs_close(struct outputs *o)
{
	if (!o)
		return;
	if (o->pcap)
		pcap_writer_close(o->pcap);
	if (o->ct)
		ctrace_close(o->ct);
	for (int i = 0; i < o->ntracks; i++)
		free(o->tracks[i]);
	free(o);
}
