/* sim/heap.h - intrusive binary min-heap of events, keyed by (when, seq).
 *
 * The engine's pending-event queue. The heap is an array of pointers to
 * struct sim_event; each event remembers its own position (heap_index), so
 * removal and rescheduling cost O(log n) without searching. Positions are
 * 1-based (slot[0] is unused) because heap_index 0 means "not pending": that
 * also gives the classic parent = i / 2, children = 2i, 2i + 1.
 *
 * Order is total: earlier time first, and on equal times the smaller
 * insertion sequence. seq is unique per engine, so no two keys compare
 * equal and the pop order never depends on addresses or on the heap's
 * internal layout.
 *
 * Everything is static inline: only sim/engine.c includes this.
 */
#ifndef NLSIM_SIM_HEAP_H
#define NLSIM_SIM_HEAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "engine.h"

struct sim_heap {
	struct sim_event **slot;	/* slot[1..n]; slot[0] unused */
	uint32_t n;			/* events in the heap */
	uint32_t cap;			/* slots allocated, including slot[0] */
};

/* sim_heap_before - does @a run before @b? */
static inline bool sim_heap_before(const struct sim_event *a,
				   const struct sim_event *b)
{
	if (a->when != b->when)
		return a->when < b->when;
	return a->seq < b->seq;
}

static inline void sim_heap_init(struct sim_heap *h)
{
	h->slot = NULL;
	h->n = 0;
	h->cap = 0;
}

/* sim_heap_fini - free the array. Events still in it are not touched: their
 * owners may already be gone. */
static inline void sim_heap_fini(struct sim_heap *h)
{
	free(h->slot);
	sim_heap_init(h);
}

static inline struct sim_event *sim_heap_min(const struct sim_heap *h)
{
	return h->n ? h->slot[1] : NULL;
}

static inline void sim_heap_set(struct sim_heap *h, uint32_t i,
				struct sim_event *ev)
{
	h->slot[i] = ev;
	ev->heap_index = i;
}

/* sim_heap_up - move @ev up from hole @i until its parent runs before it. */
static inline void sim_heap_up(struct sim_heap *h, uint32_t i,
			       struct sim_event *ev)
{
	while (i > 1) {
		struct sim_event *p = h->slot[i / 2];

		if (!sim_heap_before(ev, p))
			break;
		sim_heap_set(h, i, p);
		i /= 2;
	}
	sim_heap_set(h, i, ev);
}

/* sim_heap_down - move @ev down from hole @i until both children run after
 * it. */
static inline void sim_heap_down(struct sim_heap *h, uint32_t i,
				 struct sim_event *ev)
{
	uint32_t n = h->n;

	for (;;) {
		uint32_t c = 2 * i;
		struct sim_event *ce;

		if (c > n)
			break;
		ce = h->slot[c];
		if (c < n && sim_heap_before(h->slot[c + 1], ce))
			ce = h->slot[++c];
		if (!sim_heap_before(ce, ev))
			break;
		sim_heap_set(h, i, ce);
		i = c;
	}
	sim_heap_set(h, i, ev);
}

/* sim_heap_grow - make room for one more event. Doubling keeps insertion
 * amortised O(1) in allocations; the array never shrinks. Returns false when
 * out of memory. */
static inline bool sim_heap_grow(struct sim_heap *h)
{
	uint32_t cap = h->cap ? h->cap * 2 : 64;
	struct sim_event **slot;

	if (cap <= h->cap)	/* 2^31 slots: heap_index would overflow */
		return false;
	slot = realloc(h->slot, (size_t)cap * sizeof(*slot));
	if (!slot)
		return false;
	h->slot = slot;
	h->cap = cap;
	return true;
}

/* sim_heap_insert - add @ev, which must not be in the heap. O(log n).
 * Returns false when out of memory (the heap is unchanged). */
static inline bool sim_heap_insert(struct sim_heap *h, struct sim_event *ev)
{
	if (h->n + 1 >= h->cap && !sim_heap_grow(h))
		return false;
	sim_heap_up(h, ++h->n, ev);
	return true;
}

/* sim_heap_remove - take @ev, which must be in the heap, out of it. The last
 * event fills the hole and moves up or down from there. O(log n). */
static inline void sim_heap_remove(struct sim_heap *h, struct sim_event *ev)
{
	uint32_t i = ev->heap_index;
	struct sim_event *last = h->slot[h->n--];

	ev->heap_index = 0;
	if (last == ev)
		return;
	if (i > 1 && sim_heap_before(last, h->slot[i / 2]))
		sim_heap_up(h, i, last);
	else
		sim_heap_down(h, i, last);
}

/* sim_heap_pop - take the first event out and return it, NULL if empty. */
static inline struct sim_event *sim_heap_pop(struct sim_heap *h)
{
	struct sim_event *ev = sim_heap_min(h);

	if (ev)
		sim_heap_remove(h, ev);
	return ev;
}

#endif /* NLSIM_SIM_HEAP_H */
