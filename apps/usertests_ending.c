/*
 * usertests_ending.c: usertests' cases about how processes end: kills that
 * race with a system call's return or a wake-up, kills of processes with
 * many threads or none in the kernel, and Python's rule for main's exit.
 *
 * Course idea: the one exit path (kernel/proc.c, proc_end_locked) must end
 * a process wherever its threads are, and lose no kill. Each case here was
 * a bug in an earlier weft (see the commit that added it). The children
 * are apps/userchild.c's roles.
 * Read next: apps/usertests_fd.c.
 */
#include "usertests.h"

static void *lock_and_hold(void *m)
{
    return (void *)(intptr_t)mutex_lock((int)(intptr_t)m, WAIT_FOREVER);
}

/* A waiter woken by unlock owns the mutex from that moment: if the handle
 * is then closed and the slot reused by a new mutex, the waiter does not
 * become the new one's owner when it finally runs. */
static const char *mutex_handover(void)
{
    int m = mutex_create(), r2 = -1, r3 = -1;
    void *got = (void *)1;
    mutex_lock(m, WAIT_FOREVER);
    int tid = thread_create(lock_and_hold, (void *)(intptr_t)m, 0);
    while (sleep_ticks(1) == 0) {       /* until it is blocked on m */
        struct thread_info ti;
        int blocked = 0;
        for (int i = 0; threadinfo(i, &ti) == 0; i++)
            blocked |= ti.tid == tid && ti.state == 3;  /* BLOCKED */
        if (blocked)
            break;
    }
    mutex_unlock(m);                    /* handed to the waiter, still READY */
    close(m);
    int m2 = mutex_create();            /* may reuse the object */
    int r1 = mutex_lock(m2, WAIT_NONE);
    thread_join(tid, &got, WAIT_FOREVER);
    r2 = mutex_unlock(m2);
    r3 = close(m2);
    return r1 == 0 && got == 0 && r2 == 0 && r3 == 0 ? NULL
           : FAILMSG("lock %d, waiter got %ld, unlock %d, close %d", r1, (long)(intptr_t)got, r2, r3);
}

/* A kill that an interrupt handler makes as a fast call enters the
 * kernel, before the thread counts as in it: the thread is ended at once,
 * and the call it was making must not run after its end (here a post of a
 * semaphore only the parent can see). */
static const char *kill_as_fast_call_enters(void)
{
    int s = sem_create(0), status = -1;
    struct spawn_fd map[] = { { s, 3 }, { -1, -1 } };
    char *argv[] = { "userchild", "killenter", NULL };
    int pid = sys_spawn("userchild", argv, 0, map);
    int w = wait(pid, &status, CHILD_TIMEOUT);
    int posted = sem_wait(s, WAIT_NONE) == 0;
    if (w != pid)
        kill(pid), wait(pid, NULL, WAIT_FOREVER);
    close(s);
    return w == pid && status == WSTATUS_KILLED && !posted ? NULL
           : FAILMSG("wait %d status 0x%x, the dead thread's post %s", w, status,
                     posted ? "happened" : "did not happen");
}

/* Kill a child started with argv after `ticks`; expect it killed. */
static void kill_after(const char *name, char **argv, uint32_t ticks)
{
    int status = -1, pid = spawn(argv[0], argv, 0);
    sleep_ticks(ticks);
    int k = kill(pid);
    int w = wait(pid, &status, CHILD_TIMEOUT);
    judge(name, k == 0 && w == pid && status == WSTATUS_KILLED ? NULL
          : FAILMSG("kill %d, wait %d, status 0x%x", k, w, status));
    if (w != pid)
        wait(pid, NULL, WAIT_FOREVER);
}

void test_ending(void)
{
    char *window[] = { "userchild", "killwindow", NULL };
    char *fastwindow[] = { "userchild", "killfast", NULL };
    char *irqwindow[] = { "userchild", "killirq", NULL };
    char *irqfast[] = { "userchild", "killirqf", NULL };
    char *waitkill[] = { "userchild", "waitkill", NULL };
    char *threaded[] = { "userchild", "threaded", NULL };
    char *spin[] = { "userchild", "spin", NULL };
    char *mainexit[] = { "userchild", "mainexit", NULL };
    char *regs[] = { "userchild", "regs", NULL };
    struct proc_info pi;
    int status = -1;

    if (have_seams) {
        expect_status("kill in the return window", window, WSTATUS_KILLED);
        expect_status("kill in a fast call's return window", fastwindow, WSTATUS_KILLED);
        expect_status("kill from an interrupt as a call leaves", irqwindow, WSTATUS_KILLED);
        expect_status("kill from an interrupt as a fast call leaves", irqfast, WSTATUS_KILLED);
        judge("kill from an interrupt as a fast call enters", kill_as_fast_call_enters());
    } else {
        static const char *const need_seams[] = {
            "kill in the return window", "kill in a fast call's return window",
            "kill from an interrupt as a call leaves",
            "kill from an interrupt as a fast call leaves",
            "kill from an interrupt as a fast call enters",
        };
        for (unsigned i = 0; i < sizeof need_seams / sizeof need_seams[0]; i++)
            skip(need_seams[i], "needs the test image's seams, which land a kill in a "
                                "chosen instruction (tests/target/init_usertests.c)");
    }
    expect_status("kill while woken in a wait loop", waitkill, WSTATUS_KILLED);
    kill_after("kill a process of four threads", threaded, 20);
    kill_after("kill a process spinning in user mode", spin, 3);
    judge("mutex handed over at unlock", mutex_handover());
    expect_status("R4-R11 kept across calls and preemptions", regs, 0);

    /* Python: main returns 3, a non-daemon thread keeps the process alive
     * for 30 ticks, the daemon thread ends with it, the status is main's. */
    int pid = spawn("userchild", mainexit, 0);
    sleep_ticks(10);
    int r = procinfo(pid, &pi);
    int w = wait(pid, &status, CHILD_TIMEOUT);
    judge("main exits, a non-daemon thread lives on",
          r == 0 && pi.state == PS_ALIVE && pi.nthreads == 2 && w == pid && status == 3
          ? NULL : FAILMSG("procinfo %d state %d threads %d, wait %d status 0x%x",
                           r, pi.state, pi.nthreads, w, status));
}

