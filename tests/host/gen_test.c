/*
 * gen_test.c: the stackless generators of lib/coro/gen.h.
 *
 * Values out, values sent in, the final value (StopIteration), close and
 * its cleanup exactly once, delegation (yield from) in both directions, and
 * misuse reported by name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../lib/coro/gen.h"
#include "coro_testutil.h"

/* The course's arithmetic sequence: start, start + step, ... n terms;
 * returns the sum. */
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
		a->sum += a->start + a->i * a->step;
		GEN_YIELD(g, a->start + a->i * a->step);
	}
	GEN_END(g, a->sum);
}

static void test_yields_in_order_then_stops_with_a_final_value(void **state)
{
	(void)state;
	struct arith a = { .start = 3, .step = 4, .n = 4 };
	gen_init(&a.g, "arith", arith);
	assert_int_equal(gen_state(&a.g), GEN_CREATED);
	long want[] = { 3, 7, 11, 15 };
	for (int i = 0; i < 4; i++) {
		assert_int_equal(gen_next(&a.g), GEN_YIELDED);
		assert_int_equal(gen_value(&a.g), want[i]);
		assert_int_equal(gen_state(&a.g), GEN_SUSPENDED);
	}
	assert_int_equal(gen_next(&a.g), GEN_STOPPED);
	assert_int_equal(gen_result(&a.g), 36);
	assert_string_equal(gen_state_name[gen_state(&a.g)], "closed");
	assert_int_equal(gen_next(&a.g), GEN_STOPPED); /* and again, like StopIteration */
	assert_int_equal(gen_result(&a.g), 36);
}

/* Python's running averager: x = yield average. */
struct averager {
	struct gen g;
	long total, count;
};

static enum gen_event averager(struct gen *g)
{
	struct averager *av = (struct averager *)g;
	GEN_BEGIN(g);
	for (;;) {
		GEN_YIELD(g, av->count ? av->total / av->count : 0);
		if (gen_sent(g) < 0)
			break;
		av->total += gen_sent(g);
		av->count++;
	}
	GEN_END(g, av->count);
}

static void test_values_sent_in_arrive_at_the_yield(void **state)
{
	(void)state;
	struct averager av = { 0 };
	gen_init(&av.g, "averager", averager);
	assert_int_equal(gen_next(&av.g), GEN_YIELDED); /* prime it */
	assert_int_equal(gen_value(&av.g), 0);
	assert_int_equal(gen_send(&av.g, 10), GEN_YIELDED);
	assert_int_equal(gen_value(&av.g), 10);
	assert_int_equal(gen_send(&av.g, 20), GEN_YIELDED);
	assert_int_equal(gen_value(&av.g), 15);
	assert_int_equal(gen_send(&av.g, 60), GEN_YIELDED);
	assert_int_equal(gen_value(&av.g), 30);
	assert_int_equal(gen_send(&av.g, -1), GEN_STOPPED);
	assert_int_equal(gen_result(&av.g), 3);
}

/* The course's producer-consumer with send: the consumer is a generator
 * that receives each item; the producer is plain code that sends. */
struct consumer {
	struct gen g;
	char log[64];
	int closes;
};

static enum gen_event consumer(struct gen *g)
{
	struct consumer *c = (struct consumer *)g;
	GEN_BEGIN(g);
	for (;;) {
		GEN_YIELD(g, 0);
		size_t n = strlen(c->log);
		c->log[n] = (char)gen_sent(g);
		c->log[n + 1] = 0;
	}
	GEN_END(g, 0);
}

static void count_close(struct gen *g) { ((struct consumer *)g)->closes++; }

static void test_producer_sends_to_consumer_then_closes_it_once(void **state)
{
	(void)state;
	struct consumer c = { 0 };
	gen_init(&c.g, "consumer", consumer);
	c.g.on_close = count_close;
	gen_next(&c.g);
	for (const char *p = "items"; *p; p++)
		assert_int_equal(gen_send(&c.g, *p), GEN_YIELDED);
	assert_string_equal(c.log, "items");
	gen_close(&c.g);
	gen_close(&c.g);
	assert_int_equal(c.closes, 1);
	assert_int_equal(gen_state(&c.g), GEN_CLOSED);
	assert_int_equal(gen_send(&c.g, 'x'), GEN_STOPPED);
	assert_string_equal(c.log, "items");
}

static void test_closing_an_unstarted_generator_runs_no_cleanup(void **state)
{
	(void)state;
	struct consumer c = { 0 };
	gen_init(&c.g, "consumer", consumer);
	c.g.on_close = count_close;
	gen_close(&c.g);
	assert_int_equal(c.closes, 0);
	assert_int_equal(gen_next(&c.g), GEN_STOPPED);
}

