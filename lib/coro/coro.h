/*
 * coro.h: stackful coroutines, the course's greenlet, in C.
 *
 * Course idea (chapter 7): a coroutine is a function with its own stack that
 * can stop in the middle (yield) and be continued later (resume), from any
 * depth of nested calls. A switch is an ordinary function call that happens
 * to return on another stack: nothing but the callee-saved registers and the
 * stack pointer change hands (switch_x86_64.S, switch_armv7m.S draw them).
 *
 *     struct coro co;
 *     coro_create(&co, "counter", fn, user, stack, size);   SUSPENDED
 *     v = coro_resume(&co, a);    runs fn(&co, a) until it yields or returns
 *       inside fn: b = coro_yield(self, v);   v goes out, b comes in
 *     coro_status(&co) == CORO_DEAD once fn returned; coro_result() is its value
 *
 * States (coro_status_name[] has the printable names):
 *
 *     SUSPENDED --resume--> RUNNING --yield--> SUSPENDED
 *                              \----return----> DEAD
 *
 * A coroutine that resumed another one stays RUNNING (Python's "generator
 * already executing"): only a SUSPENDED coroutine may be resumed, and only
 * the RUNNING one may yield. Breaking either rule, or any other contract
 * here, is reported on stderr with the coroutine's name and aborts: these
 * are programming errors, not conditions to recover from.
 *
 * The state is not a field of its own: it is read off the two stack
 * pointers the switch keeps anyway (sp == NULL: dead; back != NULL: running),
 * so the switch does not spend instructions on bookkeeping.
 *
 * Stacks: the caller provides one (coro_create) or takes one from a pool
 * (coro_create_pooled, stack.h). Either way the lowest word of the stack is a
 * canary, checked at every yield and at the end: an overflow is reported by
 * name instead of silently damaging memory. Pooled stacks on Linux also have
 * a guard page that turns an overflow into a fault reported by name.
 *
 * Floating point: the rounding mode and exception masks belong to the
 * thread, shared by all of its coroutines (a switch does not save them:
 * switch_x86_64.S says why). A coroutine that changes them must put them
 * back before it yields or returns; the ASan and TSan builds check this at
 * every resume and name the coroutine that did not (coro_checks_fpenv).
 *
 * Threads: a coroutine belongs to no thread, but it must not be resumed by
 * two threads at once (nothing here takes a lock).
 *
 * Read next: switch_x86_64.S (what a switch saves), coro.c, stack.h, then
 * gen.h for the stackless kind and async.h for the event loop built on this.
 */
#ifndef WEFT_CORO_H
#define WEFT_CORO_H

#include <stddef.h>
#include <stdint.h>

struct coro;
struct coro_pool;

/* The body of a coroutine. `first` is the value of the first resume; the
 * return value becomes coro_result() and the value of the last resume. */
typedef void *(*coro_fn)(struct coro *self, void *first);

enum coro_status {
	CORO_SUSPENDED, /* created, or stopped in coro_yield: may be resumed */
	CORO_RUNNING,   /* between a resume and the next yield or return */
	CORO_DEAD,      /* its function returned */
};
#define CORO_NSTATUS 3
extern const char *const coro_status_name[CORO_NSTATUS];

/* The first three fields are read and written by the switch in assembly, at
 * the offsets checked below; the rest belongs to coro.c. */
struct coro {
	void *sp;           /* its saved stack pointer while SUSPENDED; NULL when DEAD */
	void *back;         /* the resumer's saved stack pointer while RUNNING, else NULL */
	uintptr_t *canary;  /* the lowest word of its stack; holds its own address */
	coro_fn fn;
	void *user;         /* the creator's pointer: coro_user() */
	void *result;       /* fn's return value once DEAD */
	const char *name;   /* for reports; not copied, must outlive the coroutine */
	char *stack_lo;     /* the usable stack: [stack_lo, stack_lo + stack_size) */
	size_t stack_size;
	struct coro_pool *pool; /* where its stack goes back to, or NULL */
	/* The sanitizers' view of the switches (coro_sanitize.c). */
	void *asan_fake;
	const void *asan_back_lo;
	size_t asan_back_size;
	void *tsan_fiber;
	void *tsan_back;
};

#define CORO_OFF_SP     0
#define CORO_OFF_BACK   (1 * sizeof(void *))
#define CORO_OFF_CANARY (2 * sizeof(void *))
_Static_assert(offsetof(struct coro, sp) == CORO_OFF_SP, "switch reads sp at 0");
_Static_assert(offsetof(struct coro, back) == CORO_OFF_BACK, "switch reads back at 1 word");
_Static_assert(offsetof(struct coro, canary) == CORO_OFF_CANARY, "switch reads canary at 2 words");

/* The smallest stack coro_create accepts: the first frame, the canary and
 * room for the body to call a function or two. */
#define CORO_MIN_STACK 256

/* Make `co` a SUSPENDED coroutine that will run fn on [stack, stack + size).
 * The stack must stay valid until the coroutine is DEAD or abandoned. */
void coro_create(struct coro *co, const char *name, coro_fn fn, void *user, void *stack,
		 size_t size);

/* Run co from where it stopped until it yields or returns; `value` is what
 * its coro_yield returns (or fn's `first`). Returns the value it yielded, or
 * fn's return value when it ended (coro_status() then says CORO_DEAD). */
void *coro_resume(struct coro *co, void *value);

/* From inside the coroutine `self`: stop, hand `value` to whoever resumed it,
 * and return the value of the next resume. */
void *coro_yield(struct coro *self, void *value);

/* Give back what the coroutine holds: its pooled stack (stack.h) and the
 * sanitizers' records. It must not be RUNNING; a SUSPENDED one is abandoned
 * (its stack's frames are dropped without running any more of them). */
void coro_release(struct coro *co);

enum coro_status coro_status(const struct coro *co);
void *coro_result(const struct coro *co); /* fn's return value; NULL unless DEAD */
void *coro_user(const struct coro *co);
const char *coro_name(const struct coro *co);

/* Nonzero when this build checks, at every return from coro_resume, that
 * the coroutine left the floating-point control as it found it (the ASan
 * and TSan builds do: coro_sanitize.c; a plain build does not, the check
 * would cost most of a switch). A breach is reported by name and aborts. */
extern const int coro_checks_fpenv;

/* Reported by name and abort()s: the canary of `co` was overwritten. */
void coro_overflow(const struct coro *co) __attribute__((noreturn));

#endif
