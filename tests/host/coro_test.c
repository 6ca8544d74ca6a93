/*
 * coro_test.c: the stackful coroutines of lib/coro/coro.h.
 *
 * Order of resumes, values both ways, return values, states, nesting, the
 * floating-point control shared by a thread's coroutines, misuse and overflow reported by name
 * (in child processes), and pooled stacks reused. It runs on weft too, from
 * this file (tests/target/coro-suites.sh): the cases that need what the
 * board has not got (an FPU, a guard page, fork) say so and are skipped.
 */
#include <fenv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../lib/coro/coro.h"
#include "../../lib/coro/stack.h"
#include "coro_testutil.h"

#define STACK 65536 /* ASan's frames are large */
static char stack_a[STACK] __attribute__((aligned(16)));
static char stack_b[STACK] __attribute__((aligned(16)));
static char trace[64];

static void mark(char c)
{
	size_t n = strlen(trace);
	trace[n] = c;
	trace[n + 1] = 0;
}

/* Yields 1, 2, 3, each time adding what was sent in; returns the total. */
static void *adder(struct coro *self, void *first)
{
	intptr_t total = (intptr_t)first;
	for (intptr_t i = 1; i <= 3; i++)
		total += (intptr_t)coro_yield(self, (void *)i);
	return (void *)total;
}

static void test_values_both_ways_and_the_return_value(void **state)
{
	(void)state;
	struct coro co;
	coro_create(&co, "adder", adder, NULL, stack_a, STACK);
	assert_int_equal(coro_status(&co), CORO_SUSPENDED);
	assert_int_equal((intptr_t)coro_resume(&co, (void *)100), 1);
	assert_int_equal((intptr_t)coro_resume(&co, (void *)10), 2);
	assert_int_equal((intptr_t)coro_resume(&co, (void *)20), 3);
	assert_int_equal(coro_status(&co), CORO_SUSPENDED);
	assert_null(coro_result(&co));
	assert_int_equal((intptr_t)coro_resume(&co, (void *)30), 160);
	assert_int_equal(coro_status(&co), CORO_DEAD);
	assert_int_equal((intptr_t)coro_result(&co), 160);
	assert_string_equal(coro_status_name[coro_status(&co)], "dead");
	coro_release(&co);
}

static void *marker(struct coro *self, void *first)
{
	const char *letters = first;
	for (; *letters; letters++) {
		mark(*letters);
		coro_yield(self, NULL);
	}
	return NULL;
}

static void test_two_coroutines_run_in_the_order_resumed(void **state)
{
	(void)state;
	struct coro a, b;
	trace[0] = 0;
	coro_create(&a, "a", marker, NULL, stack_a, STACK);
	coro_create(&b, "b", marker, NULL, stack_b, STACK);
	coro_resume(&a, "ACE");
	coro_resume(&b, "BDF");
	coro_resume(&a, NULL);
	coro_resume(&b, NULL);
	coro_resume(&b, NULL);
	coro_resume(&a, NULL);
	assert_string_equal(trace, "ABCDFE");
	coro_release(&a);
	coro_release(&b);
}

static struct coro outer, inner;

static void *inner_fn(struct coro *self, void *first)
{
	(void)first;
	assert_int_equal(coro_status(&outer), CORO_RUNNING); /* it resumed us */
	assert_int_equal(coro_status(self), CORO_RUNNING);
	coro_yield(self, "in1");
	return "in-done";
}

static void *outer_fn(struct coro *self, void *first)
{
	(void)first;
	const char *a = coro_resume(&inner, NULL);
	coro_yield(self, (void *)a);
	const char *b = coro_resume(&inner, NULL);
	return (void *)b;
}

