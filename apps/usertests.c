/*
 * usertests.c: the kernel's protection and bookkeeping, tested from user mode.
 *
 * Course idea: a kernel must survive anything a user program does. Like
 * xv6's usertests, every hostile act runs in a child process of its own
 * and is judged by the exact exit status it must end with; every pointer-
 * taking system call is handed bad pointers (-EFAULT), bad call numbers
 * (-ENOSYS) and bad handles (-EBADF); tables and memory are filled until
 * the kernel says no, cleanly. The kernel's free counts (SYS_KSTAT) must
 * be the same after each round as before it, and the suite runs twice in
 * one boot, so a leak or a slot left dirty shows up.
 *
 * Output: one `PASS name` or `FAIL name: why` line per case, then exactly
 * one `usertests: N passed, N failed`; the exit status is the number of
 * failures (at most 100). The children are apps/crash.c (the hostile acts
 * themselves), apps/userchild.c (the other parts children play), exitwith,
 * sleeper and hog.
 * Read next: apps/crash.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "usertests.h"

PROG_ABOUT("",
           "the kernel's rules, tested from user mode (about 2 s)");

#define ROUNDS         2
#define SETTLE_TICKS   300          /* for init to reap orphans and daemons */
#define CYCLES         1000
#define FAULTED(code)  (WSTATUS_FAULT | (code))
#define ARG(x)         ((long)(intptr_t)(x))

static int passed, failed;

/* ---- Reporting --------------------------------------------------------- */

/* why == NULL: the case passed. */
void judge(const char *name, const char *why)
{
    if (why) {
        printf("FAIL %s: %s\n", name, why);
        failed++;
    } else {
        printf("PASS %s\n", name);
        passed++;
    }
}

static int skipped;
int have_seams;

void skip(const char *name, const char *why)
{
    printf("SKIP %s: %s\n", name, why);
    skipped++;
}

char msg[160];                      /* the why of the case being judged */

/* ---- Children ---------------------------------------------------------- */

/* Run argv as a child and return its wait status (>= 0), the spawn error
 * (< 0), or -ETIMEDOUT after killing it if it hangs. The kernel's account
 * of its end goes to why[n]. */
int run(char **argv, char *why, int n)
{
    int status;
    int pid = spawn(argv[0], argv, 0);
    if (pid < 0)
        return pid;
    if (wait_why(pid, &status, why, n, CHILD_TIMEOUT) == pid)
        return status;
    kill(pid);
    wait(pid, &status, WAIT_FOREVER);
    return -ETIMEDOUT;
}

/* Judge a child by its exact status. */
void expect_status(const char *name, char **argv, int expected)
{
    char why[PROC_WHY_LEN], got[32], want[32];
    int status = run(argv, why, sizeof why);
    if (status == expected)
        judge(name, NULL);
    else if (status < 0)
        judge(name, FAILMSG("could not run %s (%d)", argv[0], status));
    else
        judge(name, FAILMSG("%s, expected %s%s%s", status_str(status, got, sizeof got),
                            status_str(expected, want, sizeof want),
                            why[0] ? "; kernel says: " : "", why));
}

/* ---- 1. Hostile acts: each in a child, each with its exact fault ------- */

/* Why each status (see ../shared/PLATFORM.md, "Exceptions, privilege, MPU"):
 * an unprivileged access that no MPU region allows is a MemManage DACCVIOL,
 * wherever it points (kernel RAM, a device, unmapped space, NULL, another
 * process, its own read-only text); a jump into an execute-never region is
 * a MemManage IACCVIOL; the system control space (SCB, NVIC, MPU at
 * 0xE000E000) is checked before the MPU and answers user code with a
 * precise BusFault; a branch to an even address (a NULL function pointer)
 * leaves Thumb state, UsageFault INVSTATE; division by zero (DIV_0_TRP),
 * `udf` and an unaligned LDM are UsageFaults; running into the stack guard
 * is FAULT_STACK whether it was a push (DACCVIOL in the guard) or exception
 * stacking (MSTKERR). */
