/*
 * poll.c: waiting for any of several descriptors to become ready.
 *
 * Course idea: multiplexed IO. One thread serves many streams by asking the
 * kernel "which of these can I use without blocking?" and sleeping until
 * the answer is not "none". Each object type says what is ready now
 * (kobj_ops.poll_locked); poll asks every descriptor, and if none is ready
 * blocks the thread, BLOCKED like any waiter: no busy waiting, and with
 * nothing else to do the CPU sleeps in idle.
 *
 * How a poller learns that something changed: a thread can wait in one
 * wait queue only (struct thread has one link), so pollers wait together
 * in `pollers`, and a type calls poll_notify_locked() whenever an object
 * may have become ready. Every poller then wakes and looks again. That is
 * simple and never misses a wake-up (the check and the block are one masked
 * step), at the price of waking pollers whose descriptors did not change;
 * Linux avoids that with a wait-queue entry per polled object
 * (poll_table), more memory and code than a small kernel needs.
 * Read next: kernel/pipe.c (pipe_poll_locked), apps/iomodels.c.
 */
#include "errno.h"
#include "fd.h"
#include "panic.h"
#include "sched.h"
#include "state.h"
#include "syscall.h"
#include "timeq.h"

#define SELF (current->proc)

static struct waitq pollers = WAITQ_INIT(pollers);

void poll_notify_locked(void)
{
    ASSERT_LOCKED();
    if (!waitq_empty(&pollers))
        sched_wake_all_locked(&pollers, 0);
}

/* Fill in every revents; returns how many descriptors have some. Masked. */
static int scan_locked(struct proc *p, struct pollfd *fds, int n)
{
    int ready = 0;
    for (int i = 0; i < n; i++) {
        int flags;
        if (fds[i].fd < 0) {            /* as in Unix: an entry to skip */
            fds[i].revents = 0;
            continue;
        }
        struct kobj *o = fd_lookup_locked(p, fds[i].fd, &flags);
        const struct kobj_ops *ops = o ? kobj_ops[o->type] : NULL;
        int now = !o ? POLLNVAL : ops->poll_locked ? ops->poll_locked(o, flags) : 0;
        fds[i].revents = (short)(now & (fds[i].events | POLLERR | POLLHUP | POLLNVAL));
        ready += fds[i].revents != 0;
    }
    return ready;
}

/* poll(fds, n, timeout) -> how many are ready (their revents set), 0 when
 * the timeout passed first; -EINTR, -EFAULT, -EINVAL. */
long sys_poll(void)
{
    struct pollfd fds[POLL_MAX];
    uintptr_t ufds = arg_uaddr(0);
    int n = arg_int(1);
    uint32_t timeout = arg_u32(2), start = ticks;

    if (n < 0 || n > POLL_MAX || (timeout > TICK_WAIT_MAX && timeout != WAIT_FOREVER))
        return -EINVAL;
    if (copyin(fds, ufds, (size_t)n * sizeof fds[0]) < 0)
        return -EFAULT;
    uint32_t s = arch_irq_save();
    int r;
    for (;;) {
        r = scan_locked(SELF, fds, n);
        uint32_t spent = ticks - start;
        if (r > 0 || timeout == WAIT_NONE || (timeout != WAIT_FOREVER && spent >= timeout))
            break;
        int w = sched_block_locked(&pollers, timeout == WAIT_FOREVER ? WAIT_FOREVER
                                   : timeout - spent, WHY_WAIT);
        if (w == -ETIMEDOUT) {
            r = scan_locked(SELF, fds, n);  /* a last look, then 0 or what is ready */
            break;
        }
        if (w < 0) {
            r = w;                  /* -EINTR: its process is ending */
            break;
        }
    }
    arch_irq_restore(s);
    if (r >= 0 && copyout(ufds, fds, (size_t)n * sizeof fds[0]) < 0)
        return -EFAULT;
    return r;
}