static void test_a_coroutine_resumes_another_and_stays_running(void **state)
{
	(void)state;
	coro_create(&outer, "outer", outer_fn, NULL, stack_a, STACK);
	coro_create(&inner, "inner", inner_fn, NULL, stack_b, STACK);
	assert_string_equal(coro_resume(&outer, NULL), "in1");
	assert_int_equal(coro_status(&inner), CORO_SUSPENDED);
	assert_string_equal(coro_resume(&outer, NULL), "in-done");
	assert_int_equal(coro_status(&inner), CORO_DEAD);
	assert_int_equal(coro_status(&outer), CORO_DEAD);
	coro_release(&outer);
	coro_release(&inner);
}

/* The most direct test of a switch (FreeRTOS's register tests): values
 * live across the switch on both sides, more of them than there are
 * callee-saved registers, integer and floating-point, so the compiler keeps
 * them in rbx/r12-r15 or x19-x28 and d8-d15, and the other side fills the
 * same registers with its own. Any register the switch forgot comes back
 * holding the other side's value. */
static volatile long seed_int[10] = {3, 5, 7, 11, 13, 17, 19, 23, 29, 31};
static volatile double seed_fp[8] = {0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5};

/* Every value is read from a volatile before the switch and again after it:
 * the compiler can neither recompute one from another nor skip keeping it. */
__attribute__((noinline)) static int survives(void *(*sw)(struct coro *, void *),
					      struct coro *co, long k)
{
	long i0 = seed_int[0] * k, i1 = seed_int[1] * k, i2 = seed_int[2] * k;
	long i3 = seed_int[3] * k, i4 = seed_int[4] * k, i5 = seed_int[5] * k;
	long i6 = seed_int[6] * k, i7 = seed_int[7] * k, i8 = seed_int[8] * k;
	long i9 = seed_int[9] * k;
	double d0 = seed_fp[0] * k, d1 = seed_fp[1] * k, d2 = seed_fp[2] * k;
	double d3 = seed_fp[3] * k, d4 = seed_fp[4] * k, d5 = seed_fp[5] * k;
	double d6 = seed_fp[6] * k, d7 = seed_fp[7] * k;
	sw(co, NULL);
	return i0 == seed_int[0] * k && i1 == seed_int[1] * k && i2 == seed_int[2] * k &&
	       i3 == seed_int[3] * k && i4 == seed_int[4] * k && i5 == seed_int[5] * k &&
	       i6 == seed_int[6] * k && i7 == seed_int[7] * k && i8 == seed_int[8] * k &&
	       i9 == seed_int[9] * k && d0 == seed_fp[0] * k && d1 == seed_fp[1] * k &&
	       d2 == seed_fp[2] * k && d3 == seed_fp[3] * k && d4 == seed_fp[4] * k &&
	       d5 == seed_fp[5] * k && d6 == seed_fp[6] * k && d7 == seed_fp[7] * k;
}

static void *keeps_registers(struct coro *self, void *first)
{
	(void)first;
	intptr_t ok = 1;
	for (long k = 1000; k < 1004; k++)
		ok &= survives(coro_yield, self, k);
	return (void *)ok;
}

static void test_callee_saved_registers_survive_each_switch(void **state)
{
	(void)state;
	struct coro co;
	coro_create(&co, "registers", keeps_registers, NULL, stack_a, STACK);
	for (long k = 2000; k < 2004; k++)
		assert_true(survives(coro_resume, &co, k));
	assert_int_equal((intptr_t)coro_resume(&co, NULL), 1);
	assert_int_equal(coro_status(&co), CORO_DEAD);
	coro_release(&co);
}

#ifdef CORO_ON_WEFT
/* A Cortex-M3 has no floating-point unit, so no rounding mode to keep. */
static void test_a_coroutine_runs_in_its_threads_rounding_mode(void **state)
{
	(void)state;
	skip_because("a Cortex-M3 has no floating-point unit: no rounding mode to keep");
}

static void test_a_coroutine_that_puts_the_mode_back_may_change_it(void **state)
{
	(void)state;
	skip_because("a Cortex-M3 has no floating-point unit: no rounding mode to keep");
}

