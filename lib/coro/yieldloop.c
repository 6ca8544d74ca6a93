/*
 * yieldloop.c: the round-robin queue of generators (yieldloop.h).
 *
 * Invariant: a generator is in the queue exactly when it is CREATED or
 * SUSPENDED and was added; yl_step takes it out before resuming it, so a
 * generator that adds another (a spawn) can never meet itself in the queue.
 */
#include "yieldloop.h"

#include <stddef.h>

void yl_init(struct yieldloop *loop) { *loop = (struct yieldloop){ 0 }; }

void yl_add(struct yieldloop *loop, struct gen *g)
{
	g->next = NULL;
	if (loop->tail)
		loop->tail->next = g;
	else
		loop->head = g;
	loop->tail = g;
}

bool yl_step(struct yieldloop *loop)
{
	struct gen *g = loop->head;
	if (!g)
		return false;
	loop->head = g->next;
	if (!loop->head)
		loop->tail = NULL;
	loop->steps++;
	if (gen_next(g) == GEN_YIELDED)
		yl_add(loop, g);
	return true;
}

unsigned long yl_run(struct yieldloop *loop)
{
	unsigned long before = loop->steps;
	while (yl_step(loop))
		;
	return loop->steps - before;
}
