/*
 * fd_serial.c: the second serial line as an object (drivers/serial.h).
 *
 * Course idea: a device is one more object type behind read, write and
 * poll. There is one UART1, so one static object, never freed; any process
 * may open it (SYS_SERIAL_OPEN) and several may hold it, as several may
 * hold the console. Its operations run unmasked; the driver masks itself.
 * Read next: drivers/serial.c, apps/serialecho.c.
 */
#include "../drivers/serial.h"
#include "errno.h"
#include "fd.h"
#include "sched.h"
#include "syscall.h"
#include "uapi.h"

struct kobj kobj_serial1 = { .type = KOBJ_SERIAL };

static long serial_read(struct kobj *o, char *buf, size_t n, int fdflags)
{
    (void)o;
    return serial1_read(buf, n, fdflags & FD_NONBLOCK);
}

static long serial_write(struct kobj *o, const char *buf, size_t n, int fdflags)
{
    (void)o;
    return serial1_write(buf, n, fdflags & FD_NONBLOCK);
}

static int serial_poll_locked(struct kobj *o, int fdflags)
{
    (void)o;
    return ((fdflags & FD_READ) && serial1_rx_pending() ? POLLIN : 0) |
           ((fdflags & FD_WRITE) && serial1_tx_room() ? POLLOUT : 0);
}

const struct kobj_ops serial_ops = {
    .name = "serial line 1",
    .read = serial_read,
    .write = serial_write,
    .poll_locked = serial_poll_locked,
};

/* serial_open(flags) -> a descriptor of UART1 (flags: O_NONBLOCK). */
long sys_serial_open(void)
{
    int flags = arg_int(0);
    if (flags & ~O_NONBLOCK)
        return -EINVAL;
    serial1_start();
    uint32_t s = arch_irq_save();
    int r = fd_install_locked(current->proc, &kobj_serial1,
                              FD_READ | FD_WRITE | (flags & O_NONBLOCK ? FD_NONBLOCK : 0));
    arch_irq_restore(s);
    return r;
}
