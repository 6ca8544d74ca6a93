/*
 * coro_internal.h: what the pieces of lib/coro tell each other and the
 * switch; not for users of the library.
 */
#ifndef WEFT_CORO_INTERNAL_H
#define WEFT_CORO_INTERNAL_H

#include "coro.h"

/* switch_*.S */
void coro_trampoline(void);
void coro_exit_to(void *sp, void *value) __attribute__((noreturn));
void *coro_resume_raw(struct coro *co, void *value);
void *coro_yield_raw(struct coro *self, void *value);

/* coro.c: coro_create with the pool the stack came from (stack.c). */
void coro_setup(struct coro *co, const char *name, coro_fn fn, void *user, void *stack,
		size_t size, struct coro_pool *pool);

/* coro.c: called by the switch, and by coro_sanitize.c. */
void coro_start(struct coro *self, void *first) __attribute__((noreturn));
void coro_resume_dead(struct coro *co) __attribute__((noreturn));
void coro_resume_running(struct coro *co) __attribute__((noreturn));
void coro_fp_changed(struct coro *co) __attribute__((noreturn));

/* coro_sanitize.c: empty unless built with ASan or TSan. */
void coro_sanitize_create(struct coro *co);
void coro_sanitize_enter(struct coro *self);
void coro_sanitize_leave(struct coro *self);
void coro_sanitize_release(struct coro *co);

/* stack.c: give a pooled stack back (nothing for a caller's stack). */
void coro_stack_release(struct coro *co);

#endif