/* yield from: the outer generator yields 'a', then everything the inner
 * one yields, then the inner's result + 1. */
struct outer {
	struct gen g;
	struct averager inner;
};

static enum gen_event outer(struct gen *g)
{
	struct outer *o = (struct outer *)g;
	GEN_BEGIN(g);
	GEN_YIELD(g, 'a');
	gen_init(&o->inner.g, "inner", averager);
	GEN_YIELD_FROM(g, &o->inner.g);
	GEN_YIELD(g, gen_result(&o->inner.g) + 100);
	GEN_END(g, -7);
}

static void test_yield_from_passes_values_both_ways_and_returns_the_result(void **state)
{
	(void)state;
	struct outer o = { 0 };
	gen_init(&o.g, "outer", outer);
	assert_int_equal(gen_next(&o.g), GEN_YIELDED);
	assert_int_equal(gen_value(&o.g), 'a');
	assert_int_equal(gen_next(&o.g), GEN_YIELDED); /* the inner's first (primed) yield */
	assert_int_equal(gen_value(&o.g), 0);
	assert_ptr_equal(o.g.sub, &o.inner.g);
	assert_int_equal(gen_send(&o.g, 4), GEN_YIELDED); /* goes through to the inner */
	assert_int_equal(gen_value(&o.g), 4);
	assert_int_equal(gen_send(&o.g, 8), GEN_YIELDED);
	assert_int_equal(gen_value(&o.g), 6);
	assert_int_equal(gen_send(&o.g, -1), GEN_YIELDED); /* inner stops with 2 */
	assert_int_equal(gen_value(&o.g), 102);
	assert_null(o.g.sub);
	assert_int_equal(gen_next(&o.g), GEN_STOPPED);
	assert_int_equal(gen_result(&o.g), -7);
}

struct closer {
	struct gen g;
	struct consumer inner;
	int closes;
};

static enum gen_event closer(struct gen *g)
{
	struct closer *c = (struct closer *)g;
	GEN_BEGIN(g);
	gen_init(&c->inner.g, "inner-consumer", consumer);
	c->inner.g.on_close = count_close;
	GEN_YIELD_FROM(g, &c->inner.g);
	GEN_END(g, 0);
}

static void count_outer_close(struct gen *g) { ((struct closer *)g)->closes++; }

static void test_close_reaches_the_delegate_first(void **state)
{
	(void)state;
	struct closer c = { 0 };
	gen_init(&c.g, "closer", closer);
	c.g.on_close = count_outer_close;
	gen_next(&c.g);
	gen_send(&c.g, 'z');
	assert_string_equal(c.inner.log, "z");
	gen_close(&c.g);
	assert_int_equal(c.inner.closes, 1);
	assert_int_equal(c.closes, 1);
	assert_int_equal(gen_state(&c.inner.g), GEN_CLOSED);
}

static struct gen selfish;
static enum gen_event resumes_itself(struct gen *g)
{
	GEN_BEGIN(g);
	gen_next(g);
	GEN_END(g, 0);
}

static void run_selfish(void)
{
	gen_init(&selfish, "selfish", resumes_itself);
	gen_next(&selfish);
}

static void early_send(void)
{
	struct averager av = { 0 };
	gen_init(&av.g, "early", averager);
	gen_send(&av.g, 5);
}

static void test_misuse_is_reported_by_name(void **state)
{
	(void)state;
	char err[1024];
	int st = coro_death_test(run_selfish, err, sizeof err);
	assert_true(CORO_DIED_OF_ABORT(st));
	assert_non_null(strstr(err, "gen: resumed while already running (generator 'selfish')"));
	st = coro_death_test(early_send, err, sizeof err);
	assert_true(CORO_DIED_OF_ABORT(st));
	assert_non_null(strstr(err, "sent to a generator that has not started (generator 'early')"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yields_in_order_then_stops_with_a_final_value),
		cmocka_unit_test(test_values_sent_in_arrive_at_the_yield),
		cmocka_unit_test(test_producer_sends_to_consumer_then_closes_it_once),
		cmocka_unit_test(test_closing_an_unstarted_generator_runs_no_cleanup),
		cmocka_unit_test(test_yield_from_passes_values_both_ways_and_returns_the_result),
		cmocka_unit_test(test_close_reaches_the_delegate_first),
		cmocka_unit_test(test_misuse_is_reported_by_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
