/*
 * fd_console.c: the console as an object, for descriptors 0, 1 and 2.
 *
 * Course idea: "everything is a file": the console is one more object type
 * behind read and write. Its operations are the driver's (drivers/uart.c):
 * a read blocks until a byte arrives (interrupt-driven) and the reader's
 * process is in the console's foreground job (kernel/console.c), or with
 * FD_NONBLOCK returns what is there or -EAGAIN; a write queues bytes for
 * the transmit interrupt. The object is static and never freed, so its
 * operations run unmasked and the driver takes the lock itself.
 * Read next: drivers/uart.c.
 */
#include "../arch/arch.h"
#include "../drivers/uart.h"
#include "console.h"
#include "errno.h"
#include "kobj.h"
#include "uapi.h"

/* Only the foreground job reads; a background reader waits for `fg`
 * (kernel/console.c: job control in miniature). */
static long console_read(struct kobj *o, char *buf, size_t n, int fdflags)
{
    (void)o;
    return console_fg_read(buf, n, fdflags & FD_NONBLOCK);
}

static long console_write(struct kobj *o, const char *buf, size_t n, int fdflags)
{
    (void)o, (void)fdflags;
    uart_write(buf, n);
    return (long)n;
}

/* Ready to read when a byte has arrived; output is always accepted (a
 * full transmit ring only makes the writer wait for the wire). */
static int console_poll_locked(struct kobj *o, int fdflags)
{
    (void)o;
    /* Input is ready only for the foreground job (kernel/console.c). */
    return (fdflags & FD_READ) && uart_rx_pending() && console_may_read_locked()
           ? POLLIN : (fdflags & FD_WRITE) ? POLLOUT : 0;
}

const struct kobj_ops console_ops = {
    .name = "console",
    .read = console_read,
    .write = console_write,
    .poll_locked = console_poll_locked,
};
