/*
 * usertests_fd.c: usertests' cases about descriptors and pipes.
 *
 * Course idea: one descriptor table per process (kernel/fd.h) and pipes
 * (kernel/pipe.c), held to their rules from user mode: read, write and
 * close on every kind of descriptor (-EBADF where they make no sense), a
 * stale descriptor refused even after its entry is reused, the limits
 * (-EMFILE), end of file and -EPIPE, O_NONBLOCK, writes of PIPE_BUF bytes
 * that never interleave, descriptors handed to a child and nothing else,
 * and kills of processes blocked on either end of a pipe. The round's leak
 * check (objects and pipes free before and after) covers every case.
 * Read next: kernel/sys_fd.c.
 */
#include "usertests.h"

static const char *fd_kinds(void)
{
    int s = sem_create(0), p[2] = { -1, -1 };
    int r = sys_pipe(p, 0);
    char c = 'x';
    const char *why = NULL;
    if (s < 0 || r < 0)
        why = FAILMSG("sem %d, pipe %d", s, r);
    else if (sys_read(s, &c, 1) != -EBADF || sys_write(s, &c, 1) != -EBADF)
        why = "read or write on a semaphore";
    else if (sys_read(p[1], &c, 1) != -EBADF || sys_write(p[0], &c, 1) != -EBADF)
        why = "read on a write end, or write on a read end";
    else if (sem_post(p[0]) != -EBADF || mutex_lock(p[1], WAIT_NONE) != -EBADF)
        why = "a pipe end used as a semaphore or a mutex";
    else if (sys_read(-1, &c, 1) != -EBADF || sys_write(1 << 20, &c, 1) != -EBADF || sys_dup2(0, 99) != -EBADF)
        why = "a descriptor out of range";
    close(s), close(p[0]), close(p[1]);
    return why;
}

/* A closed descriptor is refused, also once its entry holds another object. */
static const char *fd_stale(void)
{
    int a = sem_create(0);
    close(a);
    int b = sem_create(0);          /* the same entry, a new generation */
    int r1 = sem_post(a), r2 = close(a), r3 = sem_post(b);
    close(b);
    return a >= 3 && b != a && (a & 15) == (b & 15) && r1 == -EBADF && r2 == -EBADF && r3 == 0
           ? NULL : FAILMSG("a %d b %d: post(a) %d close(a) %d post(b) %d", a, b, r1, r2, r3);
}

static const char *fd_full(void)
{
    int fds[32], n = 0, r = 0;
    while (n < 32 && (r = sem_create(0)) >= 0)
        fds[n++] = r;
    int p[2], rp = sys_pipe(p, 0);
    for (int i = 0; i < n; i++)
        close(fds[i]);
    return n == 13 && r == -EMFILE && rp == -EMFILE ? NULL
           : FAILMSG("%d created (13 expected: 16 less the console), then %d; pipe %d", n, r, rp);
}

/* lsfd's view: the console three times, then a pipe's two ends, each
 * counted in the object's references. */
static const char *fd_info(void)
{
    int p[2];
    struct fd_info a, b, none;
    sys_pipe(p, O_NONBLOCK);
    int ra = fdinfo(0, 3, &a), rb = fdinfo(0, 4, &b), rn = fdinfo(0, 5, &none);
    int rx = fdinfo(999, 0, &none);
    close(p[0]), close(p[1]);
    return ra == 0 && rb == 0 && rn == -ESRCH && rx == -ESRCH && a.fd == p[0] && b.fd == p[1] &&
           !strcmp(a.type, "pipe") && a.refs == 2 && a.flags == (1 | 4) && b.flags == (2 | 4)
           ? NULL : FAILMSG("fdinfo %d %d %d %d: %d %s refs %d flags %d / %d flags %d",
                            ra, rb, rn, rx, a.fd, a.type, a.refs, a.flags, b.fd, b.flags);
}

/* dup names the object twice: it lives until both are closed. */
static const char *fd_dup(void)
{
    int p[2];
    char c = 0;
    sys_pipe(p, 0);
    int w2 = sys_dup(p[1]);
    close(p[1]);
    int r1 = sys_write(w2, "d", 1);
    int r2 = sys_read(p[0], &c, 1);
    close(w2);                      /* the last writer: end of file */
    int r3 = sys_read(p[0], &c, 1);
    int d = sys_dup2(p[0], 9), r4 = close(9), r5 = close(p[0]);
    return w2 >= 0 && r1 == 1 && r2 == 1 && c == 'd' && r3 == 0 && d == 9 && r4 == 0 && r5 == 0
           ? NULL : FAILMSG("dup %d write %d read %d '%c' eof %d dup2 %d close %d %d",
                            w2, r1, r2, c, r3, d, r4, r5);
}

