/*
 * cpu.c: the host side of the architecture contract (arch/arch.h), for tests.
 *
 * Course idea: a context switch needs only "save my registers somewhere, load
 * yours". On Linux, swapcontext() does exactly that, so the unmodified
 * kernel/ core runs here as ordinary code under AddressSanitizer. What the
 * Cortex-M does in hardware is imitated with three flags (see port.h):
 *
 *   arch_switch_request()  sets `pending`; like PendSV, the switch happens
 *                          at once if interrupts are unmasked and no handler
 *                          runs, otherwise when the mask is lifted
 *                          (arch_irq_restore/enable) or the handler returns.
 *   port_switch()          is PendSV: masked, it calls kernel_switch() with
 *                          the running thread and swapcontext()s to the
 *                          context (sp) of the one returned.
 *   arch_idle_wait()       is WFI: one timer interrupt, delivered in the
 *                          unmasked window, exactly as cpu.c on the board
 *                          lets the pending interrupt run between cpsie and
 *                          cpsid. If no thread waits with a timeout, no tick
 *                          can ever help: the run is over (host.h).
 *
 * The console and arch_halt() belong to the test driver on the host; they
 * are in host.c. Read next: host.h (how a test drives this), kernel/sched.c.
 */
#define _XOPEN_SOURCE 700       /* ucontext: getcontext, makecontext */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/panic.h"
#include "../../kernel/sched.h"
#include "../arch.h"
#include "host.h"
#include "port.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define HAVE_ASAN 1
#endif

bool port_masked, port_pending, port_in_isr, port_in_threads;
struct host_ctx *port_running;
static uint32_t idle_ticks;

/* ---- Telling ASan about stack switches -------------------------------------
 * ASan tracks one stack per thread; when swapcontext() moves to another
 * stack it must be told first (leave) and afterwards (arrive), or it takes
 * the new stack for an overflow. The boot (main) stack's bounds are learnt on
 * the first arrival from it, in thread_start(). */
static const void *boot_lo;
static size_t boot_len;
static void *boot_fake;

void port_fiber_leave(void **fake, const char *to_lo, size_t to_len)
{
#ifdef HAVE_ASAN
    if (!to_lo) {                   /* to the boot stack */
        to_lo = boot_lo;
        to_len = boot_len;
    }
    __sanitizer_start_switch_fiber(fake, to_lo, to_len);
#else
    (void)fake, (void)to_lo, (void)to_len;
#endif
}

void port_fiber_arrive(void *fake)
{
#ifdef HAVE_ASAN
    const void *from_lo;
    size_t from_len;
    __sanitizer_finish_switch_fiber(fake, &from_lo, &from_len);
    if (!boot_lo) {
        boot_lo = from_lo;
        boot_len = from_len;
    }
#else
    (void)fake;
#endif
}

/* ---- A new thread's first context -------------------------------------- */

/* Where every thread begins (makecontext passes no pointer portably, but
 * the thread being started is always the one on the CPU). New threads start
 * unmasked, like after PendSV's exception return on the board. */
static void thread_start(void)
{
    struct host_ctx *me = port_running;

    port_fiber_arrive(NULL);
    port_masked = false;
    me->on_return(me->entry(me->arg));
    fprintf(stderr, "weft host: on_return() returned\n");
    abort();
}

/* The contract gives only the stack's top; its size is KSTACK_SIZE, the one
 * size kernel/thread.c gives every stack. The saved context sits at the top
 * and the thread's own frames grow down below it towards the canary. */
void *arch_stack_init(struct arch_ctx *ctx, void *top, void *(*entry)(void *),
                      void *arg, void (*on_return)(void *value))
{
    char *lo = (char *)top - KSTACK_SIZE;
    uintptr_t at = ((uintptr_t)top - sizeof(struct host_ctx)) & ~(uintptr_t)63;
    struct host_ctx *c = (struct host_ctx *)at;

    (void)ctx;                      /* everything is in the ucontext */
#ifdef HAVE_ASAN
    /* A reused slot's stack may still carry poisoned redzones of frames
     * that never returned (its previous thread exited from inside them). */
    ASAN_UNPOISON_MEMORY_REGION(lo, KSTACK_SIZE);
#endif
    memset(c, 0, sizeof *c);
    if (getcontext(&c->uc) != 0)
        abort();
    c->stack_lo = lo;
    c->stack_len = (size_t)((char *)c - lo);
    c->uc.uc_stack.ss_sp = lo;
    c->uc.uc_stack.ss_size = c->stack_len;
    c->uc.uc_link = NULL;
    c->entry = entry;
    c->arg = arg;
    c->on_return = on_return;
    makecontext(&c->uc, thread_start, 0);
    return c;
}

/* ---- The switch --------------------------------------------------------- */

void port_switch(void)
{
    struct host_ctx *prev = port_running, *next;

    port_pending = false;
    port_masked = true;             /* as PendSV does around kernel_switch */
    next = kernel_switch(current, current->sp)->sp;  /* a host thread's sp never moves */
    if (next != prev) {
        port_running = next;
        port_fiber_leave(&prev->asan_fake, next->stack_lo, next->stack_len);
        swapcontext(&prev->uc, &next->uc);
        port_fiber_arrive(prev->asan_fake);     /* switched back to us */
    }
    port_masked = false;            /* switches only happen unmasked */
}

static void switch_if_due(void)
{
    if (port_pending && !port_masked && !port_in_isr && port_in_threads)
        port_switch();
}

void arch_switch_request(void)
{
    port_pending = true;
    switch_if_due();
}

/* The nesting depth (arch.h), counted in the same order as on the board:
 * save() masks, then counts; restore() counts, then unmasks (and switches). */
static uint32_t irq_depth;

