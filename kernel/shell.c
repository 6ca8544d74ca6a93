/*
 * shell.c: the kernel's console shell, a thread like any other.
 *
 * Course idea: the shell is how a student pokes at the scheduler while it
 * runs: `ps` shows every thread's state and accounting, `trace` replays the
 * state transitions, `demo states` walks a thread through all five states,
 * `sched coop|rr|mlfq` swaps the policy under everyone's feet. It reads the
 * console through the interrupt-driven driver, so it is BLOCKED (and the
 * idle thread sleeps in WFI) whenever nobody types.
 * Read next: docs/course-map.md.
 */
#include <stdlib.h>
#include <string.h>

#include "../arch/arch.h"
#include "../drivers/uart.h"
#include "printk.h"
#include "sched.h"
#include "state.h"
#include "thread.h"
#include "trace.h"

#define SHELL_PRIO 4

static void cmd_ps(void)
{
    kprintf("  ID NAME         STATE      PRI    TICKS SWITCHES  WAKEUPS\n");
    for (int i = 0; i < MAX_THREADS; i++) {
        struct thread *t = &thread_table[i];
        if (!t->in_use)
            continue;
        kprintf("%4d %-12s %-10s %3u %8lu %8lu %8lu\n", t->id, t->name,
                thread_state_name[t->state], t->prio, (unsigned long)t->ticks_run,
                (unsigned long)t->switches, (unsigned long)t->wakeups);
    }
    kprintf("policy %s, tick %lu\n", sched_policy_name(sched_get_policy()),
            (unsigned long)ticks);
}

/* `sched [NAME]`: every policy of the kernel's table, the one in force
 * marked with '*'; with a name, switch to that one first. */
static void cmd_sched(const char *name)
{
    if (name) {
        int i = sched_policy_find(name);
        if (i < 0)
            kprintf("sched: no policy '%s'\n", name);
        else
            sched_set_policy(i);
    }
    int now = sched_get_policy();
    for (int i = 0; sched_policy_name(i); i++)
        kprintf("%c %-5s %s\n", i == now ? '*' : ' ', sched_policy_name(i),
                sched_policy_about(i));
}

static void print_trace(int n, int tid)
{
    struct trace_rec recs[32];
    if (n > 32)
        n = 32;
    int got = trace_read(recs, n, tid);
    for (int i = 0; i < got; i++) {
        const struct trace_rec *r = &recs[i];
        struct thread *t = thread_by_id(r->tid);
        kprintf("  t=%-7lu %3d %-12s %-10s -> %-10s %s\n", (unsigned long)r->time,
                r->tid, t ? t->name : "(gone)", thread_state_name[r->from],
                thread_state_name[r->to], transition_reason_name[r->why]);
    }
    kprintf("(%lu transitions since boot)\n", (unsigned long)trace_total());
}

/* The thread of `demo states`: it blocks once (sleep) and exits. */
static void *walker(void *arg)
{
    (void)arg;
    thread_sleep(5);            /* RUNNING -> BLOCKED -> READY (timeout) */
    return (void *)42;          /* RUNNING -> TERMINATED */
}

static void cmd_demo_states(void)
{
    void *value;
    int id = thread_create("walker", walker, NULL, SHELL_PRIO - 1);
    if (id < 0) {
        kprintf("demo: cannot create a thread (%d)\n", id);
        return;
    }
    thread_join(id, &value, WAIT_FOREVER);
    kprintf("walker (id %d) exited with %ld; its life, from the trace:\n", id, (long)value);
    print_trace(16, id);
}

/* Read one line with echo; -1 at end of input (Ctrl-D, which tools/qemu.sh
 * sends when a piped input ends). */
static int read_line(char *buf, int size)
{
    int n = 0;
    for (;;) {
        char c;
        uart_read(&c, 1);
        if (c == 0x04)
            return -1;
        if (c == '\r' || c == '\n') {
            uart_write("\n", 1);
            buf[n] = '\0';
            return n;
        }
        if (c == 0x7f || c == '\b') {
            if (n > 0) {
                n--;
                uart_write("\b \b", 3);
            }
        } else if (c >= ' ' && n < size - 1) {
            buf[n++] = c;
            uart_write(&c, 1);
        }
    }
}

static void *shell_main(void *arg)
{
    char line[80];
    (void)arg;

    kprintf("weft kernel shell. Type 'help'.\n");
    for (;;) {
        kprintf("weft> ");
        int len = read_line(line, sizeof line);
        if (len < 0) {
            kprintf("\nweft: end of input; halted\n");
            arch_halt(EXIT_OK);
        }
        if (len == 0)
            continue;
        char *cmd = strtok(line, " ");
        char *a1 = strtok(NULL, " ");
        if (!strcmp(cmd, "help")) {
            kprintf("ps                 threads: state, priority, ticks run, switches\n");
            kprintf("sched [NAME]       the scheduling policies; switch to NAME\n");
            kprintf("trace [N]          the last N state transitions\n");
            kprintf("demo states        watch a thread walk through all five states\n");
            kprintf("halt               leave QEMU\n");
        } else if (!strcmp(cmd, "ps")) {
            cmd_ps();
        } else if (!strcmp(cmd, "sched")) {
            cmd_sched(a1);
        } else if (!strcmp(cmd, "trace")) {
            print_trace(a1 ? (int)strtol(a1, NULL, 10) : 20, 0);
        } else if (!strcmp(cmd, "demo") && a1 && !strcmp(a1, "states")) {
            cmd_demo_states();
        } else if (!strcmp(cmd, "halt")) {
            kprintf("weft: halted\n");
            arch_halt(EXIT_OK);
        } else {
            kprintf("%s: unknown command (try 'help')\n", cmd);
        }
    }
    return NULL;
}

void app_start(void)
{
    thread_create("shell", shell_main, NULL, SHELL_PRIO);
}