static const struct crash_case {
    const char *kind;
    int status;
} crash_cases[] = {
    { "kread",     FAULTED(FAULT_MEMMANAGE) },
    { "kwrite",    FAULTED(FAULT_MEMMANAGE) },
    { "devread",   FAULTED(FAULT_MEMMANAGE) },
    { "devwrite",  FAULTED(FAULT_MEMMANAGE) },
    { "unmapped",  FAULTED(FAULT_MEMMANAGE) },
    { "nullread",  FAULTED(FAULT_MEMMANAGE) },
    { "nullwrite", FAULTED(FAULT_MEMMANAGE) },
    { "foreign",   FAULTED(FAULT_MEMMANAGE) },
    { "pastbrk",   FAULTED(FAULT_MEMMANAGE) },
    { "textwrite", FAULTED(FAULT_MEMMANAGE) },
    { "privesc",   FAULTED(FAULT_MEMMANAGE) },
    { "execdata",  FAULTED(FAULT_MEMMANAGE) },
    { "execstack", FAULTED(FAULT_MEMMANAGE) },
    { "scbread",   FAULTED(FAULT_BUSFAULT) },
    { "scbwrite",  FAULTED(FAULT_BUSFAULT) },
    { "mpuoff",    FAULTED(FAULT_BUSFAULT) },
    /* On real silicon a call to an even address is an INVSTATE UsageFault;
     * QEMU 7.2 reports the fetch from page 0 (no region) as MemManage
     * IACCVIOL first. Both kill only the caller; we check what QEMU does. */
    { "nullcall",  FAULTED(FAULT_MEMMANAGE) },
    { "div0",      FAULTED(FAULT_USAGEFAULT) },
    { "udf",       FAULTED(FAULT_USAGEFAULT) },
    { "unaligned", FAULTED(FAULT_USAGEFAULT) },
    /* svc with SP in kernel RAM: the frame cannot be stacked (a stack
     * fault), and the call left pending must not run after it. */
    { "svcsp",     FAULTED(FAULT_STACK) },
    { "overflow",  FAULTED(FAULT_STACK) },
    { "threadoverflow", FAULTED(FAULT_STACK) },
};

static void test_crashes(void)
{
    char name[32];
    for (unsigned i = 0; i < sizeof crash_cases / sizeof crash_cases[0]; i++) {
        char *argv[] = { "crash", (char *)crash_cases[i].kind, NULL };
        snprintf(name, sizeof name, "crash %s", crash_cases[i].kind);
        expect_status(name, argv, crash_cases[i].status);
    }
}

/* ---- 3. Bad call numbers and bad handles ------------------------------- */

static void test_enosys(void)
{
    static const long numbers[] = { SYS_NCALLS, 1000, -1, 0x7FFFFFFF };
    for (unsigned i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "enosys %ld", numbers[i]);
        long r = sys_result(sys4(numbers[i], 1, 2, 3, 4));
        judge(name, r == -ENOSYS ? NULL : FAILMSG("gave %ld", r));
    }
}

#define HANDLE_WAITER(name, call) \
    static void *name(void *h) { return (void *)(intptr_t)call((int)(intptr_t)h, WAIT_FOREVER); }
HANDLE_WAITER(sem_waiter, sem_wait)
HANDLE_WAITER(mutex_waiter, mutex_lock)
static void *unlocker(void *h) { return (void *)(intptr_t)mutex_unlock((int)(intptr_t)h); }

