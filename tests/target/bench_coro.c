/*
 * bench_coro.c: what a coroutine switch and a generator resume cost on the
 * board, in guest instructions.
 *
 * Course idea: a switch between coroutines is a function call; a switch
 * between threads is an exception, a scheduler decision and an exception
 * return (compare yield_switch from tests/target/bench.c). This image runs
 * lib/coro's Thumb-2 switch (lib/coro/switch_armv7m.S) in a kernel thread:
 * the instructions are the same ones a user program runs, since the switch
 * touches nothing privileged.
 *
 *   coro_switch       one switch, half of a resume + yield round trip, with
 *                     the call itself, the dead/running checks and the
 *                     canary check (overflow detection on)
 *   generator_resume  one gen_next() of a stackless generator (gen.h) that
 *                     yields a counter: the call, the state checks, the
 *                     switch on the resume line, the yield's return
 *   coro_create       a coroutine's whole life on a pooled stack, as
 *                     coro_create_linux measures it: coro_create_pooled
 *                     (a stack off the pool's free list, the first frame
 *                     built), one resume that runs it to its end, and
 *                     coro_release (the stack back on the list)
 *
 * Method: tests/target/bench.h (two run lengths, the difference, the empty
 * loop subtracted). Output: "bench: NAME VALUE instructions".
 * Image: build/bench-coro.elf, run by `make bench-coro-weft` (in make bench).
 */
#include <stdint.h>

#include "../../arch/arch.h"
#include "../../kernel/panic.h"
#include "../../kernel/thread.h"
#include "../../lib/coro/coro.h"
#include "../../lib/coro/gen.h"
#include "../../lib/coro/stack.h"
#include "bench.h"

#define BENCH_PRIO 6 /* as in bench.c: above the shell, below nothing that runs here */

static char stack[1024] __attribute__((aligned(8)));
static struct coro co;

static void *pingpong(struct coro *self, void *v)
{
	for (;;)
		v = coro_yield(self, v);
	return v;
}

static uint32_t run_empty(uint32_t n)
{
	uint32_t t0 = timer_now();
	for (uint32_t i = 0; i < n; i++)
		__asm volatile ("");
	return t0 - timer_now();
}

/* n round trips: 2n switches. */
static uint32_t run_switch(uint32_t n)
{
	uint32_t t0 = timer_now();
	for (uint32_t i = 0; i < n; i++)
		coro_resume(&co, (void *)i);
	return t0 - timer_now();
}

struct counter {
	struct gen g;
	intptr_t i;
};

static enum gen_event count(struct gen *g)
{
	struct counter *c = (struct counter *)g;
	GEN_BEGIN(g);
	for (;;)
		GEN_YIELD(g, c->i++);
	GEN_END(g, 0);
}

static struct counter counter;

static uint32_t run_gen(uint32_t n)
{
	uint32_t t0 = timer_now();
	for (uint32_t i = 0; i < n; i++)
		gen_next(&counter.g);
	return t0 - timer_now();
}

/* The pool's system half (stack.h), for a kernel image: one static stack,
 * handed out once; the pool keeps it on its free list from then on. The
 * pool's own small struct comes from newlib's calloc, once, before any
 * measurement: this image is the one kernel image that calls malloc
 * (linker/mps2-an385.ld provides its `end`). */
static char pooled[1024] __attribute__((aligned(8)));
static int pooled_out;
size_t coro_os_stack_round(size_t size) { return (size + 7) & ~(size_t)7; }
void *coro_os_stack_map(size_t size) { return size <= sizeof pooled && !pooled_out++ ? pooled : NULL; }
void coro_os_stack_unmap(void *lo, size_t size) { (void)lo, (void)size; pooled_out = 0; }
void coro_os_stack_name(void *lo, const char *name) { (void)lo, (void)name; }

static struct coro_pool *life_pool;

static void *returns(struct coro *self, void *first)
{
	(void)self;
	return first;
}

static uint32_t run_create(uint32_t n)
{
	struct coro c;
	uint32_t t0 = timer_now();
	for (uint32_t i = 0; i < n; i++) {
		coro_create_pooled(&c, life_pool, "life", returns, NULL);
		coro_resume(&c, NULL);
		coro_release(&c);
	}
	return t0 - timer_now();
}

static void *bench_main(void *arg)
{
	(void)arg;
	timer_start();
	thread_sleep(2); /* let boot-time console output finish */
	/* The coroutine's stack is not the thread's, and kernel_switch checks a
	 * kernel thread's stack pointer against its own stack: so no tick may
	 * preempt the coroutine. bench_per_op stops the tick for each run; the
	 * first resume is bracketed here. (A user process's coroutines need no
	 * such care: the kernel never checks a user stack pointer.) */
	coro_create(&co, "pingpong", pingpong, NULL, stack, sizeof stack);
	tick_stop();
	coro_resume(&co, NULL); /* started: every measured resume is a plain switch */
	tick_go();
	gen_init(&counter.g, "counter", count);

	int64_t loop = bench_per_op(run_empty, 1, 0);
	int64_t sw = bench_per_op(run_switch, 2, loop / 2); /* one loop pass per two switches */
	int64_t gen = bench_per_op(run_gen, 1, loop);
	life_pool = coro_pool_create(sizeof pooled, 1);
	int64_t create = life_pool ? bench_per_op(run_create, 1, loop) : 0;
	if (coro_status(&co) != CORO_SUSPENDED || counter.i != BENCH_N1 + BENCH_N2 || !life_pool
	    || pooled_out != 1)
		panic("bench-coro: the scenarios did not run as measured");

	kprintf("bench-coro: N1=%u N2=%u, empty loop pass %ld.%03ld instructions\n", BENCH_N1,
		BENCH_N2, (long)(loop / 1000), (long)(loop % 1000));
	bench_print("coro_switch", sw);
	bench_print("generator_resume", gen);
	bench_print("coro_create", create);
	arch_halt(EXIT_OK);
}

void app_start(void)
{
	if (thread_create("bench", bench_main, NULL, BENCH_PRIO) < 0)
		panic("bench-coro: cannot create the bench thread");
}
