/*
 * coro_bench.c: what a coroutine switch and a generator resume cost on
 * Linux, against swapcontext and boost.context's fcontext, measured in the
 * same run.
 *
 * Course idea: a switch is a function call. swapcontext also saves and
 * restores the signal mask, which is a system call each way; fcontext saves
 * what the ABI asks (like lib/coro) and nothing else; lib/coro adds its
 * dead/running checks and the canary check, on a pooled stack with a guard
 * page (overflow detection on).
 *
 * coro_create is a coroutine's whole life on a pooled stack (create, one
 * resume that runs it to its end, release), against make_fcontext plus one
 * jump there and back on a fixed stack.
 *
 * Method: every round measures each candidate once, back to back, so a busy
 * moment of the (shared) machine hits all of them alike; each ratio is taken
 * within a round, and the median over the rounds is printed with its spread
 * (max - min of that ratio over the rounds). A switch is one resume or one
 * yield (one jump for fcontext): each loop turn is a round trip, two
 * switches, and the time is divided by twice the turns. fcontext is linked
 * from the static library, as lib/coro is, so neither pays a PLT jump. The
 * ratio to a plain call is the figure least moved by the machine's load.
 * Each loop checks the values that crossed, so a switch that stopped
 * carrying them cannot pass for a fast one. Usage: coro-bench [ROUNDS].
 * Output: "bench: NAME VALUE UNIT" lines on stdout; progress on stderr.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <ucontext.h>

#include "../lib/coro/coro.h"
#include "../lib/coro/gen.h"
#include "../lib/coro/stack.h"

/* boost.context's C entry points (boost/context/detail/fcontext.hpp: they
 * are extern "C", so C can call them with these declarations). */
typedef void *fcontext_t;
typedef struct {
	fcontext_t fctx;
	void *data;
} transfer_t;
transfer_t jump_fcontext(fcontext_t const to, void *vp);
fcontext_t make_fcontext(void *sp, size_t size, void (*fn)(transfer_t));

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ---- lib/coro ---- */
static struct coro co;
static void *pingpong(struct coro *self, void *v)
{
	for (;;)
		v = coro_yield(self, v);
	return v;
}

static int wrong; /* a value did not cross as it should have */

static double coro_switch_ns(long n)
{
	void *v = NULL;
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		v = coro_resume(&co, (void *)i);
	double t = (now_ns() - t0) / (2.0 * n);
	wrong |= v != (void *)(n - 1);
	return t;
}

/* ---- swapcontext ---- */
static ucontext_t main_uc, peer_uc;
static void peer(void)
{
	for (;;)
		swapcontext(&peer_uc, &main_uc);
}

static double swapcontext_ns(long n)
{
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		swapcontext(&main_uc, &peer_uc);
	return (now_ns() - t0) / (2.0 * n);
}

/* ---- fcontext ---- */
static fcontext_t fpeer;
static void fpeer_main(transfer_t t)
{
	for (;;)
		t = jump_fcontext(t.fctx, t.data);
}

static double fcontext_ns(long n)
{
	transfer_t t = {fpeer, NULL};
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		t = jump_fcontext(t.fctx, (void *)i);
	double ns = (now_ns() - t0) / (2.0 * n);
	fpeer = t.fctx;
	wrong |= t.data != (void *)(n - 1);
	return ns;
}

/* ---- a coroutine's whole life: create on a pooled stack, run, release ---- */
static struct coro_pool *life_pool;
static void *returns(struct coro *self, void *v)
{
	(void)self;
	return v;
}

static double coro_create_ns(long n)
{
	struct coro c;
	double t0 = now_ns();
	for (long i = 0; i < n; i++) {
		coro_create_pooled(&c, life_pool, "life", returns, NULL);
		coro_resume(&c, (void *)i);
		coro_release(&c);
	}
	return (now_ns() - t0) / n;
}

static char life_fstack[64 * 1024];
static void flife(transfer_t t)
{
	jump_fcontext(t.fctx, t.data); /* a fcontext must never return: it is abandoned */
}

static double fcontext_create_ns(long n)
{
	double t0 = now_ns();
	for (long i = 0; i < n; i++) {
		fcontext_t f = make_fcontext(life_fstack + sizeof life_fstack, sizeof life_fstack, flife);
		jump_fcontext(f, (void *)i);
	}
	return (now_ns() - t0) / n;
}

