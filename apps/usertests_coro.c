/*
 * usertests_coro.c: usertests' cases about coroutines on weft.
 *
 * Course idea: an event loop of coroutines is one thread to the kernel
 * (lib/coro/async.h), so the kernel's rules for a thread blocked in poll
 * must hold for it: killed mid-await, it leaves nothing behind (objects,
 * pipes, threads and memory counted before and after), also with work out
 * on a thread pool whose worker is blocked; a descriptor closed
 * under an awaiting task wakes it. (UART1's O_NONBLOCK writes are tested
 * with a peer that stalls, in tests/target/async-serial.sh: with no peer,
 * as here, QEMU sends every byte at once and the ring never fills.)
 * The children are apps/asyncchild.c.
 * Read next: apps/asyncchild.c, kernel/poll.c.
 */
#include "usertests.h"

static int same_counts(const struct kstat *a, const struct kstat *b)
{
    return a->mem_free == b->mem_free && a->procs_free == b->procs_free &&
           a->threads_free == b->threads_free && a->objs_free == b->objs_free &&
           a->pipes_free == b->pipes_free;
}

/* Its threads, once all of them are BLOCKED (within 100 ticks); else -1. */
static int threads_blocked(int pid, int want)
{
    for (int t = 0; t < 100; t++) {
        struct thread_info ti = { 0 };
        int blocked = 0, other = 0;
        sleep_ticks(1);
        for (int i = 0; threadinfo(i, &ti) == 0; i++)
            if (ti.pid == pid)
                ti.state == 3 ? blocked++ : other++;
        if (blocked == want && !other)
            return blocked;
    }
    return -1;
}

/* asyncchild ROLE, which says 'r' once it waits for ever; then killed.
 * `threads`: how many of its threads must be BLOCKED by then. */
static const char *kill_mid_await(char *role, int threads)
{
    struct kstat before, after;
    kstat(&before);
    int up[2], down[2], status = -1;
    char c = 0;
    sys_pipe(up, 0), sys_pipe(down, 0);
    struct spawn_fd map[] = { { down[0], 0 }, { up[1], 1 }, { -1, -1 } };
    char *argv[] = { "asyncchild", role, NULL };
    int pid = sys_spawn("asyncchild", argv, 0, map);
    close(up[1]), close(down[0]);
    int n = pid > 0 ? sys_read(up[0], &c, 1) : -1;    /* 'r': every task waits */
    int blocked = threads_blocked(pid, threads);
    int k = kill(pid), w = wait(pid, &status, CHILD_TIMEOUT);
    close(up[0]), close(down[1]);
    kstat(&after);
    return n == 1 && c == 'r' && blocked == threads && k == 0 && w == pid &&
           status == WSTATUS_KILLED && same_counts(&before, &after) ? NULL
           : FAILMSG("read %d '%c', %d blocked threads, kill %d wait %d status 0x%x; "
                     "free mem %lu->%lu objs %lu->%lu pipes %lu->%lu threads %lu->%lu",
                     n, c, blocked, k, w, status, (unsigned long)before.mem_free,
                     (unsigned long)after.mem_free, (unsigned long)before.objs_free,
                     (unsigned long)after.objs_free, (unsigned long)before.pipes_free,
                     (unsigned long)after.pipes_free, (unsigned long)before.threads_free,
                     (unsigned long)after.threads_free);
}

void test_coro(void)
{
    judge("coro: kill a process whose tasks are mid-await", kill_mid_await("await", 1));
    judge("coro: kill one awaiting its thread pool's work", kill_mid_await("awaitpool", 2));
    char *closed[] = { "asyncchild", "closed", NULL };
    expect_status("coro: a descriptor closed under an awaiting task", closed, 0);
}