static const char *pipe_ends(void)
{
    int p[2], q[2];
    char buf[8];
    sys_pipe(p, 0);
    close(p[0]);
    int r1 = sys_write(p[1], "x", 1);   /* no reader: -EPIPE, and we live on */
    close(p[1]);
    sys_pipe(q, O_NONBLOCK);
    int r2 = sys_read(q[0], buf, sizeof buf);                   /* empty */
    int n = 0, r;
    while ((r = sys_write(q[1], "0123456789abcdef", 16)) == 16)
        n += r;
    int r3 = setfl(q[1], 0);        /* it was non-blocking */
    close(q[0]), close(q[1]);
    return r1 == -EPIPE && r2 == -EAGAIN && n == 512 && r == -EAGAIN && r3 == 1 ? NULL
           : FAILMSG("epipe %d, empty %d, filled %d then %d, setfl %d", r1, r2, n, r, r3);
}

/* Two threads write PIPE_BUF-byte blocks of their own letter; the reader
 * must see whole blocks, never a mix. */
static int atomic_fd;
static void *block_writer(void *letter)
{
    char blk[PIPE_BUF];
    memset(blk, (int)(intptr_t)letter, sizeof blk);
    for (int i = 0; i < 8; i++)
        if (sys_write(atomic_fd, blk, sizeof blk) != (int)sizeof blk)
            return (void *)1;
    return NULL;
}

static const char *pipe_atomic(void)
{
    int p[2];
    static char got[16 * PIPE_BUF];
    sys_pipe(p, 0);
    atomic_fd = p[1];
    int ta = thread_create(block_writer, (void *)'a', 0);
    int tb = thread_create(block_writer, (void *)'b', 0);
    int n = 0, r;
    while (n < (int)sizeof got && (r = sys_read(p[0], got + n, sizeof got - (size_t)n)) > 0)
        n += r;
    void *ra, *rb;
    thread_join(ta, &ra, WAIT_FOREVER), thread_join(tb, &rb, WAIT_FOREVER);
    close(p[0]), close(p[1]);
    for (int i = 0; i < n; i++)
        if (got[i] != got[i - i % PIPE_BUF])
            return FAILMSG("byte %d is '%c' in a block of '%c'", i, got[i], got[i - i % PIPE_BUF]);
    return n == (int)sizeof got && !ra && !rb ? NULL : FAILMSG("read %d bytes", n);
}

/* A child with a pipe as 0 and another as 1: upper-cases until EOF. */
static const char *pipe_child(void)
{
    int in[2], out[2];
    char buf[64] = { 0 };
    sys_pipe(in, 0), sys_pipe(out, 0);
    struct spawn_fd map[] = { { in[0], 0 }, { out[1], 1 }, { -1, -1 } };
    char *argv[] = { "userchild", "upper", NULL };
    int pid = sys_spawn("userchild", argv, 0, map);
    close(in[0]), close(out[1]);    /* the child holds the other copies */
    sys_write(in[1], "hello, pipe", 11);
    close(in[1]);                   /* its end of file */
    int n = 0, r, status = -1;
    while ((r = sys_read(out[0], buf + n, sizeof buf - 1 - (size_t)n)) > 0)
        n += r;
    close(out[0]);
    int w = wait(pid, &status, CHILD_TIMEOUT);
    return pid > 0 && w == pid && status == 0 && !strcmp(buf, "HELLO, PIPE") ? NULL
           : FAILMSG("pid %d wait %d status 0x%x got '%s'", pid, w, status, buf);
}

/* Only the listed descriptors reach a child; a bad list refuses the spawn. */
static const char *pass_only_listed(void)
{
    int s = sem_create(0), other = sem_create(0);
    struct spawn_fd map[] = { { s, 5 }, { -1, -1 } }, bad[] = { { 99, 5 }, { -1, -1 } };
    char *argv[] = { "userchild", "holds5", NULL };
    int status = -1, pid = sys_spawn("userchild", argv, 0, map);
    int w = wait(pid, &status, CHILD_TIMEOUT);
    int r = sem_wait(s, WAIT_NONE);     /* the child posted it */
    int rb = sys_spawn("userchild", argv, 0, bad);
    close(s), close(other);
    return w == pid && status == 0 && r == 0 && rb == -EBADF ? NULL
           : FAILMSG("wait %d status 0x%x, posted %d, bad list %d", w, status, r, rb);
}

