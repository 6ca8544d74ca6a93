/*
 * host.h: driving the host port from a unit test (arch/linux/).
 *
 * Course idea: the portable core does not know which machine it runs on, so
 * the same kernel/ files run as an ordinary Linux program whose "CPU" is a
 * few flags and whose context switch is swapcontext(). A test then plays the
 * hardware: it decides when the timer interrupt fires and reads the console.
 *
 * A test case goes like this (tests/host/test_sched.c has many):
 *
 *     host_boot();                          fresh kernel, only idle exists
 *     thread_create("A", body, NULL, 3);    threads wait in READY
 *     int end = host_run();                 sched_start(): threads run ...
 *     assert_int_equal(end, HOST_IDLE);     ... until nothing is left to do
 *     assert_string_equal(order, "AB");     then check what happened
 *
 * host_run() returns to the test in exactly four ways:
 *   - a thread called host_stop()                          -> HOST_STOPPED
 *   - only idle could run and no thread waits with a timeout (every thread
 *     has ended, or the rest wait forever: a deadlock)     -> HOST_IDLE
 *   - idle ticked HOST_TICK_LIMIT_TICKS times in one run -> HOST_TICK_LIMIT
 *   - the kernel halted (a panic)                -> the status, EXIT_PANIC
 *
 * Time: the port never ticks by itself. A thread calls host_tick(n) to let
 * n timer interrupts happen "while it runs"; and when every thread is
 * blocked, the idle thread's arch_idle_wait() delivers one tick at a time
 * until a sleeper wakes (so sleep(5) from tick 0 wakes at tick 5 exactly).
 *
 * Two traps: threads must not use cmocka's assert_* (a failed assert
 * longjmps from a thread stack to the main stack); record what happened in
 * globals and assert after host_run(). And thread ids are not reset by
 * host_boot() (kernel/thread.c never reuses one), so compare ids only with
 * those thread_create() returned.
 *
 * Under ASan each test program prints one "WARNING: ASan doesn't fully
 * support makecontext/swapcontext" line: expected, and harmless here because
 * cpu.c announces every stack switch to ASan.
 *
 * Read next: arch/linux/cpu.c (the contract), arch/linux/host.c (this).
 */
#ifndef WEFT_HOST_H
#define WEFT_HOST_H

#include <stddef.h>
#include <stdint.h>

/* ---- Processes on the host (tests/host/test_proc.c) ----------------------
 * The host has no user mode. A user thread runs a host function standing in
 * for its program, on its kernel stack; the test maps every entry address
 * the kernel starts a thread at to one (a program's entry, or a thread
 * function's address inside the program's text). The stand-in reaches the
 * kernel only through host_syscall(), and must end with SYS_EXIT or
 * SYS_THREAD_EXIT, as a program's runtime does. */
typedef void (*host_user_fn)(uintptr_t a0, uintptr_t a1);
host_user_fn host_user_resolve(uintptr_t entry) __attribute__((weak));  /* the test's */

/* What `svc 0` does on the board (arch/armv7m/svc.c): run system call n
 * with these arguments in the calling thread, then the last check before
 * the way back to user mode: a thread whose process is ending does not
 * come back. */
long host_syscall(int n, long a0, long a1, long a2, long a3);

/* The console's receive side: bytes a test (or an "interrupt" it raises
 * with host_irq) makes available to a blocked reader. */
void host_console_input(const char *bytes, size_t n);

/* host_run()'s results other than an arch_halt() status (which is >= 0). */
enum host_end {
    HOST_STOPPED = -1,      /* a thread called host_stop() */
    HOST_IDLE = -2,         /* nothing can run and no timeout is pending */
    HOST_TICK_LIMIT = -3,   /* idle ticked HOST_TICK_LIMIT_TICKS times */
};
#define HOST_TICK_LIMIT_TICKS 1000000u

/* Boot a fresh kernel: forget every thread of the previous run, zero the
 * core's state (ticks, counters, the thread table, the timer queue), then
 * arch_init() and sched_init() as kernel/main.c does. Call it from the test,
 * never from a thread. Interrupts are masked, as at a real boot. */
void host_boot(void);

/* sched_start(): run the threads until one of the four ends above. */
int host_run(void);

/* From a thread: end the run; host_run() returns HOST_STOPPED. */
void host_stop(void) __attribute__((noreturn));

/* From a thread, interrupts unmasked: run fn as an interrupt handler
 * (arch_in_isr() is true, a switch it asks for is deferred) and perform any
 * requested switch on "return from interrupt", as PendSV would. */
void host_irq(void (*fn)(void));

/* From a thread: n timer interrupts, each one kernel_tick() via host_irq(). */
void host_tick(uint32_t n);

/* From the test (not inside host_run): call fn(arg) so that an arch_halt()
 * (a panic) comes back here. Returns the halt status, or -1 if fn returned. */
int host_catch_halt(void (*fn)(void *arg), void *arg);

/* Everything written with arch_putc_polled() since the last clear (panic
 * messages, kprintf), NUL-terminated; the oldest text is kept if it fills.
 * Set WEFT_HOST_VERBOSE=1 to also copy it to stderr. */
const char *host_console(void);
void host_console_clear(void);

#endif
