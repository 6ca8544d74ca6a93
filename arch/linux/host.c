/*
 * host.c: the test driver of the host port (see host.h for how to use it).
 *
 * Course idea: to test a kernel you must be able to boot it again and again,
 * and to survive its panics. Booting is resetting what the core keeps in
 * static memory and re-running its init functions; surviving a panic is
 * making arch_halt() jump back to the test instead of stopping the machine.
 * The console is a buffer the test reads. Read next: cpu.c.
 */
#define _XOPEN_SOURCE 700

#include "host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/printk.h"
#include "../../kernel/sched.h"
#include "../../kernel/state.h"
#include "../../kernel/timeq.h"
#include "../arch.h"
#include "port.h"

jmp_buf port_run_jmp, port_catch_jmp;
ucontext_t port_boot_uc;
bool port_catching;
int port_result;

static char console[16384];
static size_t console_len;

static void misuse(const char *what)
{
    fprintf(stderr, "weft host: %s\n", what);
    abort();
}

/* ---- Booting and running ------------------------------------------------ */

/*
 * The core's static state and who resets it:
 *   thread_table, current, idle_thread, ticks, the transition counts here
 *   the timer queue (timeq.c): every slot is unlinked from it here
 *   ready queues, ready mask, policy, the idle thread       sched_init()
 *   next_id (thread.c) and the trace ring (trace.c) are not reset: ids keep
 *   growing and the trace keeps its history, as they would on the board.
 */
void host_boot(void)
{
    if (port_in_threads)
        misuse("host_boot() called from a thread");
    port_masked = true;             /* a boot is masked, and the timer queue
                                       is touched only masked (_locked) */
    for (int i = 0; i < MAX_THREADS; i++)
        if (thread_table[i].tlink.next)     /* ever initialised */
            timeq_remove_locked(&thread_table[i]);
    memset(thread_table, 0, sizeof thread_table);
    memset(&trace_log, 0, sizeof trace_log);     /* its counters and its ring */
    current = NULL;
    idle_thread = NULL;
    ticks = 0;
    console_write = console_write_polled;
    port_pending = port_in_isr = false;
    port_running = NULL;
    arch_init();
    sched_init();
}

int host_run(void)
{
    if (port_in_threads)
        misuse("host_run() called from a thread");
    port_idle_reset();
    if (setjmp(port_run_jmp) == 0)
        sched_start();              /* comes back by longjmp */
    return port_result;
}

void host_stop(void)
{
    if (!port_in_threads)
        misuse("host_stop() called outside host_run()");
    port_leave_threads(HOST_STOPPED);
}

/* ---- Interrupts --------------------------------------------------------- */

void host_irq(void (*fn)(void))
{
    if (!port_in_threads || port_masked || port_in_isr)
        misuse("host_irq() needs a running thread with interrupts unmasked");
    port_irq(fn);
}

void host_tick(uint32_t n)
{
    while (n--)
        host_irq(kernel_tick);
}

/* ---- Halting and the console -------------------------------------------- */

int host_catch_halt(void (*fn)(void *arg), void *arg)
{
    bool was_masked = port_masked;

    if (port_in_threads)
        misuse("host_catch_halt() called from a thread");
    port_catching = true;
    if (setjmp(port_catch_jmp) == 0) {
        fn(arg);
        port_catching = false;
        return -1;
    }
    port_catching = false;
    port_masked = was_masked;       /* panic() masked them */
    return port_result;
}

/* Inside host_run() a halt ends the run; inside host_catch_halt() it
 * returns there; anywhere else the test program exits with the status. */
void arch_halt(int status)
{
    port_result = status;
    if (port_in_threads)
        port_leave_threads(status);
    if (port_catching)
        longjmp(port_catch_jmp, 1);
    fprintf(stderr, "weft host: arch_halt(%d) outside host_run():\n%s\n", status, console);
    exit(status);
}

void arch_putc_polled(char c)
{
    static int verbose = -1;

    if (verbose < 0)
        verbose = getenv("WEFT_HOST_VERBOSE") != NULL;
    if (verbose)
        fputc(c, stderr);
    if (console_len + 1 < sizeof console)
        console[console_len++] = c;
    console[console_len] = '\0';
}

const char *host_console(void) { return console; }

void host_console_clear(void)
{
    console_len = 0;
    console[0] = '\0';
}