uint32_t arch_irq_save(void)
{
    uint32_t was = port_masked;
    port_masked = true;
    if (IRQ_CHECKS)
        irq_depth++;
    return was;
}

void arch_irq_restore(uint32_t saved)
{
    if (IRQ_CHECKS)
        irq_depth--;
    port_masked = saved != 0;
    switch_if_due();
}

void arch_irq_enable(void)
{
    if (IRQ_CHECKS)
        irq_depth = 0;
    port_masked = false;
    switch_if_due();
}

void arch_irq_disable(void) { port_masked = true; }

uint32_t arch_irq_depth(void) { return irq_depth; }

bool arch_irq_masked(void) { return port_masked; }

bool arch_in_isr(void) { return port_in_isr; }

/* An interrupt: the handler runs with the mask as it was (the CPU does not
 * set PRIMASK on entry) and any switch it asks for waits for its return. */
void port_irq(void (*fn)(void))
{
    port_in_isr = true;
    fn();
    port_in_isr = false;
    switch_if_due();
}

/* ---- Starting, leaving, idling ------------------------------------------ */

void arch_start_first(void *sp)
{
    struct host_ctx *first = sp;

    port_running = first;
    port_in_threads = true;
    port_pending = false;
    port_masked = false;            /* the board's start does cpsie i too */
    port_fiber_leave(&boot_fake, first->stack_lo, first->stack_len);
    swapcontext(&port_boot_uc, &first->uc);
    port_fiber_arrive(boot_fake);   /* port_leave_threads() came back here */
    longjmp(port_run_jmp, 1);       /* ... to host_run(), up this stack */
}

void port_leave_threads(int result)
{
    port_result = result;
    port_in_threads = false;
    port_fiber_leave(NULL, NULL, 0);    /* this context is never resumed */
    setcontext(&port_boot_uc);
    abort();
}

/* Is a BLOCKED thread waiting for a tick (queued in the timer queue)? */
static bool timeout_pending(void)
{
    for (int i = 0; i < MAX_THREADS; i++) {
        const struct thread *t = &thread_table[i];
        if (t->in_use && t->state == TS_BLOCKED && !list_empty(&t->tlink))
            return true;
    }
    return false;
}

void port_idle_reset(void) { idle_ticks = 0; }

void arch_idle_wait(void)
{
    if (!timeout_pending())
        port_leave_threads(HOST_IDLE);
    if (++idle_ticks >= HOST_TICK_LIMIT_TICKS)
        port_leave_threads(HOST_TICK_LIMIT);
    port_masked = false;            /* the window where the tick runs */
    port_irq(kernel_tick);
    port_masked = true;
}

/* Also after a panic that left a thread's critical sections open: a test's
 * next host_boot() starts from depth 0 again. */
void arch_init(void)
{
    port_masked = true;
    irq_depth = 0;
}

/* The tick is whatever the test (host_tick) and idle deliver. */
void arch_tick_start(uint32_t hz) { (void)hz; }

/* ---- User mode and address spaces --------------------------------------
 * The host has no user mode, no MPU and no ARM code. A user thread runs a
 * host function that stands in for its program: the test names it for each
 * entry address (host_user_resolve() in host.h), and it runs on the
 * thread's kernel stack. It reaches the kernel only through host_syscall(),
 * which does what svc does on the board. The process's memory (the arena)
 * is ordinary memory, so user pointers are real pointers into it. */
static void *user_start(void *unused)
{
    struct host_ctx *me = port_running;
    (void)unused;
    me->ufn(me->ua0, me->ua1);
    return NULL;
}

/* As on the board, where a user entry that returns faults. */
static void user_return(void *value)
{
    (void)value;
    panic("arch/linux: a program's stand-in returned instead of exiting");
}

void *arch_user_stack_init(struct arch_ctx *ctx, void *ktop, void *utop, uintptr_t entry,
                           uintptr_t a0, uintptr_t a1)
{
    (void)utop;
    struct host_ctx *c = arch_stack_init(ctx, ktop, user_start, NULL, user_return);
    if (!host_user_resolve)
        panic("arch/linux: a user thread needs the test's host_user_resolve()");
    c->ufn = host_user_resolve(entry);     /* while the slot is being built */
    c->ua0 = a0;
    c->ua1 = a1;
    return c;
}

/* The process arena: 1 MiB, aligned to its size as the buddy allocator wants. */
unsigned arch_proc_arena(uintptr_t *base)
{
    static void *arena;
    if (!arena && !(arena = aligned_alloc(1u << 20, 1u << 20)))
        abort();
    memset(arena, 0, 1u << 20);
    *base = (uintptr_t)arena;
    return 20;
}

void arch_user_mode_init(void) {}

/* The host has no MPU: a "user" program here is a function in the test
 * process, so nothing can fault it. What the board's MPU enforces, the
 * host tests check through the gateway instead (kernel/uaccess.c refuses
 * [umem.top, end), the hidden heap room, on both ports). */
void arch_mm_init(struct arch_mm *mm, uintptr_t base, uint32_t size, uint32_t code_size,
                  uint32_t code_used, uintptr_t top)
{
    (void)base; (void)size; (void)code_size; (void)code_used; (void)top;
    memset(mm, 0, sizeof *mm);
}

void arch_mm_set_top(struct arch_mm *mm, uintptr_t top)
{
    (void)mm; (void)top;
}

void arch_mm_switch(const struct arch_mm *mm) { (void)mm; }
void arch_mm_seg(struct arch_mm *mm, int i, uintptr_t base, uint32_t size)
{
    mm->seg[i][0] = (uint32_t)base;
    mm->seg[i][1] = size;
}
void arch_mm_load(const struct arch_mm *mm, uintptr_t guard) { (void)mm; (void)guard; }
void arch_mm_forget(const struct arch_mm *mm) { (void)mm; }
