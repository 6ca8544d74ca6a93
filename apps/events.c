/*
 * events.c: three ways for threads to wait for each other.
 *
 * Course idea:
 *   1. An Event: one set() releases every thread waiting for it, at once
 *      (a starting gun); nothing is used up, so a late waiter passes too.
 *   2. A Condition: the bounded buffer. Producers wait while it is full,
 *      consumers while it is empty, each in a `while` loop around
 *      cond_wait, which releases the lock while it sleeps and holds it
 *      again when it returns. No item is lost or taken twice.
 *   3. A Barrier: workers compute in phases; none starts phase k+1 until
 *      all have finished phase k.
 *
 *   run events
 * Read next: kernel/kevent.c, kernel/kcond.c, kernel/kbarrier.c.
 */
#include <stdio.h>

#include "weft.h"

PROG_ABOUT("", "an Event as a starting gun, a Condition's bounded buffer, a Barrier's phases");

#define WAITERS   5
#define SLOTS     4
#define ITEMS     40            /* per producer */
#define WORKERS   4
#define PHASES    3

/* ---- 1. One event, many waiters ------------------------------------------- */

static int gun;
static volatile int released;
static volatile uint32_t released_at[WAITERS];

static void *runner(void *arg)
{
    int i = (int)(intptr_t)arg;
    if (event_wait(gun, WAIT_FOREVER) == 0)
        released_at[i] = ticks(), released++;
    return NULL;
}

static void one_event(void)
{
    int tids[WAITERS];
    gun = event_create();
    for (int i = 0; i < WAITERS; i++)
        tids[i] = thread_create(runner, (void *)(intptr_t)i, 0);
    sleep_ticks(10);
    printf("event: %d waiting, %d released before set()\n", WAITERS, released);
    uint32_t t = ticks();
    event_set(gun);
    for (int i = 0; i < WAITERS; i++)
        thread_join(tids[i], NULL, WAIT_FOREVER);
    int same_tick = 0;
    for (int i = 0; i < WAITERS; i++)
        same_tick += released_at[i] - t <= 1;
    printf("event: one set() released %d waiters, %d within a tick\n", released, same_tick);
    close(gun);
}

/* ---- 2. A bounded buffer: one lock, two conditions ------------------------ */

static int lock, not_full, not_empty;
static int buf[SLOTS], head, count;
static volatile long consumed_sum;
static volatile int consumed, full_waits, empty_waits;

static void *producer(void *arg)
{
    int base = (int)(intptr_t)arg;
    for (int i = 1; i <= ITEMS; i++) {
        lock_acquire(lock, WAIT_FOREVER);
        while (count == SLOTS)
            full_waits++, cond_wait(not_full, lock, WAIT_FOREVER);
        buf[(head + count++) % SLOTS] = base + i;
        cond_notify(not_empty, 1);
        lock_release(lock);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    int n = (int)(intptr_t)arg;
    for (int i = 0; i < n; i++) {
        lock_acquire(lock, WAIT_FOREVER);
        while (count == 0)
            empty_waits++, cond_wait(not_empty, lock, WAIT_FOREVER);
        consumed_sum += buf[head];
        head = (head + 1) % SLOTS, count--, consumed++;
        cond_notify(not_full, 1);
        lock_release(lock);
        if (i % 8 == 0)
            sleep_ticks(1);             /* a slow consumer: the buffer fills */
    }
    return NULL;
}

static void bounded_buffer(void)
{
    lock = lock_create(), not_full = cond_create(), not_empty = cond_create();
    int p1 = thread_create(producer, (void *)0, 0), p2 = thread_create(producer, (void *)1000, 0);
    int c1 = thread_create(consumer, (void *)ITEMS, 0), c2 = thread_create(consumer, (void *)ITEMS, 0);
    thread_join(p1, NULL, WAIT_FOREVER), thread_join(p2, NULL, WAIT_FOREVER);
    thread_join(c1, NULL, WAIT_FOREVER), thread_join(c2, NULL, WAIT_FOREVER);
    long want = 2L * ITEMS * (ITEMS + 1) / 2 + 1000L * ITEMS;
    printf("condition: %d items through %d slots, sum %s; producers waited %d times, consumers %d\n",
           consumed, SLOTS, consumed_sum == want ? "right" : "WRONG", full_waits, empty_waits);
    close(lock), close(not_full), close(not_empty);
}

/* ---- 3. A barrier between phases -------------------------------------------- */

static int barrier;
static volatile int phase_of[WORKERS];
static volatile int out_of_step;

static void *worker(void *arg)
{
    int me = (int)(intptr_t)arg;
    for (int p = 0; p < PHASES; p++) {
        sleep_ticks((uint32_t)(1 + me * 2));    /* uneven work */
        phase_of[me] = p;
        barrier_wait(barrier, WAIT_FOREVER);
        for (int o = 0; o < WORKERS; o++)       /* everyone finished phase p */
            out_of_step += phase_of[o] < p;
    }
    return NULL;
}

static void phases(void)
{
    int tids[WORKERS];
    barrier = barrier_create(WORKERS);
    for (int i = 0; i < WORKERS; i++)
        tids[i] = thread_create(worker, (void *)(intptr_t)i, 0);
    for (int i = 0; i < WORKERS; i++)
        thread_join(tids[i], NULL, WAIT_FOREVER);
    printf("barrier: %d workers x %d phases, %s\n", WORKERS, PHASES,
           out_of_step ? "OUT OF STEP" : "in step");
    close(barrier);
}

int main(void)
{
    setname("events");
    one_event();
    bounded_buffer();
    phases();
    return 0;
}
