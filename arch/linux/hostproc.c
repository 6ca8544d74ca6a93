/*
 * hostproc.c: the host port's side of the process layer (see host.h).
 *
 * Course idea: what the board does for a process in hardware, imitated in a
 * few lines so kernel/proc.c and the system calls run under ASan: the trap
 * into the kernel and the last check on the way back (svc.c on the board),
 * and a console driver over the test's buffers (drivers/uart.c). Linked
 * only into tests/host/test_proc.c. Read next: tests/host/test_proc.c.
 */
#define _XOPEN_SOURCE 700

#include <string.h>

#include "../../drivers/serial.h"
#include "../../drivers/uart.h"
#include "../../kernel/errno.h"
#include "../../kernel/kobj.h"
#include "../../kernel/sched.h"
#include "../../kernel/state.h"
#include "../arch.h"
#include "host.h"

/* ---- System calls and the console driver, for the process layer ---------- */

long host_syscall(int n, long a0, long a1, long a2, long a3)
{
    struct thread *t = current;
    t->sysno = (uint32_t)n;
    t->in_syscall = 1;
    long r = kernel_syscall(a0, a1, a2, a3);
    arch_irq_disable();             /* the handler: nothing preempts it */
    if (t->kill_pending)
        kernel_thread_killed();
    t->in_syscall = 0;
    arch_irq_enable();
    return r;
}

/* drivers/uart.c's interface, over the test console: what the kernel
 * writes is appended to host_console(); readers block until input comes. */
static char input[256];
static size_t input_len;
static struct waitq readers = WAITQ_INIT(readers);

void host_console_input(const char *bytes, size_t n)
{
    uint32_t s = arch_irq_save();
    for (size_t i = 0; i < n && input_len < sizeof input; i++)
        input[input_len++] = bytes[i];
    sched_wake_all_locked(&readers, 0);
    poll_notify_locked();
    arch_irq_restore(s);
}

void uart_write(const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        arch_putc_polled(buf[i]);
}

/* The rest of the interface kernel/console.c reads the console through. */
struct uart_stats uart_stats;
int (*uart_intr_hook)(void);
size_t uart_rx_pending(void) { return input_len; }

/* The host has no second serial line: it is open, and silent. */
void serial1_start(void) {}
long serial1_read(char *buf, size_t n, int nonblock) { (void)buf, (void)n, (void)nonblock; return -EAGAIN; }
long serial1_write(const char *buf, size_t n, int nonblock) { (void)buf, (void)nonblock; return (long)n; }
size_t serial1_rx_pending(void) { return 0; }
int serial1_tx_room(void) { return 1; }

size_t uart_read_nonblock(char *buf, size_t n)
{
    uint32_t s = arch_irq_save();
    size_t r = n < input_len ? n : input_len;
    memcpy(buf, input, r);
    memmove(input, input + r, input_len - r);
    input_len -= r;
    arch_irq_restore(s);
    return r;
}

int uart_wait_input_locked(void)
{
    return input_len ? 0 : sched_block_locked(&readers, WAIT_FOREVER, WHY_WAIT);
}

void uart_flush_input_locked(void)
{
    uart_stats.rx_flushed += (uint32_t)input_len;
    input_len = 0;
}

void uart_wake_readers_locked(void)
{
    sched_wake_all_locked(&readers, 0);
}

long uart_read(char *buf, size_t n)
{
    uint32_t s = arch_irq_save();
    long r = 0;
    while (input_len == 0 && r == 0)
        r = uart_wait_input_locked();
    if (r == 0)
        r = (long)uart_read_nonblock(buf, n);
    arch_irq_restore(s);
    return r;
}