static void test_a_coroutine_that_leaves_its_mode_behind_is_named(void **state)
{
	(void)state;
	skip_because("a Cortex-M3 has no floating-point unit: no rounding mode to keep");
}
#else
/* The floating-point control (rounding mode, exception masks: MXCSR and
 * the x87 control word on x86-64, FPCR on AArch64) is the thread's, shared
 * by its coroutines (switch_x86_64.S says why): a new coroutine runs in
 * its resumer's mode, and one that changes the mode puts it back before it
 * yields or returns. */
/* coro_gdb_test.sh takes its backtraces in here. */
static void *reads_the_mode(struct coro *self, void *first)
{
	(void)first;
	coro_yield(self, (void *)(intptr_t)fegetround());
	return (void *)(intptr_t)fegetround();
}

static void test_a_coroutine_runs_in_its_threads_rounding_mode(void **state)
{
	(void)state;
	struct coro co;
	coro_create(&co, "reader", reads_the_mode, NULL, stack_a, STACK);
	fesetround(FE_DOWNWARD);
	assert_int_equal((intptr_t)coro_resume(&co, NULL), FE_DOWNWARD);
	fesetround(FE_UPWARD);
	assert_int_equal((intptr_t)coro_resume(&co, NULL), FE_UPWARD);
	fesetround(FE_TONEAREST);
	coro_release(&co);
}

/* Sets a mode for its own work and puts the caller's back before yielding. */
static void *polite_rounder(struct coro *self, void *first)
{
	(void)first;
	int mode = fegetround();
	fesetround(FE_UPWARD);
	volatile double x = 1.0, y = 3.0;
	double third = x / y;
	fesetround(mode);
	coro_yield(self, NULL);
	return (void *)(intptr_t)(third > 0.3333333333333333);
}

static void test_a_coroutine_that_puts_the_mode_back_may_change_it(void **state)
{
	(void)state;
	struct coro co;
	coro_create(&co, "polite", polite_rounder, NULL, stack_a, STACK);
	fesetround(FE_TONEAREST);
	coro_resume(&co, NULL);
	assert_int_equal(fegetround(), FE_TONEAREST);
	assert_int_equal((intptr_t)coro_resume(&co, NULL), 1); /* 1/3 rounded up */
	coro_release(&co);
}

/* Breaks the rule. */
static void *rounder(struct coro *self, void *first)
{
	(void)first;
	fesetround(FE_UPWARD);
	coro_yield(self, NULL);
	return (void *)(intptr_t)fegetround();
}

static void expect_death(void (*fn)(void), const char *message);

static void leaves_its_mode_behind(void)
{
	struct coro co;
	coro_create(&co, "rounder", rounder, NULL, stack_a, STACK);
	coro_resume(&co, NULL);
}

static void test_a_coroutine_that_leaves_its_mode_behind_is_named(void **state)
{
	(void)state;
	if (!coro_checks_fpenv) {
		skip(); /* checked in the sanitizer builds only: it costs a switch's time */
		return;
	}
	expect_death(leaves_its_mode_behind,
		     "coro: floating-point control (rounding mode or exception masks) changed and "
		     "not put back by coroutine 'rounder'");
}
#endif

static void *returns_at_once(struct coro *self, void *first)
{
	(void)self;
	return first;
}

static void resume_dead(void)
{
	struct coro co;
	coro_create(&co, "finished", returns_at_once, NULL, stack_a, STACK);
	coro_resume(&co, NULL);
	coro_resume(&co, NULL);
}

static void *resumes_itself(struct coro *self, void *first)
{
	(void)first;
	coro_resume(self, NULL);
	return NULL;
}

static void resume_running(void)
{
	struct coro co;
	coro_create(&co, "selfish", resumes_itself, NULL, stack_a, STACK);
	coro_resume(&co, NULL);
}

