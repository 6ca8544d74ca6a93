/*
 * ubench.c: `ubench MODE N`, the user-mode side of the process benchmarks.
 *
 * Course idea: what crossing into the kernel costs. A system call is a trap,
 * a switch between processes also reloads the MPU, and a spawn loads a whole
 * program. Each mode does one of those N times and nothing else; the timing
 * is done outside, by the kernel-side harness tests/target/bench_proc.c,
 * which runs every mode with two values of N and takes the difference (user
 * code cannot read the timer: devices are outside its memory).
 *
 *   ubench loop N      N passes of an empty loop (the harness's baseline):
 *                      the same loop as yield's, its call left out, its
 *                      result tested against 0 the same way
 *   ubench loopeq N    the same, the result compared with a value: getpid's
 *   ubench getpid N    N getpid() calls: one system call round trip each
 *   ubench yield N     N yield() calls; two such processes alternate
 *   ubench threads N   two threads of this process, N yield() calls each
 *   ubench spawn N     N times: spawn `ubench exit`, wait for it
 *   ubench exit        end at once with status 0
 *   ubench mutex N     N lock+unlock pairs of a free mutex
 *   ubench msg N       N 4-byte queue_puts, each to a more urgent thread
 *                      blocked in queue_get: the whole cycle, until the
 *                      put returns to the sender
 *   ubench msgproc N   the same, the receiver in a child process
 *   ubench msgrecv N   that child: N gets from descriptor 3
 *   ubench sem N       N semaphore round trips between two threads
 *   ubench qlocal N    N put+get pairs with nobody waiting (the object's
 *                      own cost: two calls, no switch)
 *   ubench dlbreak N   Rhealstone's deadlock break, N times: low holds a
 *                      mutex, high (woken by low) blocks on it and lends
 *                      low its priority, low unlocks, high takes and
 *                      releases it and sleeps again; medium is there,
 *                      blocked, as in RTEMS
 *
 * Exit status: 0 when every call gave what it should, else the number of
 * the check that failed (the harness refuses a figure from a failed run).
 * It prints nothing: a console interrupt would land in the measurement.
 * From the shell, `run ubench spawn 100` works too; it just says nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "weft.h"

PROG_ABOUT("MODE N",
           "the user side of make bench-proc (not for people)");

static uint32_t n;

/* The empty loops. A call's loop reloads n on every pass (the call may
 * change memory) and tests what the call returned; here an empty asm that
 * clobbers memory and may change a register stands for the call, so what
 * the harness subtracts is exactly the loop the calls run in. */
static int do_loop(void)
{
    register long r __asm__("r0") = 0;     /* where a call's result is */
    for (uint32_t i = 0; i < n; i++) {
        __asm volatile ("" : "+r"(r) :: "memory");
        if (r != 0)
            return 3;
    }
    return 0;
}

static int do_loopeq(void)
{
    long me = getpid();
    register long r __asm__("r0") = me;
    for (uint32_t i = 0; i < n; i++) {
        __asm volatile ("" : "+r"(r) :: "memory");
        if (r != me)
            return 2;
    }
    return 0;
}

static int do_getpid(void)
{
    int me = getpid();
    for (uint32_t i = 0; i < n; i++)
        if (getpid() != me)
            return 2;
    return 0;
}

static int do_yield(void)
{
    for (uint32_t i = 0; i < n; i++)
        if (yield() != 0)
            return 3;
    return 0;
}

static void *yielder(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)do_yield();
}

/* The main thread and one more, alternating: a switch that stays inside
 * one process, so the MPU keeps its regions. */
static int do_threads(void)
{
    void *other;
    int tid = thread_create(yielder, NULL, 0);
    if (tid < 0)
        return 4;
    int mine = do_yield();
    if (thread_join(tid, &other, WAIT_FOREVER) != 0)
        return 5;
    return mine ? mine : (int)(intptr_t)other;
}

static int do_spawn(void)
{
    static char *const child[] = { "ubench", "exit", NULL };
    int status;
    for (uint32_t i = 0; i < n; i++) {
        int pid = spawn("ubench", child, 0);
        if (pid < 0)
            return 6;
        if (wait(pid, &status, WAIT_FOREVER) != pid || status != 0)
            return 7;
    }
    return 0;
}

static int do_mutex(void)
{
    int m = lock_create();
    for (uint32_t i = 0; i < n; i++)
        if (lock_acquire(m, WAIT_FOREVER) != 0 || lock_release(m) != 0)
            return 8;
    return close(m);
}

/* The receiver: more urgent than the sender, so each put wakes it and it
 * runs at once, takes the item, and blocks in the next get. */
static int receive(int q)
{
    uint32_t v;
    for (uint32_t i = 0; i < n; i++)
        if (queue_get(q, &v, WAIT_FOREVER) != 0 || v != i)
            return 9;
    return 0;
}
static void *receiver(void *arg) { return (void *)(intptr_t)receive((int)(intptr_t)arg); }