static void test_ebadf(void)
{
    int s = sem_create(1), m = mutex_create();
    if (s < 0 || m < 0) {
        judge("ebadf setup", FAILMSG("sem_create %d, mutex_create %d", s, m));
        return;
    }
    judge("ebadf wrong type", mutex_lock(s, WAIT_NONE) == -EBADF && sem_post(m) == -EBADF
          && sem_wait(m, WAIT_NONE) == -EBADF && mutex_unlock(s) == -EBADF
          ? NULL : "a semaphore passed as a mutex or the other way round");
    judge("ebadf never valid", sem_post(-1) == -EBADF && sem_post(1 << 20) == -EBADF
          && close(-1) == -EBADF ? NULL : "an out-of-range handle was accepted");
    close(m);
    int r = close(s);
    judge("ebadf stale", r == 0 && sem_post(s) == -EBADF && close(s) == -EBADF
          && mutex_lock(m, WAIT_NONE) == -EBADF ? NULL
          : FAILMSG("close %d; a closed handle was still accepted", r));

    /* A handle that is valid in this process only: the child tries it. */
    char hs[12], why[48];
    int h = sem_create(0);
    snprintf(hs, sizeof hs, "%d", h);
    char *argv[] = { "userchild", "foreign", hs, NULL };
    int status = run(argv, why, sizeof why);
    judge("ebadf foreign", status == 0 && sem_wait(h, WAIT_NONE) == -ETIMEDOUT ? NULL
          : FAILMSG("child status %d: another process used handle %d", status, h));
    close(h);

    /* Closed while other threads wait on it: they wake with -EBADF, and a
     * new object that takes the freed slot is not touched by them. */
    s = sem_create(0);
    m = mutex_create();
    void *rs = NULL, *rm = NULL;
    int lock = mutex_lock(m, WAIT_NONE);
    int ts = thread_create(sem_waiter, (void *)(intptr_t)s, 0);
    int tm = thread_create(mutex_waiter, (void *)(intptr_t)m, 0);
    sleep_ticks(2);                 /* both are blocked by now */
    close(s);
    close(m);
    thread_join(ts, &rs, WAIT_FOREVER);
    thread_join(tm, &rm, WAIT_FOREVER);
    int fresh = sem_create(0);
    r = sem_post(fresh) == 0 ? sem_wait(fresh, WAIT_NONE) : -1;
    close(fresh);
    judge("ebadf closed while waiting", lock == 0 && ts > 0 && tm > 0
          && (intptr_t)rs == -EBADF && (intptr_t)rm == -EBADF && r == 0 ? NULL
          : FAILMSG("lock %d, threads %d %d: waits gave %d and %d, fresh sem %d",
                    lock, ts, tm, (int)(intptr_t)rs, (int)(intptr_t)rm, r));

    /* A mutex is held by a thread, not by its table slot: a later thread
     * (in the slot of one that ended holding it) may not unlock it. */
    m = mutex_create();
    thread_join(thread_create(mutex_waiter, (void *)(intptr_t)m, 0), &rm, WAIT_FOREVER);
    thread_join(thread_create(unlocker, (void *)(intptr_t)m, 0), &rs, WAIT_FOREVER);
    judge("mutex held by an ended thread", rm == 0 && (intptr_t)rs == -EPERM ? NULL
          : FAILMSG("lock %d, unlock by a later thread %d", (int)(intptr_t)rm, (int)(intptr_t)rs));
    close(m);
}

/* ---- 4. Filling tables and memory -------------------------------------- */

static void test_spawn_full(void)
{
    int pids[64], n = 0, r = 0, killed = 0;
    char *argv[] = { "sleeper", "sleep", NULL };
    while (n < 64 && (r = spawn("sleeper", argv, 0)) > 0)
        pids[n++] = r;
    for (int i = 0; i < n; i++) {
        int status;
        kill(pids[i]);
        if (wait(pids[i], &status, WAIT_FOREVER) == pids[i] && status == WSTATUS_KILLED)
            killed++;
    }
    judge("spawn until full", n > 0 && (r == -EAGAIN || r == -ENOMEM) && killed == n ? NULL
          : FAILMSG("%d spawned, then %d; %d reaped as killed", n, r, killed));
}


/* Heap room past the break is not zeroed at spawn but by sbrk, as it is
 * shown (kernel/sys_proc.c). Each child takes all of it, finds zeroes and
 * leaves 0xA5 behind; the next one gets the same block (the allocator
 * hands back the block just freed), and must find zeroes again. */
static void test_heap_zero(void)
{
    char *argv[] = { "userchild", "heapzero", NULL };
    uint32_t base[3] = { 0 };
    int status[3] = { -1, -1, -1 };
    for (int i = 0; i < 3; i++) {
        struct proc_info pi;
        int pid = spawn(argv[0], argv, 0);
        if (pid > 0 && procinfo(pid, &pi) == 0)
            base[i] = pi.mem_base;
        if (pid > 0)
            wait(pid, &status[i], WAIT_FOREVER);
    }
    judge("sbrk shows zeroes to the next owner",
          status[0] || status[1] || status[2]
              ? FAILMSG("child statuses 0x%x 0x%x 0x%x", status[0], status[1], status[2])
          : base[0] != base[1] && base[1] != base[2]
              ? FAILMSG("blocks 0x%lx 0x%lx 0x%lx: none reused", (unsigned long)base[0],
                        (unsigned long)base[1], (unsigned long)base[2])
          : NULL);
}