static void *smashes_its_canary(struct coro *self, void *first)
{
	(void)first;
	*self->canary = 0; /* what an overflow past the stack's end does */
	coro_yield(self, NULL);
	return NULL;
}

static void smash(void)
{
	struct coro co;
	coro_create(&co, "smasher", smashes_its_canary, NULL, stack_a, STACK);
	coro_resume(&co, NULL);
}

static void *smashes_then_returns(struct coro *self, void *first)
{
	(void)first;
	*self->canary = 0;
	return NULL;
}

static void smash_at_end(void)
{
	struct coro co;
	coro_create(&co, "quitter", smashes_then_returns, NULL, stack_a, STACK);
	coro_resume(&co, NULL);
}

static void expect_death(void (*fn)(void), const char *message)
{
	char err[4096];
	int status = coro_death_test(fn, err, sizeof err);
	if (!strstr(err, message))
		fail_msg("expected \"%s\" on stderr, got \"%s\"", message, err);
	assert_true(CORO_DIED_OF_ABORT(status));
}

static void test_misuse_is_reported_by_name(void **state)
{
	(void)state;
	expect_death(resume_dead, "coro: resume of the dead coroutine 'finished'");
	expect_death(resume_running, "coro: resume of the running coroutine 'selfish'");
}

static void test_a_smashed_canary_is_reported_at_yield_and_at_the_end(void **state)
{
	(void)state;
	expect_death(smash, "stack overflow (canary overwritten) in coroutine 'smasher'");
	expect_death(smash_at_end, "stack overflow (canary overwritten) in coroutine 'quitter'");
}

static volatile int limit = 1 << 30; /* far deeper than any stack: it never stops in time */

__attribute__((no_sanitize("address"))) static int recurse(volatile char *p, int depth)
{
	volatile char buf[512];
	buf[0] = (char)depth;
	buf[511] = *p;
	if (depth >= limit)
		return 0;
	return recurse(buf, depth + 1) + buf[0];
}

static void *deep(struct coro *self, void *first)
{
	(void)self;
	char c = 0;
	return (void *)(intptr_t)recurse(&c, (int)(intptr_t)first);
}

static void overflow_pooled(void)
{
	struct coro_pool *pool = coro_pool_create(16384, 1);
	struct coro co;
	if (coro_create_pooled(&co, pool, "deep-recursion", deep, NULL) != 0)
		return;
	coro_resume(&co, NULL);
}

static void test_a_pooled_stack_overflow_hits_the_guard_page_and_names_it(void **state)
{
	(void)state;
#ifdef CORO_ON_WEFT
	skip_because("no guard page under a coroutine stack on weft (lib/coro/stack_weft.c); the canary test is the detection there");
#endif
	expect_death(overflow_pooled, "coro: stack overflow in coroutine 'deep-recursion' (guard at 0x");
}

/* Not instrumented: with detect_stack_use_after_return, ASan would put the
 * array on its heap-allocated fake stack, and nothing would overflow. */
__attribute__((no_sanitize("address"))) static void *huge_frame(struct coro *self, void *first)
{
	(void)self;
	volatile char big[48 * 1024]; /* its first write lands 32 KiB below the 16 KiB stack */
	big[0] = (char)(intptr_t)first;
	return (void *)(intptr_t)big[0];
}

static void overflow_by_a_jump(void)
{
	struct coro_pool *pool = coro_pool_create(16384, 1);
	struct coro co;
	if (coro_create_pooled(&co, pool, "huge-frame", huge_frame, NULL) != 0)
		return;
	coro_resume(&co, NULL);
}

static void test_a_big_frame_lands_in_the_guard_and_is_named(void **state)
{
	(void)state;
#ifdef CORO_ON_WEFT
	skip_because("no guard page under a coroutine stack on weft (lib/coro/stack_weft.c); the canary test is the detection there");
#endif
	expect_death(overflow_by_a_jump, "coro: stack overflow in coroutine 'huge-frame' (guard at 0x");
}

