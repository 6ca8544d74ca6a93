/*
 * coro_sanitize.c: telling AddressSanitizer and ThreadSanitizer about stack
 * switches.
 *
 * Course idea: tools that watch memory assume one stack per thread. ASan
 * keeps shadow state per stack (and "fake stacks" for detect_stack_use_after_
 * return); TSan keeps a shadow call stack and happens-before clocks per
 * thread. A switch they are not told about looks to them like the stack
 * pointer jumping into the heap. Each switch is therefore bracketed:
 *
 *   ASan: __sanitizer_start_switch_fiber(&save, new_stack_lo, new_size) just
 *         before, __sanitizer_finish_switch_fiber(save, &old_lo, &old_size)
 *         just after, on the new stack (which reports where we came from:
 *         that is how a coroutine learns its resumer's stack). A coroutine
 *         that ends passes NULL as `save`: its fake stack is freed.
 *   TSan: one fiber per coroutine, __tsan_switch_to_fiber before each switch.
 *
 * In such a build the switch's entry points are named coro_resume_raw and
 * coro_yield_raw (switch_x86_64.S) and the public ones below wrap them. In a
 * plain build this file is empty and the switch is called directly.
 */
#include "coro_internal.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define ASAN 1
#else
#define ASAN 0
static void __sanitizer_start_switch_fiber(void **s, const void *b, size_t n) { (void)s, (void)b, (void)n; }
static void __sanitizer_finish_switch_fiber(void *s, const void **b, size_t *n) { (void)s, (void)b, (void)n; }
static void __asan_unpoison_memory_region(const volatile void *a, size_t n) { (void)a, (void)n; }
#endif

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#define TSAN 1
#else
#define TSAN 0
static void *__tsan_get_current_fiber(void) { return NULL; }
static void *__tsan_create_fiber(unsigned f) { (void)f; return NULL; }
static void __tsan_destroy_fiber(void *f) { (void)f; }
static void __tsan_switch_to_fiber(void *f, unsigned g) { (void)f, (void)g; }
#endif

void *coro_resume(struct coro *co, void *value)
{
	if (!co->sp)
		coro_resume_dead(co);
	if (co->back)
		coro_resume_running(co);
	void *fake = NULL;
	co->tsan_back = __tsan_get_current_fiber();
	__sanitizer_start_switch_fiber(&fake, co->stack_lo, co->stack_size);
	__tsan_switch_to_fiber(co->tsan_fiber, 0);
	void *r = coro_resume_raw(co, value);
	__sanitizer_finish_switch_fiber(fake, NULL, NULL);
	return r;
}

void *coro_yield(struct coro *self, void *value)
{
	__sanitizer_start_switch_fiber(&self->asan_fake, self->asan_back_lo, self->asan_back_size);
	__tsan_switch_to_fiber(self->tsan_back, 0);
	void *r = coro_yield_raw(self, value);
	__sanitizer_finish_switch_fiber(self->asan_fake, &self->asan_back_lo, &self->asan_back_size);
	return r;
}

void coro_sanitize_create(struct coro *co)
{
	/* A reused stack may still carry the poisoned frames of its last owner. */
	__asan_unpoison_memory_region(co->stack_lo, co->stack_size);
	if (TSAN)
		co->tsan_fiber = __tsan_create_fiber(0);
}

void coro_sanitize_enter(struct coro *self)
{
	__sanitizer_finish_switch_fiber(NULL, &self->asan_back_lo, &self->asan_back_size);
}

/* TSan's switch for a dying coroutine is made in coro_start itself: TSan
 * keeps a shadow call stack per fiber, and a function that switched fibers
 * and then returned would pop a frame off the wrong one. */
void coro_sanitize_leave(struct coro *self)
{
	__sanitizer_start_switch_fiber(NULL, self->asan_back_lo, self->asan_back_size);
}

void coro_sanitize_release(struct coro *co)
{
	if (TSAN && co->tsan_fiber)
		__tsan_destroy_fiber(co->tsan_fiber);
	co->tsan_fiber = NULL;
	if (ASAN && co->stack_lo)
		__asan_unpoison_memory_region(co->stack_lo, co->stack_size);
}

#else
void coro_sanitize_create(struct coro *co) { (void)co; }
void coro_sanitize_enter(struct coro *self) { (void)self; }
void coro_sanitize_leave(struct coro *self) { (void)self; }
void coro_sanitize_release(struct coro *co) { (void)co; }
#endif
