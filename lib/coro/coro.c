/*
 * coro.c: creating a coroutine, its first and last moments, its state.
 *
 * Course idea: the switch itself is assembly (switch_*.S); what C does is
 * build a new coroutine's first frame so that the very first resume looks
 * like a return into coro_trampoline, and end a coroutine whose function
 * returned by switching away for the last time.
 *
 * The first frame is what the switch's restore pops, filled in by hand:
 *
 *   x86-64 (56 bytes, 16-aligned after the pop)   ARMv7-M (36 bytes, 8-aligned after the pop)
 *   high  coro_trampoline (return)                high  coro_trampoline | 1 (pc, Thumb)
 *         rbp = 0                                       r11 .. r5 = 0
 *         rbx = the struct coro                         r4 = the struct coro
 *   low   r12 .. r15 = 0   <- co->sp              low   <- co->sp
 *
 * AArch64 (160 bytes, 16-aligned): x19 = the struct coro, x29 = 0, x30 =
 * coro_trampoline, the rest (x20-x28, d8-d15) 0 (switch_aarch64.S).
 *
 * Read next: coro_sanitize.c (ASan and TSan), stack.c (pooled stacks).
 */
#include "coro.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coro_internal.h"
#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

const char *const coro_status_name[CORO_NSTATUS] = {
	[CORO_SUSPENDED] = "suspended",
	[CORO_RUNNING] = "running",
	[CORO_DEAD] = "dead",
};

static void die(const struct coro *co, const char *what) __attribute__((noreturn));
static void die(const struct coro *co, const char *what)
{
	fprintf(stderr, "coro: %s coroutine '%s'\n", what, co && co->name ? co->name : "?");
	fflush(stderr);
	abort();
}

void coro_resume_dead(struct coro *co) { die(co, "resume of the dead"); }
void coro_resume_running(struct coro *co) { die(co, "resume of the running"); }
void coro_fp_changed(struct coro *co)
{
	die(co, "floating-point control (rounding mode or exception masks) changed and not put back by");
}

void coro_overflow(const struct coro *co)
{
	die(co, "stack overflow (canary overwritten) in");
}

static uintptr_t *first_frame(struct coro *co, char *top)
{
#if defined(__x86_64__)
	uintptr_t *sp = (uintptr_t *)((uintptr_t)top & ~(uintptr_t)15) - 7;
	memset(sp, 0, 7 * sizeof *sp);
	sp[4] = (uintptr_t)co;                         /* rbx */
	sp[6] = (uintptr_t)coro_trampoline;            /* return address */
#elif defined(__aarch64__)
	uintptr_t *sp = (uintptr_t *)((uintptr_t)top & ~(uintptr_t)15) - 20;
	memset(sp, 0, 20 * sizeof *sp);
	sp[0] = (uintptr_t)co;                         /* x19 */
	sp[11] = (uintptr_t)coro_trampoline;           /* x30, the return address; x29 = 0 */
#elif defined(__arm__)
	uintptr_t *sp = (uintptr_t *)((uintptr_t)top & ~(uintptr_t)7) - 2 - 9;
	memset(sp, 0, 9 * sizeof *sp);
	sp[0] = (uintptr_t)co;                         /* r4 */
	sp[8] = (uintptr_t)coro_trampoline | 1u;       /* pc, Thumb state */
#else
#error "lib/coro: no switch for this architecture"
#endif
	return sp;
}

void coro_setup(struct coro *co, const char *name, coro_fn fn, void *user, void *stack,
		size_t size, struct coro_pool *pool)
{
	memset(co, 0, sizeof *co);
	co->name = name ? name : "?";
	co->pool = pool;
	if (!fn || !stack || size < CORO_MIN_STACK)
		die(co, "bad arguments (no function, no stack, or under CORO_MIN_STACK) creating");
	co->fn = fn;
	co->user = user;
	co->stack_lo = stack;
	co->stack_size = size;
	coro_sanitize_create(co);
	uintptr_t lo = ((uintptr_t)stack + sizeof(uintptr_t) - 1) & ~(uintptr_t)(sizeof(uintptr_t) - 1);
	co->canary = (uintptr_t *)lo;
	*co->canary = lo;
	co->sp = first_frame(co, (char *)stack + size);
}

void coro_create(struct coro *co, const char *name, coro_fn fn, void *user, void *stack,
		 size_t size)
{
	coro_setup(co, name, fn, user, stack, size, NULL);
}

/* Entered from coro_trampoline on the coroutine's own stack, once. */
void coro_start(struct coro *self, void *first)
{
	coro_sanitize_enter(self);
	void *result = self->fn(self, first);
	if (*self->canary != (uintptr_t)self->canary)
		coro_overflow(self);
	void *back = self->back;
	self->result = result;
	self->back = NULL;
	self->sp = NULL; /* DEAD: a resume now reports, never runs stale frames */
	coro_sanitize_leave(self);
#if defined(__SANITIZE_THREAD__)
	__tsan_switch_to_fiber(self->tsan_back, 0); /* here: see coro_sanitize_leave */
#endif
	coro_exit_to(back, result);
}

enum coro_status coro_status(const struct coro *co)
{
	if (!co->sp && !co->back)
		return CORO_DEAD;
	return co->back ? CORO_RUNNING : CORO_SUSPENDED;
}

void *coro_result(const struct coro *co) { return coro_status(co) == CORO_DEAD ? co->result : NULL; }
void *coro_user(const struct coro *co) { return co->user; }
const char *coro_name(const struct coro *co) { return co->name; }

void coro_release(struct coro *co)
{
	if (coro_status(co) == CORO_RUNNING)
		die(co, "release of the running");
	coro_sanitize_release(co);
	coro_stack_release(co);
	co->sp = NULL;
}
