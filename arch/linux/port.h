/*
 * port.h: the host port's "CPU", shared by cpu.c (the contract) and host.c
 * (the test driver). Not for the kernel, nor for tests: they use arch.h and
 * host.h.
 *
 * The machine state a Cortex-M keeps in registers is a few variables here:
 *   masked   PRIMASK: interrupts are masked
 *   pending  PendSV is pending: a switch was asked for and has not happened
 *   in_isr   an interrupt handler is running (IPSR != 0)
 * and each thread's registers are a ucontext_t at the top of its stack.
 */
#ifndef WEFT_LINUX_PORT_H
#define WEFT_LINUX_PORT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ucontext.h>

/* A thread's saved context. arch_stack_init() puts it at the top of the
 * thread's stack and returns its address as the thread's "sp". */
struct host_ctx {
    ucontext_t uc;              /* the registers, for swapcontext() */
    void *asan_fake;            /* ASan's fake stack while switched out */
    char *stack_lo;             /* the stack below this struct: */
    size_t stack_len;           /* [stack_lo, stack_lo + stack_len) */
    void *(*entry)(void *);     /* the thread's body and argument, and */
    void *arg;                  /* where its return value goes */
    void (*on_return)(void *);
    void (*ufn)(uintptr_t, uintptr_t);  /* a user thread's stand-in (host.h) */
    uintptr_t ua0, ua1;                 /* and its arguments */
};

extern bool port_masked, port_pending, port_in_isr;
extern bool port_in_threads;            /* between sched_start and the end */
extern struct host_ctx *port_running;   /* the context on the CPU */

/* Switch now to whoever kernel_switch() picks (PendSV's job). */
void port_switch(void);

/* Run fn as an interrupt handler; switch on its return if one is due. */
void port_irq(void (*fn)(void));

/* Start counting idle's ticks afresh (host_run does, see HOST_TICK_LIMIT). */
void port_idle_reset(void);

/* Leave the threads for good and resume host_run() with `result`. */
void port_leave_threads(int result) __attribute__((noreturn));

/* Where host_run() and host_catch_halt() wait to be resumed. */
extern jmp_buf port_run_jmp, port_catch_jmp;
extern ucontext_t port_boot_uc;
extern bool port_catching;
extern int port_result;

/* ASan must be told when the stack changes under it (see cpu.c). */
void port_fiber_leave(void **fake, const char *to_lo, size_t to_len);
void port_fiber_arrive(void *fake);

#endif
