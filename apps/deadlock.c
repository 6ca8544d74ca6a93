/*
 * deadlock.c: three classic lock bugs, and what the kernel does about them.
 *
 * Course idea:
 *   1. AB-BA: T1 holds A and wants B, T2 holds B and wants A. Each waits
 *      for the other for ever. weft's mutex sees that T2's lock would
 *      close a cycle in the wait-for graph and refuses it at once
 *      (-EDEADLK); the graph is printed from locks() (the shell's
 *      `run locks` prints it too). T2 backs off, and both finish.
 *   2. The recursive lock: a function that takes a Lock and calls itself
 *      would wait for itself for ever (Python's Lock does); weft says
 *      -EDEADLK, and an RLock (rlock_create) is the cure.
 *   3. Priority inversion (the Mars Pathfinder bug): low holds the lock,
 *      high waits for it, and medium, which needs no lock at all, takes
 *      the CPU from low, so high waits for medium. With priority
 *      inheritance low runs at high's priority while high waits, and high
 *      waits only for low's short critical section. Run once with
 *      inheritance off (MUTEX_NOINHERIT) and once on; the waits printed.
 *
 *   run deadlock
 * Read next: kernel/kmutex.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "weft.h"

PROG_ABOUT("", "AB-BA refused (EDEADLK), a recursive Lock, priority inversion with and without inheritance");

static int A, B;
static int t1_id;

static void spin_ticks(uint32_t n)          /* use the CPU for n ticks */
{
    uint32_t t0 = ticks();
    while (ticks() - t0 < n)
        ;
}

/* ---- 1. AB-BA ---------------------------------------------------------------- */

static void *t1(void *arg)
{
    (void)arg;
    lock_acquire(A, WAIT_FOREVER);
    sleep_ticks(5);
    printf("deadlock: T1 (thread %d) holds A, asks for B\n", gettid());
    int r = lock_acquire(B, WAIT_FOREVER);  /* waits: T2 holds B */
    printf("deadlock: T1 got B (%d) once T2 backed off\n", r);
    lock_release(B), lock_release(A);
    return NULL;
}

static void *t2(void *arg)
{
    (void)arg;
    lock_acquire(B, WAIT_FOREVER);
    sleep_ticks(10);                        /* T1 is waiting for B by now */
    uint32_t t0 = ticks();
    int r = lock_acquire(A, WAIT_FOREVER);
    printf("deadlock: T2 (thread %d) holds B, asks for A: %s after %lu ticks\n", gettid(),
           r == -EDEADLK ? "-EDEADLK" : "no refusal", (unsigned long)(ticks() - t0));
    struct lock_info li[8];
    int n = locks(li, 8);
    for (int i = 0; i < n; i++)
        printf("locks: thread %d waits for mutex %d, held by thread %d\n", li[i].tid,
               li[i].mutex, li[i].owner_tid);
    for (int i = 0; i < n; i++)
        if (li[i].tid == t1_id && li[i].owner_tid == gettid())
            printf("deadlock: cycle: thread %d wants A, held by thread %d, which waits for"
                   " B (mutex %d), held by thread %d\n", gettid(), t1_id, li[i].mutex, gettid());
    if (r == 0)
        lock_release(A);
    lock_release(B);                        /* back off: T1 goes on */
    return NULL;
}

static void ab_ba(void)
{
    A = lock_create(), B = lock_create();
    t1_id = thread_create(t1, NULL, 0);
    int id2 = thread_create(t2, NULL, 0);
    thread_join(t1_id, NULL, WAIT_FOREVER), thread_join(id2, NULL, WAIT_FOREVER);
    close(A), close(B);
}

/* ---- 2. The recursive lock ------------------------------------------------ */

/* Walks a little tree of depth `d`, locking l at each level. */
static int walk(int l, int d)
{
    int r = lock_acquire(l, WAIT_FOREVER);
    if (r != 0)
        return r;
    if (d > 1)
        r = walk(l, d - 1);
    lock_release(l);
    return r;
}

static void recursive(void)
{
    int l = lock_create(), rl = rlock_create();
    int r1 = walk(l, 3), r2 = walk(rl, 3);
    printf("recursive: Lock taken again by its owner: %s (a Python Lock would hang)\n",
           r1 == -EDEADLK ? "-EDEADLK" : "no refusal");
    printf("recursive: RLock taken 3 deep and released 3 times: %s\n", r2 == 0 ? "ok" : "error");
    close(l), close(rl);
}

/* ---- 3. Priority inversion ------------------------------------------------- */

static int M;
static volatile uint32_t high_waited;

static void *low(void *arg)                 /* a short critical section */
{
    (void)arg;
    lock_acquire(M, WAIT_FOREVER);
    spin_ticks(10);
    lock_release(M);
    return NULL;
}
static void *medium(void *arg)              /* a CPU hog needing no lock */
{
    (void)arg;
    spin_ticks(100);
    return NULL;
}
static void *high(void *arg)
{
    (void)arg;
    uint32_t t0 = ticks();
    lock_acquire(M, WAIT_FOREVER);
    high_waited = ticks() - t0;
    lock_release(M);
    return NULL;
}

static uint32_t inversion(int inherit)
{
    M = lock_create_flags(inherit ? 0 : MUTEX_NOINHERIT);
    int lo = thread_create(low, NULL, 0);   /* we run at 6: none starts yet */
    setprio(lo, 2);
    sleep_ticks(2);                         /* low holds M now */
    int hi = thread_create(high, NULL, 0);
    setprio(hi, 5);
    sleep_ticks(1);                         /* high waits for M now */
    int me = thread_create(medium, NULL, 0);
    setprio(me, 4);
    thread_join(hi, NULL, WAIT_FOREVER);
    thread_join(me, NULL, WAIT_FOREVER), thread_join(lo, NULL, WAIT_FOREVER);
    close(M);
    printf("inversion: inheritance %s: high (5) waited %lu ticks for low (2), medium (4) hogging\n",
           inherit ? "on " : "off", (unsigned long)high_waited);
    return high_waited;
}

int main(void)
{
    setname("deadlock");
    ab_ba();
    recursive();
    setprio(0, 6);
    uint32_t off = inversion(0), on = inversion(1);
    printf("inversion: %s\n", on * 3 < off ? "inheritance bounded the wait to low's critical section"
                                           : "no difference (is the scheduler preemptive?)");
    return 0;
}