static void test_memory(void)
{
    char why[48];
    long big = sys_result(sys1(SYS_SBRK, 0x10000000));
    long brk0 = sys_result(sys1(SYS_SBRK, 0));
    long brk1 = sys_result(sys1(SYS_SBRK, 0));
    judge("sbrk too much", big == -ENOMEM && brk0 == brk1 && brk0 > 0 ? NULL
          : FAILMSG("sbrk(256 MiB) gave %ld; break %ld then %ld", big, brk0, brk1));

    char *oom[] = { "userchild", "oom", NULL };
    int status = run(oom, why, sizeof why);
    judge("malloc until NULL", status == 0 ? NULL : FAILMSG("child status 0x%x %s", status, why));
    char *threads[] = { "userchild", "threads", NULL };
    status = run(threads, why, sizeof why);
    judge("threads until full", status == 0 ? NULL
          : FAILMSG("child status 0x%x %s", status, why));
    char *heapthreads[] = { "userchild", "heapthreads", NULL };
    status = run(heapthreads, why, sizeof why);
    judge("heap shown to every thread", status == 0 ? NULL
          : FAILMSG("child status 0x%x %s", status, why));
    test_heap_zero();
}

static void test_cycles(void)
{
    char arg[8], *argv[] = { "exitwith", arg, NULL };
    for (int i = 0; i < CYCLES; i++) {
        int status = -1;
        snprintf(arg, sizeof arg, "%d", i & 0xFF);
        int pid = spawn("exitwith", argv, 0);
        int r = pid > 0 ? wait(pid, &status, WAIT_FOREVER) : pid;
        if (r != pid || status != (i & 0xFF)) {
            judge("1000 spawn/exit/wait", FAILMSG("cycle %d: spawn %d, wait %d, status 0x%x",
                                                  i, pid, r, status));
            return;
        }
    }
    judge("1000 spawn/exit/wait", NULL);
}

/* ---- 5. Killing, waiting, orphans and daemons -------------------------- */

/* Start `prog how`, let it block (or spin, under round-robin if rr), kill it. */
static void kill_case(const char *name, char *prog, char *how, int rr)
{
    char *argv[] = { prog, how, NULL };
    int old = sched_policy(-1), status = -1;
    if (rr)
        sched_policy(1);
    /* A reader blocks on an empty pipe, not on the console: from `make
     * run` it would take the lines typed after `run usertests` (and the
     * end of input) and the session would never end. The console's own
     * reader is killed by Ctrl-C in tests/target/console.sh. */
    int p[2] = { -1, -1 };
    struct spawn_fd map[] = { { -1, 0 }, { -1, -1 } };
    if (how && !strcmp(how, "read") && sys_pipe(p, 0) == 0)
        map[0].from = p[0];
    int pid = p[0] >= 0 ? sys_spawn(prog, argv, 0, map) : spawn(prog, argv, 0);
    sleep_ticks(5);                 /* let it get to where it blocks or spins */
    int k = kill(pid);
    int r = wait(pid, &status, CHILD_TIMEOUT);
    sched_policy(old);
    if (p[0] >= 0)
        close(p[0]), close(p[1]);
    judge(name, pid > 0 && k == 0 && r == pid && status == WSTATUS_KILLED ? NULL
          : FAILMSG("spawn %d, kill %d, wait %d, status 0x%x", pid, k, r, status));
}

/* The pid of a live process called `name` whose parent is `ppid`, or -1. */
static int find(const char *name, int ppid)
{
    int pids[64];
    int n = proclist(pids, 64);
    for (int i = 0; i < n; i++) {
        struct proc_info pi;
        if (procinfo(pids[i], &pi) == 0 && !strcmp(pi.name, name)
            && (ppid < 0 || pi.ppid == ppid) && pi.state != PS_ZOMBIE)
            return pids[i];
    }
    return -1;
}