/* Kill a child blocked on a pipe's read end, then one blocked writing a
 * full pipe: both end killed, and the pipes go with the last descriptor. */
static const char *pipe_kills(void)
{
    const char *why = NULL;
    for (int end = 0; end < 2 && !why; end++) {
        int p[2], status = -1;
        sys_pipe(p, 0);
        struct spawn_fd map[] = { { p[end], end }, { -1, -1 } };
        char *argv[] = { "userchild", end ? "flood" : "drain", NULL };
        int pid = sys_spawn("userchild", argv, 0, map);
        sleep_ticks(5);                 /* blocked by now */
        int k = kill(pid), w = wait(pid, &status, CHILD_TIMEOUT);
        close(p[0]), close(p[1]);
        if (k != 0 || w != pid || status != WSTATUS_KILLED)
            why = FAILMSG("%s: kill %d wait %d status 0x%x", argv[1], k, w, status);
    }
    return why;
}

/* ---- Shared memory -------------------------------------------------------- */

/* A child handed the segment changes what the parent sees; a child not
 * handed it faults at the same address. */
static const char *shm_shared_and_isolated(void)
{
    int fd = shm_create(100), err = 0;
    uint32_t size = 0;
    volatile int *word = shm_map(fd, &size, &err);
    if (!word)
        return FAILMSG("shm_create %d, map error %d", fd, err);
    *word = 12340;
    struct spawn_fd map[] = { { fd, 3 }, { -1, -1 } };
    char *add[] = { "userchild", "shmadd", "5", NULL };
    int status = -1, pid = sys_spawn("userchild", add, 0, map);
    int w = wait(pid, &status, CHILD_TIMEOUT);
    char addr[16], why[PROC_WHY_LEN];
    snprintf(addr, sizeof addr, "%lu", (unsigned long)(uintptr_t)word);
    char *peek[] = { "userchild", "peek", addr, NULL };
    int peeked = run(peek, why, sizeof why);
    int value = *word;
    shm_unmap((void *)word);
    close(fd);
    return w == pid && status == 0 && size == 1024 && value == 12345 &&
           peeked == (WSTATUS_FAULT | FAULT_MEMMANAGE) ? NULL
           : FAILMSG("size %lu, child 0x%x, value %d, stranger 0x%x (%s)",
                     (unsigned long)size, status, value, peeked, why);
}

/* Two mapped at once, a third refused; errors; the gateway takes segments. */
static const char *shm_limits(void)
{
    int a = shm_create(1), b = shm_create(2000), c = shm_create(64), p[2];
    int ea = 0, eb = 0, ec = 0;
    char *ma = shm_map(a, NULL, &ea), *mb = shm_map(b, NULL, &eb), *mc = shm_map(c, NULL, &ec);
    char *again = shm_map(a, NULL, NULL);
    sys_pipe(p, 0);
    memcpy(mb, "via a segment", 14);
    int wr = sys_write(p[1], mb, 14), rd = sys_read(p[0], ma, 14);
    int same = ma && !strcmp(ma, "via a segment");
    int r1 = shm_unmap(ma + 1), r2 = shm_unmap(ma);
    char *mc2 = shm_map(c, NULL, &ec);
    int bad = 0;
    shm_map(p[0], NULL, &bad);
    int big = shm_create(1u << 20), zero = shm_create(0);
    shm_unmap(mb), shm_unmap(mc2);
    close(a), close(b), close(c), close(p[0]), close(p[1]);
    return ma && mb && !mc && ec == 0 && eb == 0 && again == ma && wr == 14 && rd == 14 && same &&
           r1 == -EINVAL && r2 == 0 && mc2 && bad == -EBADF && big == -EINVAL && zero == -EINVAL
           && mc == NULL ? NULL
           : FAILMSG("maps %p %p %p again %p, pipe %d/%d same %d, unmap %d %d, remap %p, "
                     "bad %d, big %d zero %d", ma, mb, mc, again, wr, rd, same, r1, r2,
                     mc2, bad, big, zero);
}

