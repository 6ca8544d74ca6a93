/*
 * yieldloop_test.c: the course's YieldLoop (chapter 8) and its two tests:
 * arithmetic sequences interleaved round-robin, and a producer and a
 * consumer sharing a bounded buffer without a lock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../lib/coro/yieldloop.h"

static char out[256];

static void emit(const char *fmt, long v)
{
	size_t n = strlen(out);
	snprintf(out + n, sizeof out - n, fmt, v);
}

struct arith {
	struct gen g;
	char tag;
	long value, step, n, i;
};

static enum gen_event arith(struct gen *g)
{
	struct arith *a = (struct arith *)g;
	GEN_BEGIN(g);
	for (a->i = 0; a->i < a->n; a->i++, a->value += a->step) {
		emit(a->tag == 'a' ? "a%ld " : "b%ld ", a->value);
		GEN_YIELD(g, a->value);
	}
	GEN_END(g, a->value);
}

static void test_arithmetic_sequences_interleave_round_robin(void **state)
{
	(void)state;
	out[0] = 0;
	struct arith a = { .tag = 'a', .value = 1, .step = 1, .n = 3 };
	struct arith b = { .tag = 'b', .value = 10, .step = 10, .n = 5 };
	gen_init(&a.g, "a", arith);
	gen_init(&b.g, "b", arith);
	struct yieldloop loop;
	yl_init(&loop);
	yl_add(&loop, &a.g);
	yl_add(&loop, &b.g);
	assert_int_equal(yl_run(&loop), 4 + 6); /* n yields plus the stopping resume each */
	assert_string_equal(out, "a1 b10 a2 b20 a3 b30 b40 b50 ");
	assert_int_equal(gen_result(&a.g), 4);
	assert_int_equal(gen_result(&b.g), 60);
	assert_false(yl_step(&loop));
}

/* Producer-consumer over a buffer of 2: each yields only when it must wait
 * (the consumer also pauses after every third item). */
struct buffer {
	long items[2];
	unsigned head, count;
};

struct producer {
	struct gen g;
	struct buffer *buf;
	long next, n;
};

struct consumer {
	struct gen g;
	struct buffer *buf;
	long got, want, sum;
};

static enum gen_event producer(struct gen *g)
{
	struct producer *p = (struct producer *)g;
	GEN_BEGIN(g);
	while (p->next < p->n) {
		while (p->buf->count == 2) {
			emit("P(full) ", 0);
			GEN_YIELD(g, 0);
		}
		p->buf->items[(p->buf->head + p->buf->count++) % 2] = p->next;
		emit("p%ld ", p->next++);
	}
	GEN_END(g, p->next);
}

static enum gen_event consumer(struct gen *g)
{
	struct consumer *c = (struct consumer *)g;
	GEN_BEGIN(g);
	while (c->got < c->want) {
		while (c->buf->count == 0) {
			emit("C(empty) ", 0);
			GEN_YIELD(g, 0);
		}
		long v = c->buf->items[c->buf->head];
		c->buf->head = (c->buf->head + 1) % 2;
		c->buf->count--;
		c->sum += v;
		c->got++;
		emit("c%ld ", v);
		if (c->got % 3 == 0)
			GEN_YIELD(g, 0); /* a slow consumer: a pause every third item */
	}
	GEN_END(g, c->sum);
}

static void test_producer_and_consumer_share_a_buffer_in_order(void **state)
{
	(void)state;
	out[0] = 0;
	struct buffer buf = { 0 };
	struct producer p = { .buf = &buf, .next = 0, .n = 6 };
	struct consumer c = { .buf = &buf, .want = 6 };
	gen_init(&p.g, "producer", producer);
	gen_init(&c.g, "consumer", consumer);
	struct yieldloop loop;
	yl_init(&loop);
	yl_add(&loop, &c.g); /* the consumer first: it finds the buffer empty */
	yl_add(&loop, &p.g);
	yl_run(&loop);
	assert_string_equal(out, "C(empty) p0 p1 P(full) c0 c1 C(empty) p2 p3 P(full) c2 p4 P(full) c3 c4 "
				 "C(empty) p5 c5 ");
	assert_int_equal(gen_result(&c.g), 0 + 1 + 2 + 3 + 4 + 5);
	assert_int_equal(gen_result(&p.g), 6);
	assert_int_equal(gen_state(&c.g), GEN_CLOSED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arithmetic_sequences_interleave_round_robin),
		cmocka_unit_test(test_producer_and_consumer_share_a_buffer_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
