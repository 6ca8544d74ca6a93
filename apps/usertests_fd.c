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

void test_descriptors(void)
{
    judge("fd: every kind, every call", fd_kinds());
    judge("fd: stale after reuse", fd_stale());
    judge("fd: table full is -EMFILE", fd_full());
    judge("fd: dup and dup2", fd_dup());
    judge("pipe: EPIPE, O_NONBLOCK, capacity", pipe_ends());
    judge("pipe: PIPE_BUF writes stay whole", pipe_atomic());
    judge("pipe: a child's stdin and stdout", pipe_child());
    judge("spawn passes only the listed descriptors", pass_only_listed());
    judge("pipe: kill blocked on either end", pipe_kills());
}