static int send(int q)
{
    for (uint32_t i = 0; i < n; i++)
        if (queue_put(q, &i, 0, WAIT_FOREVER) != 0)
            return 10;
    return 0;
}

static int do_msg(void)
{
    void *r;
    int q = queue_create(4, 1, QUEUE_FIFO);
    setprio(0, 2);
    int tid = thread_create(receiver, (void *)(intptr_t)q, 0);  /* at 3: runs, blocks */
    int s = send(q);
    if (tid < 0 || thread_join(tid, &r, WAIT_FOREVER) != 0)
        return 11;
    close(q);
    return s ? s : (int)(intptr_t)r;
}

static int do_msgproc(void)
{
    char num[12], *argv[] = { "ubench", "msgrecv", num, NULL };
    int q = queue_create(4, 1, QUEUE_FIFO), status = -1;
    struct spawn_fd map[] = { { q, 3 }, { -1, -1 } };
    itoa((int)n, num, 10);
    setprio(0, 2);
    int pid = sys_spawn("ubench", argv, 0, map);            /* at 3: runs, blocks */
    int s = send(q);
    if (pid < 0 || wait(pid, &status, WAIT_FOREVER) != pid || status != 0)
        return 12;
    close(q);
    return s;
}

static int dl_mutex, dl_go, dl_stop;
static void *dl_high(void *arg)
{
    (void)arg;
    for (uint32_t i = 0; i < n; i++) {
        if (sem_acquire(dl_go, WAIT_FOREVER) != 0 || lock_acquire(dl_mutex, WAIT_FOREVER) != 0)
            return (void *)13;
        lock_release(dl_mutex);
    }
    return NULL;
}
static void *dl_medium(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)(sem_acquire(dl_stop, WAIT_FOREVER) != 0);
}

/* A semaphore round trip: ping posts pong's semaphore and waits on its own;
 * pong does the opposite. One operation is one round trip. */
static int sem_ping, sem_pong;
static void *ponger(void *arg)
{
    (void)arg;
    for (uint32_t i = 0; i < n; i++)
        if (sem_acquire(sem_pong, WAIT_FOREVER) != 0 || sem_release(sem_ping) != 0)
            return (void *)16;
    return NULL;
}

static int do_sem(void)
{
    void *r;
    sem_ping = sem_create(0), sem_pong = sem_create(0);
    int tid = thread_create(ponger, NULL, 0);
    for (uint32_t i = 0; i < n; i++)
        if (sem_release(sem_pong) != 0 || sem_acquire(sem_ping, WAIT_FOREVER) != 0)
            return 17;
    thread_join(tid, &r, WAIT_FOREVER);
    close(sem_ping), close(sem_pong);
    return r ? 18 : 0;
}

static int do_qlocal(void)         /* put then get, nobody waiting: no switch */
{
    int q = queue_create(4, 1, QUEUE_FIFO);
    for (uint32_t i = 0, v; i < n; i++)
        if (queue_put(q, &i, 0, WAIT_NONE) != 0 || queue_get(q, &v, WAIT_NONE) != 0)
            return 15;
    return close(q);
}

static int do_dlbreak(void)
{
    void *hr, *mr;
    dl_mutex = lock_create(), dl_go = sem_create(0), dl_stop = sem_create(0);
    int hi = thread_create(dl_high, NULL, 0), me = thread_create(dl_medium, NULL, 0);
    setprio(me, 4);
    setprio(hi, 5);                 /* both run and block now */
    for (uint32_t i = 0; i < n; i++) {
        lock_acquire(dl_mutex, WAIT_FOREVER);
        sem_release(dl_go);         /* high runs, blocks on the mutex: we inherit 5 */
        lock_release(dl_mutex);     /* back to 3; high takes it, releases, waits */
    }
    sem_release(dl_stop);
    thread_join(hi, &hr, WAIT_FOREVER), thread_join(me, &mr, WAIT_FOREVER);
    close(dl_mutex), close(dl_go), close(dl_stop);
    return hr || mr ? 14 : 0;
}

int main(int argc, char **argv)
{
    static const struct { const char *name; int (*run)(void); } modes[] = {
        { "loop", do_loop }, { "loopeq", do_loopeq }, { "getpid", do_getpid }, { "yield", do_yield },
        { "threads", do_threads }, { "spawn", do_spawn }, { "mutex", do_mutex },
        { "msg", do_msg }, { "msgproc", do_msgproc }, { "dlbreak", do_dlbreak },
        { "qlocal", do_qlocal }, { "sem", do_sem },
    };
    if (argc == 3 && strcmp(argv[1], "msgrecv") == 0)
        return n = (uint32_t)strtoul(argv[2], NULL, 10), receive(3);
    if (argc == 2 && strcmp(argv[1], "exit") == 0)
        return 0;
    if (argc != 3)
        return 1;
    n = (uint32_t)strtoul(argv[2], NULL, 10);
    for (unsigned i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (strcmp(argv[1], modes[i].name) == 0)
            return modes[i].run();
    return 1;
}
