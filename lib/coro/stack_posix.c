/*
 * stack_posix.c: coroutine stacks on Linux, each with a guard below it, and the
 * fault handler that names the coroutine whose stack overflowed.
 *
 * Course idea: an overflow must be a clear report, never silent damage. The
 * CORO_GUARD_SIZE bytes below each stack are mapped PROT_NONE (a guard costs
 * address space, not memory); the first write past the end faults there. The SIGSEGV handler runs on an alternate signal stack (the
 * coroutine's own is exhausted), looks the address up in a table of guard
 * pages, and prints
 *
 *     coro: stack overflow in coroutine 'NAME' (guard at 0x...)
 *
 * before aborting. A fault anywhere else is not ours: the handler puts the
 * previous action back and returns, so the fault repeats and is handled as
 * if we had never been there (the default action, or ASan's report).
 *
 * The guard is 64 KiB, not one page, because a function with a big frame
 * moves the stack pointer down by the whole frame at once and its first
 * write lands that far below: a one-page guard would catch only frames
 * under 4 KiB. A frame larger still can jump over the guard; if the fault
 * then comes from unmapped space, the interrupted stack pointer tells whose
 * stack it was, and that is reported the same way. If the space below is
 * mapped, nothing faults: compile with -fstack-clash-protection to make
 * the compiler touch every page of a big frame in order.
 *
 * The table is a fixed array of slots claimed with compare-and-swap, so the
 * handler can read it at any moment without a lock (a lock in a signal
 * handler could deadlock). A stack's slot is looked for from a home slot
 * its address picks, so naming a stack at each create is not a scan. Stacks beyond CORO_GUARD_SLOTS still have a guard
 * page; their overflow is reported without a name.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "stack.h"

#include <signal.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#define CORO_GUARD_SLOTS 1024
#define ALTSTACK_SIZE (64 * 1024)
#define CORO_GUARD_SIZE (64 * 1024)
#define CORO_JUMP_LIMIT (1024 * 1024) /* a frame larger than this is not taken for an overflow */

struct guard_slot {
	_Atomic uintptr_t page;           /* the guard's lowest address, 0: free slot */
	_Atomic(const char *) name;
};
static struct guard_slot guards[CORO_GUARD_SLOTS];
static struct sigaction previous;
static atomic_flag installed = ATOMIC_FLAG_INIT;

static size_t page_size(void) { return (size_t)sysconf(_SC_PAGESIZE); }

size_t coro_os_stack_round(size_t size)
{
	size_t pg = page_size();
	return (size + pg - 1) / pg * pg;
}

static void say(const char *s) { ssize_t r = write(2, s, strlen(s)); (void)r; }

static void say_hex(uintptr_t v)
{
	char buf[2 + 16 + 1] = "0x";
	for (int i = 0; i < 16; i++)
		buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
	buf[18] = 0;
	say(buf);
}

/* The interrupted stack pointer, where the machine lets us read it. */
static uintptr_t fault_sp(void *ctx)
{
#if defined(__x86_64__)
	return (uintptr_t)((ucontext_t *)ctx)->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
	return (uintptr_t)((ucontext_t *)ctx)->uc_mcontext.sp;
#else
	(void)ctx;
	return 0;
#endif
}

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
	uintptr_t addr = (uintptr_t)si->si_addr, sp = fault_sp(ctx);
	for (int i = 0; i < CORO_GUARD_SLOTS; i++) {
		uintptr_t page = atomic_load(&guards[i].page);
		/* In the guard; or a frame so big that it jumped over it: then the
		 * stack pointer is just below the guard and the fault is at the
		 * stack pointer (a fault far from it, say a NULL pointer, is not a
		 * stack overflow even if the stack pointer is nearby). */
		bool jumped = sp < page && page - sp < CORO_JUMP_LIMIT &&
			      (addr > sp ? addr - sp : sp - addr) < CORO_GUARD_SIZE;
		if (page && (addr - page < CORO_GUARD_SIZE || jumped)) {
			const char *name = atomic_load(&guards[i].name);
			say("coro: stack overflow in coroutine '");
			say(name ? name : "?");
			say("' (guard at ");
			say_hex(page);
			say(")\n");
			signal(SIGABRT, SIG_DFL);
			abort();
		}
	}
	sigaction(sig, &previous, NULL); /* not ours: fault again under the old action */
}

/* The handler, once per process; an alternate stack, once per thread. */
static void install(void)
{
	stack_t ss;
	if (sigaltstack(NULL, &ss) == 0 && (ss.ss_flags & SS_DISABLE)) {
		ss.ss_sp = malloc(ALTSTACK_SIZE); /* the thread's for good: never freed */
		ss.ss_size = ALTSTACK_SIZE;
		ss.ss_flags = 0;
		if (ss.ss_sp)
			sigaltstack(&ss, NULL);
	}
	if (atomic_flag_test_and_set(&installed))
		return;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &previous);
}

/* Where a guard's search for a slot starts: its page number, mixed
 * (Fibonacci hashing) so that stacks mapped one after another spread out. */
static unsigned home(const void *guard)
{
	uint64_t pageno = (uint64_t)(uintptr_t)guard >> 12;
	return (unsigned)((pageno * 0x9E3779B97F4A7C15ull) >> 54) % CORO_GUARD_SLOTS;
}

void *coro_os_stack_map(size_t size)
{
	size_t g = CORO_GUARD_SIZE;
	install();
	char *base = mmap(NULL, size + g, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	if (mprotect(base, g, PROT_NONE) != 0) {
		munmap(base, size + g);
		return NULL;
	}
	for (unsigned k = 0, i = home(base); k < CORO_GUARD_SLOTS; k++, i = (i + 1) % CORO_GUARD_SLOTS) {
		uintptr_t free_slot = 0;
		if (atomic_compare_exchange_strong(&guards[i].page, &free_slot, (uintptr_t)base))
			break;
	}
	return base + g;
}

/* The slot of the stack whose usable part starts at lo: searched from the
 * guard's home slot, where it was claimed or in a slot after it, so it is
 * found at once unless many stacks share a home. A freed slot is simply
 * zeroed; the search does not stop at a zero, so a stack claimed past it
 * is still found (only a stack that has no slot costs a whole pass). */
static struct guard_slot *slot_of(void *lo)
{
	uintptr_t page = (uintptr_t)lo - CORO_GUARD_SIZE;
	for (unsigned k = 0, i = home((void *)page); k < CORO_GUARD_SLOTS;
	     k++, i = (i + 1) % CORO_GUARD_SLOTS)
		if (atomic_load(&guards[i].page) == page)
			return &guards[i];
	return NULL;
}

void coro_os_stack_name(void *lo, const char *name)
{
	struct guard_slot *s = slot_of(lo);
	if (s)
		atomic_store(&s->name, name);
}

void coro_os_stack_unmap(void *lo, size_t size)
{
	struct guard_slot *s = slot_of(lo);
	if (s) {
		atomic_store(&s->name, NULL);
		atomic_store(&s->page, 0);
	}
	munmap((char *)lo - CORO_GUARD_SIZE, size + CORO_GUARD_SIZE);
}