/* Mapped, a segment outlives its descriptor; unmapped, it goes (the
 * round's leak check sees it if not). */
static const char *shm_outlives_fd(void)
{
    int fd = shm_create(4);
    volatile int *w = shm_map(fd, NULL, NULL);
    close(fd);
    *w = 7;
    int v = *w;
    return w && v == 7 && shm_unmap((void *)w) == 0 ? NULL : "a mapped segment without its descriptor";
}

/* ---- poll --------------------------------------------------------------------- */

static const char *poll_ready_now(void)
{
    int p[2], q[2], s = sem_create(1);
    sys_pipe(p, 0), sys_pipe(q, 0);
    sys_write(p[1], "x", 1);
    close(q[1]);                    /* q: end of file */
    struct pollfd f[7] = {
        { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 }, { s, POLLIN, 0 }, { q[0], POLLIN, 0 },
        { 99, POLLIN, 0 }, { 1, POLLOUT, 0 }, { -1, POLLIN, 0x77 },     /* skipped */
    };
    int n = poll(f, 7, WAIT_NONE);
    close(p[0]), close(p[1]), close(q[0]), close(s);
    return n == 6 && f[0].revents == POLLIN && f[1].revents == POLLOUT && f[2].revents == POLLIN
           && f[3].revents == (POLLIN | POLLHUP) && f[4].revents == POLLNVAL && f[5].revents == POLLOUT
           && f[6].revents == 0
           ? NULL : FAILMSG("%d ready: %x %x %x %x %x %x %x", n, f[0].revents, f[1].revents,
                            f[2].revents, f[3].revents, f[4].revents, f[5].revents, f[6].revents);
}

static const char *poll_times_out(void)
{
    int p[2];
    sys_pipe(p, 0);
    struct pollfd f = { p[0], POLLIN, 0 };
    uint32_t t0 = ticks();
    int n = poll(&f, 1, 10);
    uint32_t took = ticks() - t0;
    int bad = poll(&f, 1, 0x80000000u);
    close(p[0]), close(p[1]);
    return n == 0 && f.revents == 0 && took >= 10 && took <= 11 && bad == -EINVAL ? NULL
           : FAILMSG("poll gave %d after %lu ticks (10 asked); 2^31 gave %d", n,
                     (unsigned long)took, bad);
}

/* Two pipes polled; a child writes into the second 5 ticks later. */
static const char *poll_wakes_on_the_right_one(void)
{
    int a[2], b[2];
    sys_pipe(a, 0), sys_pipe(b, 0);
    struct spawn_fd map[] = { { b[1], 1 }, { -1, -1 } };
    char *argv[] = { "userchild", "latewrite", NULL };
    int pid = sys_spawn("userchild", argv, 0, map);
    struct pollfd f[2] = { { a[0], POLLIN, 0 }, { b[0], POLLIN, 0 } };
    int n = poll(f, 2, CHILD_TIMEOUT), status = -1;
    wait(pid, &status, CHILD_TIMEOUT);
    close(a[0]), close(a[1]), close(b[0]), close(b[1]);
    return n == 1 && f[0].revents == 0 && f[1].revents == POLLIN && status == 0 ? NULL
           : FAILMSG("poll %d, revents %x %x, child 0x%x", n, f[0].revents, f[1].revents, status);
}

/* A poller is BLOCKED (not spinning), and a close of what it polls wakes it. */
static struct pollfd closing = { -1, POLLIN, 0 };
static void *poll_one(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)poll(&closing, 1, WAIT_FOREVER);
}

static const char *poll_blocks_and_close_wakes(void)
{
    int p[2];
    sys_pipe(p, 0);
    closing.fd = p[0];
    int tid = thread_create(poll_one, NULL, 0), state = -1;
    sleep_ticks(3);
    struct thread_info ti;
    for (int i = 0; threadinfo(i, &ti) == 0; i++)
        if (ti.tid == tid)
            state = ti.state;
    close(p[0]);
    void *n = NULL;
    thread_join(tid, &n, WAIT_FOREVER);
    close(p[1]);
    return state == 3 && (intptr_t)n == 1 && closing.revents == POLLNVAL ? NULL
           : FAILMSG("poller state %d (3: BLOCKED), poll gave %ld, revents %x", state,
                     (long)(intptr_t)n, closing.revents);
}

