/*
 * usertests_coro.c: usertests' cases about coroutines on weft and the
 * second serial line they serve.
 *
 * Course idea: an event loop of coroutines is one thread to the kernel
 * (lib/coro/async.h), so the kernel's rules for a thread blocked in poll
 * must hold for it: killed mid-await, it leaves nothing behind (objects,
 * pipes, threads and memory counted before and after); a descriptor closed
 * under an awaiting task wakes it. And "ready" must mean "the next call
 * will not block" for UART1 too: with O_NONBLOCK a write takes what fits
 * in the transmit ring and says -EAGAIN when nothing does, so a loop
 * never blocks in a write it was told it could make.
 * The children are apps/asyncchild.c.
 * Read next: apps/asyncchild.c, kernel/poll.c, drivers/serial.c.
 */
#include "usertests.h"

static int same_counts(const struct kstat *a, const struct kstat *b)
{
    return a->mem_free == b->mem_free && a->procs_free == b->procs_free &&
           a->threads_free == b->threads_free && a->objs_free == b->objs_free &&
           a->pipes_free == b->pipes_free;
}

/* asyncchild await: three tasks waiting for ever, then killed. */
static const char *kill_mid_await(void)
{
    struct kstat before, after;
    kstat(&before);
    int up[2], down[2], status = -1;
    char c = 0;
    sys_pipe(up, 0), sys_pipe(down, 0);
    struct spawn_fd map[] = { { down[0], 0 }, { up[1], 1 }, { -1, -1 } };
    char *argv[] = { "asyncchild", "await", NULL };
    int pid = sys_spawn("asyncchild", argv, 0, map);
    close(up[1]), close(down[0]);
    int n = pid > 0 ? sys_read(up[0], &c, 1) : -1;    /* 'r': all three wait */
    int blocked = 0;                                  /* its one thread, BLOCKED in poll */
    for (int t = 0; t < 100 && blocked != 1; t++) {
        struct thread_info ti = { 0 };
        sleep_ticks(1);
        blocked = 0;
        for (int i = 0; threadinfo(i, &ti) == 0; i++)
            if (ti.pid == pid)
                blocked += ti.state == 3 ? 1 : 100;   /* any other thread or state: not 1 */
    }
    int k = kill(pid), w = wait(pid, &status, CHILD_TIMEOUT);
    close(up[0]), close(down[1]);
    kstat(&after);
    return n == 1 && c == 'r' && blocked == 1 && k == 0 && w == pid &&
           status == WSTATUS_KILLED && same_counts(&before, &after) ? NULL
           : FAILMSG("read %d '%c', %d blocked threads, kill %d wait %d status 0x%x; "
                     "free mem %lu->%lu objs %lu->%lu pipes %lu->%lu threads %lu->%lu",
                     n, c, blocked, k, w, status, (unsigned long)before.mem_free,
                     (unsigned long)after.mem_free, (unsigned long)before.objs_free,
                     (unsigned long)after.objs_free, (unsigned long)before.pipes_free,
                     (unsigned long)after.pipes_free, (unsigned long)before.threads_free,
                     (unsigned long)after.threads_free);
}

/* UART1 with O_NONBLOCK: 1000 bytes do not fit the transmit ring (256),
 * so the write takes part of them and returns at once. Under QEMU with no
 * backend for UART1 the ring drains by itself, so a blocking write of the
 * rest completes. */
static const char *serial_nonblocking_write(void)
{
    static char block[1000];
    memset(block, '.', sizeof block);
    int fd = serial_open(O_NONBLOCK);
    if (fd < 0)
        return FAILMSG("serial_open gave %d", fd);
    int n = sys_write(fd, block, sizeof block);
    setfl(fd, 0);
    int rest = n > 0 ? sys_write(fd, block + n, (uint32_t)(sizeof block - (unsigned)n)) : -1;
    close(fd);
    return n > 0 && n < (int)sizeof block && n + rest == (int)sizeof block ? NULL
           : FAILMSG("non-blocking write of 1000 gave %d, then the rest %d", n, rest);
}

void test_coro(void)
{
    judge("coro: kill a process whose tasks are mid-await", kill_mid_await());
    char *closed[] = { "asyncchild", "closed", NULL };
    expect_status("coro: a descriptor closed under an awaiting task", closed, 0);
    judge("serial: O_NONBLOCK write takes what fits", serial_nonblocking_write());
}
