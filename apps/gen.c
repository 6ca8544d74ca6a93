/*
 * gen.c: `gen`, the course's generators: an arithmetic sequence, two of them
 * round-robin in the YieldLoop, and producer-consumer with send.
 *
 * Course idea (chapters 7 and 8): a generator is a function that hands out
 * values one at a time and keeps its place in between. These are the
 * stackless kind (lib/coro/gen.h): the whole state of each one is the small
 * struct you see, so thousands fit where one thread's stack would.
 *
 * Read next: lib/coro/gen.h (its traps first), lib/coro/yieldloop.h.
 */
#include <stdio.h>

#include "../lib/coro/gen.h"
#include "../lib/coro/yieldloop.h"
#include "weft.h"

PROG_ABOUT("", "generators: an arithmetic sequence, two in a YieldLoop, producer-consumer by send");

/* arith(start, step, n): start, start + step, ...; returns the sum. */
struct arith {
	struct gen g;
	long start, step, n;
	long i, sum;
};

static enum gen_event arith(struct gen *g)
{
	struct arith *a = (struct arith *)g;
	GEN_BEGIN(g);
	for (a->i = 0, a->sum = 0; a->i < a->n; a->i++) {
		long v = a->start + a->i * a->step;
		a->sum += v;
		printf(" %s%ld", g->name, v);
		GEN_YIELD(g, v);
	}
	GEN_END(g, a->sum);
}

/* The consumer: each value sent in is an item; it yields how many so far. */
struct consumer {
	struct gen g;
	long count;
};

static enum gen_event consumer(struct gen *g)
{
	struct consumer *c = (struct consumer *)g;
	GEN_BEGIN(g);
	for (;;) {
		GEN_YIELD(g, c->count);
		printf("  consumer: got item %ld\n", (long)gen_sent(g));
		c->count++;
	}
	GEN_END(g, c->count);
}

static void consumer_closed(struct gen *g)
{
	printf("  consumer: closed after %ld items\n", ((struct consumer *)g)->count);
}

int main(void)
{
	struct arith a = { .start = 1, .step = 3, .n = 5 };
	gen_init(&a.g, "", arith);
	printf("arithmetic sequence (1, step 3, 5 terms):");
	while (gen_next(&a.g) == GEN_YIELDED)
		;
	printf("\nStopIteration: sum %ld\n", (long)gen_result(&a.g));

	struct arith x = { .start = 1, .step = 1, .n = 3 }, y = { .start = 10, .step = 10, .n = 4 };
	gen_init(&x.g, "x", arith);
	gen_init(&y.g, "y", arith);
	struct yieldloop loop;
	yl_init(&loop);
	yl_add(&loop, &x.g);
	yl_add(&loop, &y.g);
	printf("YieldLoop round-robin:");
	yl_run(&loop);
	printf("\nYieldLoop: %lu resumes, sums %ld and %ld\n", loop.steps, (long)gen_result(&x.g),
	       (long)gen_result(&y.g));

	struct consumer c = { 0 };
	gen_init(&c.g, "consumer", consumer);
	c.g.on_close = consumer_closed;
	printf("producer-consumer with send:\n");
	gen_next(&c.g); /* prime it: run to its first yield */
	for (long item = 100; item < 103; item++) {
		printf("  producer: send %ld\n", item);
		gen_send(&c.g, item);
	}
	gen_close(&c.g);
	printf("gen: done\n");
	return 0;
}