static const char *poll_killed(void)
{
    int p[2], status = -1;
    sys_pipe(p, 0);
    struct spawn_fd map[] = { { p[0], 0 }, { -1, -1 } };
    char *argv[] = { "userchild", "pollforever", NULL };
    int pid = sys_spawn("userchild", argv, 0, map);
    sleep_ticks(3);
    int k = kill(pid), w = wait(pid, &status, CHILD_TIMEOUT);
    close(p[0]), close(p[1]);
    return k == 0 && w == pid && status == WSTATUS_KILLED ? NULL
           : FAILMSG("kill %d wait %d status 0x%x", k, w, status);
}

/* A process killed with a segment mapped: its mapping goes, the segment
 * lives on for whoever still names it, and goes with the last (the
 * round's leak check). */
static const char *shm_kill_while_mapped(void)
{
    int fd = shm_create(64), status = -1;
    volatile int *word = shm_map(fd, NULL, NULL);
    struct spawn_fd map[] = { { fd, 3 }, { -1, -1 } };
    char *argv[] = { "userchild", "shmhold", NULL };
    int pid = sys_spawn("userchild", argv, 0, map);
    for (int t = 0; t < 100 && *word != 77; t++)
        sleep_ticks(1);
    int seen = *word;
    int k = kill(pid), w = wait(pid, &status, CHILD_TIMEOUT);
    *word = 5;                      /* still ours */
    int v = *word;
    shm_unmap((void *)word);
    close(fd);
    return seen == 77 && k == 0 && w == pid && status == WSTATUS_KILLED && v == 5 ? NULL
           : FAILMSG("child wrote %d, kill %d wait %d status 0x%x, after %d", seen, k, w,
                     status, v);
}

/* Two threads poll the same pipe: one write wakes both, and both see it. */
static struct pollfd twin[2];
static void *poll_twin(void *arg)
{
    return (void *)(intptr_t)poll(&twin[(intptr_t)arg], 1, CHILD_TIMEOUT);
}

static const char *poll_two_pollers(void)
{
    int p[2];
    sys_pipe(p, 0);
    twin[0] = twin[1] = (struct pollfd){ p[0], POLLIN, 0 };
    int a = thread_create(poll_twin, (void *)0, 0), b = thread_create(poll_twin, (void *)1, 0);
    sleep_ticks(3);                 /* both blocked in poll */
    sys_write(p[1], "x", 1);
    void *ra = NULL, *rb = NULL;
    thread_join(a, &ra, WAIT_FOREVER), thread_join(b, &rb, WAIT_FOREVER);
    close(p[0]), close(p[1]);
    return (intptr_t)ra == 1 && (intptr_t)rb == 1 && twin[0].revents == POLLIN &&
           twin[1].revents == POLLIN ? NULL
           : FAILMSG("pollers gave %ld %ld, revents %x %x", (long)(intptr_t)ra,
                     (long)(intptr_t)rb, twin[0].revents, twin[1].revents);
}

void test_descriptors(void)
{
    judge("fd: every kind, every call", fd_kinds());
    judge("fd: stale after reuse", fd_stale());
    judge("fd: table full is -EMFILE", fd_full());
    judge("fd: dup and dup2", fd_dup());
    judge("fd: fdinfo, as lsfd shows it", fd_info());
    judge("pipe: EPIPE, O_NONBLOCK, capacity", pipe_ends());
    judge("pipe: PIPE_BUF writes stay whole", pipe_atomic());
    judge("pipe: a child's stdin and stdout", pipe_child());
    judge("spawn passes only the listed descriptors", pass_only_listed());
    judge("pipe: kill blocked on either end", pipe_kills());
    judge("shm: shared with a child, a stranger faults", shm_shared_and_isolated());
    judge("shm: two at once, errors, through a pipe", shm_limits());
    judge("shm: a mapping outlives its descriptor", shm_outlives_fd());
    judge("poll: what is ready now", poll_ready_now());
    judge("poll: the timeout is exact", poll_times_out());
    judge("poll: wakes for the one that became ready", poll_wakes_on_the_right_one());
    judge("poll: blocked, and woken by a close", poll_blocks_and_close_wakes());
    judge("poll: kill a poller", poll_killed());
    judge("poll: two pollers of one pipe both woken", poll_two_pollers());
    judge("shm: kill a process with it mapped", shm_kill_while_mapped());
}
