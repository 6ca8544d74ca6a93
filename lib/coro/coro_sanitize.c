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
 * The same wrappers check the floating-point rule (switch_x86_64.S): the
 * control bits are read before each resume and again when it returns, and a
 * coroutine that left them changed is named. Reading them takes about as
 * long as a whole switch, which is why a plain build does not.
 *
 * In such a build (ASan, TSan, or -DCORO_CHECKED for the others) the
 * switch's entry points are named coro_resume_raw and coro_yield_raw
 * (switch_*.S) and the public ones below wrap them. In a plain build this
 * file is empty and the switch is called directly.
 */
#include "coro_internal.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || defined(CORO_CHECKED)
#include <stddef.h>
#include <stdint.h>

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

/* The floating-point control bits the rule covers: MXCSR without its six
 * sticky exception flags, and the x87 control word; FPCR on AArch64. */
static uint64_t fp_control(void)
{
#if defined(__x86_64__)
	uint32_t mxcsr;
	uint16_t cw;
	__asm volatile("stmxcsr %0" : "=m"(mxcsr));
	__asm volatile("fnstcw %0" : "=m"(cw));
	return (uint64_t)(mxcsr & ~0x3Fu) | (uint64_t)cw << 32;
#elif defined(__aarch64__)
	uint64_t fpcr;
	__asm volatile("mrs %0, fpcr" : "=r"(fpcr));
	return fpcr;
#else
	return 0; /* the Cortex-M3 has no floating-point unit */
#endif
}

void *coro_resume(struct coro *co, void *value)
{
	if (!co->sp)
		coro_resume_dead(co);
	if (co->back)
		coro_resume_running(co);
	uint64_t fp = fp_control();
	void *fake = NULL;
	co->tsan_back = __tsan_get_current_fiber();
	__sanitizer_start_switch_fiber(&fake, co->stack_lo, co->stack_size);
	__tsan_switch_to_fiber(co->tsan_fiber, 0);
	void *r = coro_resume_raw(co, value);
	__sanitizer_finish_switch_fiber(fake, NULL, NULL);
	if (fp_control() != fp)
		coro_fp_changed(co);
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

const int coro_checks_fpenv = 1;

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
const int coro_checks_fpenv = 0;
void coro_sanitize_create(struct coro *co) { (void)co; }
void coro_sanitize_enter(struct coro *self) { (void)self; }
void coro_sanitize_leave(struct coro *self) { (void)self; }
void coro_sanitize_release(struct coro *co) { (void)co; }
#endif