#ifdef CORO_ON_WEFT
static void test_a_coroutine_that_forks_goes_on_in_both_processes(void **state)
{
	(void)state;
	skip_because("weft has no fork: a process is spawned from a program, not copied");
}
#else
/* fork() inside a coroutine: the child gets a copy of every stack, so both
 * processes carry on with their own copy of the same coroutine. */
static void *forks_then_adds(struct coro *self, void *first)
{
	(void)first;
	pid_t pid = fork();
	intptr_t got = (intptr_t)coro_yield(self, (void *)(intptr_t)pid);
	return (void *)(got + (pid == 0 ? 1000 : 0));
}

static void test_a_coroutine_that_forks_goes_on_in_both_processes(void **state)
{
	(void)state;
	struct coro_pool *pool = coro_pool_create(16384, 1);
	struct coro co;
	assert_int_equal(coro_create_pooled(&co, pool, "forker", forks_then_adds, NULL), 0);
	pid_t pid = (pid_t)(intptr_t)coro_resume(&co, NULL);
	if (pid == 0) { /* the child: its copy of the coroutine runs to its end */
		intptr_t r = (intptr_t)coro_resume(&co, (void *)7);
		_exit(r == 1007 && coro_status(&co) == CORO_DEAD ? 0 : 1);
	}
	assert_true(pid > 0);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal((intptr_t)coro_resume(&co, (void *)5), 5);
	coro_release(&co);
	coro_pool_destroy(pool);
}
#endif

static void test_pooled_stacks_are_reused(void **state)
{
	(void)state;
	struct coro_pool *pool = coro_pool_create(16384, 2);
	assert_non_null(pool);
	struct coro a, b, c;
	assert_int_equal(coro_create_pooled(&a, pool, "a", adder, NULL), 0);
	assert_int_equal(coro_create_pooled(&b, pool, "b", adder, NULL), 0);
	char *lo_a = a.stack_lo, *lo_b = b.stack_lo;
	assert_ptr_not_equal(lo_a, lo_b);
	coro_release(&a); /* abandoned while SUSPENDED, never resumed */
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(coro_create_pooled(&c, pool, "c", adder, NULL), 0);
		assert_ptr_equal(c.stack_lo, lo_a);
		assert_int_equal((intptr_t)coro_resume(&c, (void *)0), 1);
		coro_resume(&c, (void *)1);
		coro_resume(&c, (void *)2);
		assert_int_equal((intptr_t)coro_resume(&c, (void *)3), 6);
		coro_release(&c);
	}
	assert_int_equal((intptr_t)coro_resume(&b, (void *)5), 1);
	coro_release(&b);
	coro_pool_destroy(pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_both_ways_and_the_return_value),
		cmocka_unit_test(test_two_coroutines_run_in_the_order_resumed),
		cmocka_unit_test(test_a_coroutine_resumes_another_and_stays_running),
		cmocka_unit_test(test_callee_saved_registers_survive_each_switch),
		cmocka_unit_test(test_a_coroutine_runs_in_its_threads_rounding_mode),
		cmocka_unit_test(test_a_coroutine_that_puts_the_mode_back_may_change_it),
		cmocka_unit_test(test_a_coroutine_that_leaves_its_mode_behind_is_named),
		cmocka_unit_test(test_misuse_is_reported_by_name),
		cmocka_unit_test(test_a_smashed_canary_is_reported_at_yield_and_at_the_end),
		cmocka_unit_test(test_a_pooled_stack_overflow_hits_the_guard_page_and_names_it),
		cmocka_unit_test(test_a_big_frame_lands_in_the_guard_and_is_named),
		cmocka_unit_test(test_pooled_stacks_are_reused),
		cmocka_unit_test(test_a_coroutine_that_forks_goes_on_in_both_processes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