/* ---- a generator, and a plain call for scale ---- */
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

static double generator_ns(long n)
{
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		gen_next(&counter.g);
	return (now_ns() - t0) / n;
}

__attribute__((noinline)) static void *plain(void *v)
{
	__asm volatile("" ::: "memory");
	return v;
}

static double call_ns(long n)
{
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		plain((void *)i);
	return (now_ns() - t0) / n;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void report(const char *name, double *v, int rounds, const char *unit)
{
	qsort(v, (size_t)rounds, sizeof *v, cmp);
	printf("bench: %s %.3f %s\n", name, v[rounds / 2], unit);
	printf("bench: %s_spread %.3f %s\n", name, v[rounds - 1] - v[0], unit);
}

#define MAXR 64
int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 11;
	if (rounds < 1 || rounds > MAXR) {
		fprintf(stderr, "usage: coro-bench [ROUNDS 1..%d]\n", MAXR);
		return 2;
	}
	struct coro_pool *pool = coro_pool_create(64 * 1024, 1);
	if (!pool || coro_create_pooled(&co, pool, "pingpong", pingpong, NULL) != 0)
		return 1;
	coro_resume(&co, NULL);
	static char ustack[64 * 1024], fstack[64 * 1024];
	getcontext(&peer_uc);
	peer_uc.uc_stack.ss_sp = ustack;
	peer_uc.uc_stack.ss_size = sizeof ustack;
	peer_uc.uc_link = NULL;
	makecontext(&peer_uc, peer, 0);
	fpeer = make_fcontext(fstack + sizeof fstack, sizeof fstack, fpeer_main);
	fpeer = jump_fcontext(fpeer, NULL).fctx;
	gen_init(&counter.g, "counter", count);

	const long n = 2000000, nslow = 100000;
	double c[MAXR], s[MAXR], f[MAXR], g[MAXR], p[MAXR];
	double cs[MAXR], cf[MAXR], cp[MAXR], gs[MAXR], gf[MAXR], lc[MAXR], lf[MAXR], lr[MAXR];
	life_pool = coro_pool_create(64 * 1024, 4);
	for (int r = 0; r < rounds; r++) {
		c[r] = coro_switch_ns(n);
		s[r] = swapcontext_ns(nslow);
		f[r] = fcontext_ns(n);
		g[r] = generator_ns(n);
		p[r] = call_ns(n);
		cs[r] = c[r] / s[r];
		cf[r] = c[r] / f[r];
		cp[r] = c[r] / p[r];
		gs[r] = g[r] / s[r];
		gf[r] = g[r] / f[r];
		lc[r] = coro_create_ns(nslow);
		lf[r] = fcontext_create_ns(nslow);
		lr[r] = lc[r] / lf[r];
		fprintf(stderr, "coro-bench: round %d/%d: coro %.2f, swapcontext %.1f, fcontext %.2f, "
			"generator %.2f, call %.2f ns\n", r + 1, rounds, c[r], s[r], f[r], g[r], p[r]);
	}
	if (wrong || counter.i != (intptr_t)rounds * n || coro_status(&co) != CORO_SUSPENDED) {
		fprintf(stderr, "coro-bench: the scenarios did not run as measured\n");
		return 1;
	}
	report("coro_switch_linux", c, rounds, "ns");
	report("coro_switch_linux_vs_swapcontext", cs, rounds, "x");
	report("coro_switch_linux_vs_fcontext", cf, rounds, "x");
	report("coro_switch_linux_vs_call", cp, rounds, "x");
	report("generator_resume_linux", g, rounds, "ns");
	report("generator_resume_linux_vs_swapcontext", gs, rounds, "x");
	report("generator_resume_linux_vs_fcontext", gf, rounds, "x");
	report("coro_create_linux", lc, rounds, "ns");
	report("coro_create_linux_vs_fcontext", lr, rounds, "x");
	report("fcontext_create", lf, rounds, "ns");
	report("swapcontext_switch", s, rounds, "ns");
	report("fcontext_switch", f, rounds, "ns");
	report("plain_call", p, rounds, "ns");
	coro_release(&co);
	coro_pool_destroy(pool);
	coro_pool_destroy(life_pool);
	return 0;
}