static void test_family(void)
{
    int status;
    judge("wait for non-child", wait(1, &status, WAIT_NONE) == -ECHILD
          && wait(99999, &status, WAIT_NONE) == -ECHILD ? NULL : "did not give -ECHILD");
    judge("kill nobody", kill(99999) == -ESRCH ? NULL : "did not give -ESRCH");
    judge("join self", thread_join(gettid(), NULL, WAIT_NONE) == -EDEADLK
          && thread_join(99999, NULL, WAIT_NONE) == -ESRCH ? NULL : "-EDEADLK/-ESRCH expected");

    int h = sem_create(0);
    uint32_t t0 = ticks();
    int r = sem_wait(h, 10);
    uint32_t took = ticks() - t0;
    close(h);
    judge("sem_wait timeout", r == -ETIMEDOUT && took >= 10 && took < 100 ? NULL
          : FAILMSG("gave %d after %lu ticks", r, (unsigned long)took));

    kill_case("kill blocked in read", "sleeper", "read", 0);
    kill_case("kill blocked on semaphore", "sleeper", "sem", 0);
    kill_case("kill sleeping", "sleeper", "sleep", 0);
    kill_case("kill running (rr)", "hog", NULL, 1);

    /* An orphan: its parent ends first, init adopts it. */
    char why[48];
    char *orphan[] = { "userchild", "orphanparent", NULL };
    status = run(orphan, why, sizeof why);
    int adopted = find("sleeper", 1);
    judge("orphan adopted by init", status == 0 && adopted > 0 ? NULL
          : FAILMSG("parent status 0x%x, no sleeper with parent 1", status));
    if (adopted > 0)
        kill(adopted);              /* init reaps it */

    /* A daemon: it ends with its parent. */
    char *daemon[] = { "userchild", "daemonparent", NULL };
    status = run(daemon, why, sizeof why);
    int left = -1;
    for (int t = 0; t < SETTLE_TICKS && (left = find("sleeper", -1)) > 0; t += 5)
        sleep_ticks(5);
    judge("daemon ends with its parent", status == 0 && left < 0 ? NULL
          : FAILMSG("parent status 0x%x, sleeper %d still alive", status, left));
}

/* ---- The suite --------------------------------------------------------- */

static int same(const struct kstat *a, const struct kstat *b)
{
    return a->mem_free == b->mem_free && a->procs_free == b->procs_free
           && a->threads_free == b->threads_free && a->objs_free == b->objs_free
           && a->pipes_free == b->pipes_free;
}

static void round_of_tests(int round)
{
    struct kstat before, after;
    char name[32];

    kstat(&before);
    test_crashes();
    test_efault();
    test_enosys();
    test_ebadf();
    test_spawn_full();
    test_memory();
    test_cycles();
    test_family();
    test_ending();
    test_descriptors();
    test_console_rules();
    test_sync();
    test_coro();

    /* Orphans and daemons are reaped by init, in its own time. */
    for (int t = 0; t < SETTLE_TICKS; t += 5) {
        kstat(&after);
        if (same(&before, &after))
            break;
        sleep_ticks(5);
    }
    snprintf(name, sizeof name, "no leaks (round %d)", round);
    judge(name, same(&before, &after) ? NULL
          : FAILMSG("free mem %lu->%lu procs %lu->%lu threads %lu->%lu objects %lu->%lu",
                    (unsigned long)before.mem_free, (unsigned long)after.mem_free,
                    (unsigned long)before.procs_free, (unsigned long)after.procs_free,
                    (unsigned long)before.threads_free, (unsigned long)after.threads_free,
                    (unsigned long)before.objs_free, (unsigned long)after.objs_free));
}

int main(int argc, char **argv)
{
    have_seams = argc > 1 && !strcmp(argv[1], "seams");
    for (int round = 1; round <= ROUNDS; round++) {
        printf("usertests: round %d\n", round);
        round_of_tests(round);
    }
    if (skipped)
        printf("usertests: %d skipped: they need the test image (make test runs it)\n", skipped);
    printf("usertests: %d passed, %d failed\n", passed, failed);
    return failed > 100 ? 100 : failed;
}
