/*
 * test_ksync.c: the synchronisation objects' bookkeeping, on the host.
 *
 * Course idea: kernel/kmutex.c keeps one rule (a thread runs at the
 * highest of its base priority and the first waiters of the mutexes it
 * holds) through chains, timeouts, kills and releases in any order; it
 * refuses a lock that would close a cycle; it hands a dead owner's mutex
 * on with -EOWNERDEAD. Kernel threads play the parts here, with exact
 * ticks, and the test reads priorities where a debugger would. Queue
 * orders are checked with kernel/kqueue.c alone.
 * Read next: apps/usertests_sync.c (the same promises from user mode).
 */
#include "ktest.h"

#include "../../kernel/kobj.h"
#include "../../kernel/proc.h"

static struct kobj *m1, *m2, *m3;
static int result[8], seen[8];
static uint32_t took;
static struct thread *ta, *tb, *tc;

static struct kobj *new_mutex(int flags)
{
    uint32_t s = arch_irq_save();
    struct kobj *o = kobj_alloc_locked(KOBJ_MUTEX);
    kmutex_init(&o->u.mutex, flags);
    o->refs = 1;
    arch_irq_restore(s);
    return o;
}

static int lock(struct kobj *o, uint32_t timeout)
{
    uint32_t s = arch_irq_save();
    int r = kmutex_lock_locked(o, timeout);
    arch_irq_restore(s);
    return r;
}

static int unlock(struct kobj *o)
{
    uint32_t s = arch_irq_save();
    int r = kmutex_unlock_locked(o);
    arch_irq_restore(s);
    return r;
}

static struct thread *spawn(const char *name, thread_fn fn, void *arg, int prio)
{
    return thread_by_id(thread_create(name, fn, arg, prio));
}

static int setup(void **state)
{
    boot_fresh(state);
    proc_init();
    m1 = new_mutex(0), m2 = new_mutex(0), m3 = new_mutex(0);
    memset(result, 0x55, sizeof result);
    memset(seen, 0x55, sizeof seen);
    return 0;
}

/* ---- Wait-queue order --------------------------------------------------------- */

static void *holder(void *arg)              /* hold m1 for `arg` ticks */
{
    lock(m1, WAIT_FOREVER);
    thread_sleep((uint32_t)(uintptr_t)arg);
    unlock(m1);
    return NULL;
}
static void *late_locker(void *arg)         /* after c - '0' ticks, lock m1, mark c */
{
    char c = (char)(uintptr_t)arg;
    thread_sleep((uint32_t)(c == 'b' ? 3 : c == '5' ? 2 : 1));
    if (lock(m1, WAIT_FOREVER) == 0)
        mark(c), unlock(m1);
    return NULL;
}

static void test_most_urgent_first_fifo_among_equals(void **state)
{
    (void)state;
    spawn("H", holder, CH(5), 2);
    spawn("a", late_locker, CH('a'), 3);
    spawn("5", late_locker, CH('5'), 5);
    spawn("b", late_locker, CH('b'), 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_string_equal(order, "5ab");
}

/* ---- Inheritance through a chain, undone by a timeout --------------------------- */

static void *chain_c(void *arg)             /* holds m2 for 20 ticks */
{
    (void)arg;
    lock(m2, WAIT_FOREVER);
    thread_sleep(20);
    unlock(m2);
    result[0] = current->prio;
    return NULL;
}
static void *chain_b(void *arg)             /* holds m1, waits for m2 */
{
    (void)arg;
    thread_sleep(1);
    lock(m1, WAIT_FOREVER);
    result[1] = lock(m2, WAIT_FOREVER);
    unlock(m2), unlock(m1);
    return NULL;
}
static void *chain_a(void *arg)             /* waits 10 ticks for m1 */
{
    (void)arg;
    thread_sleep(2);
    uint32_t t0 = ticks;
    result[2] = lock(m1, 10);
    took = ticks - t0;
    return NULL;
}
static void *chain_watch(void *arg)
{
    (void)arg;
    thread_sleep(5);
    seen[0] = tc->prio, seen[1] = tb->prio;
    thread_sleep(10);                       /* tick 15: A has given up */
    seen[2] = tc->prio, seen[3] = tb->prio;
    return NULL;
}

static void test_inheritance_is_transitive_and_undone_by_a_timeout(void **state)
{
    (void)state;
    tc = spawn("C", chain_c, NULL, 2);
    tb = spawn("B", chain_b, NULL, 4);
    ta = spawn("A", chain_a, NULL, 6);
    spawn("W", chain_watch, NULL, 7);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_int_equal(seen[0], 6);           /* C runs at A's priority */
    assert_int_equal(seen[1], 6);
    assert_int_equal(result[2], -ETIMEDOUT);
    assert_int_equal(took, 10);
    assert_int_equal(seen[2], 4);           /* back to B's */
    assert_int_equal(seen[3], 4);
    assert_int_equal(result[0], 2);         /* released all: its own again */
    assert_int_equal(result[1], 0);
}

/* ---- Releases in any order -------------------------------------------------- */

static void *two_holder(void *arg)          /* hold m1 and m2; release in order arg */
{
    int m1_first = arg != NULL;
    lock(m1, WAIT_FOREVER), lock(m2, WAIT_FOREVER);
    thread_sleep(10);
    unlock(m1_first ? m1 : m2);
    result[0] = current->prio;
    unlock(m1_first ? m2 : m1);
    result[1] = current->prio;
    return NULL;
}
static void *waits_for(void *arg)           /* after 1 tick, lock arg */
{
    thread_sleep(1);
    struct kobj *o = arg;
    if (lock(o, WAIT_FOREVER) == 0)
        unlock(o);
    return NULL;
}

static void test_release_in_either_order_recomputes(void **state)
{
    (void)state;
    for (int m1_first = 0; m1_first < 2; m1_first++) {
        setup(state);
        spawn("C", two_holder, m1_first ? CH(1) : NULL, 2);
        spawn("A", waits_for, m1, 6);
        spawn("B", waits_for, m2, 4);
        assert_int_equal(host_run(), HOST_IDLE);
        assert_int_equal(result[0], m1_first ? 4 : 6);  /* what it still holds decides */
        assert_int_equal(result[1], 2);
    }
}

/* ---- A killed waiter takes its loan back ----------------------------------- */

static void *killable(void *arg)
{
    (void)arg;
    thread_sleep(1);
    result[2] = lock(m1, WAIT_FOREVER);
    return NULL;
}
static void *killer(void *arg)
{
    (void)arg;
    thread_sleep(3);
    seen[0] = tc->prio;
    uint32_t s = arch_irq_save();
    sched_wake_locked(ta, -EINTR);          /* what a kill does to a blocked thread */
    arch_irq_restore(s);
    thread_sleep(1);
    seen[1] = tc->prio;
    return NULL;
}

static void test_a_killed_waiter_is_undone(void **state)
{
    (void)state;
    tc = spawn("C", holder, CH(10), 2);
    ta = spawn("A", killable, NULL, 6);
    spawn("K", killer, NULL, 7);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_int_equal(seen[0], 6);
    assert_int_equal(result[2], -EINTR);
    assert_int_equal(seen[1], 2);
}

/* ---- The cycle check --------------------------------------------------------- */

/* Thread i holds mutex i, then (after i+1 ticks) waits for mutex i+1 mod n. */
static struct kobj *ring[3];
static int ring_n;
static void *ring_member(void *arg)
{
    int i = (int)(uintptr_t)arg;
    lock(ring[i], WAIT_FOREVER);
    thread_sleep((uint32_t)(i + 1));
    uint32_t t0 = ticks;
    result[i] = lock(ring[(i + 1) % ring_n], WAIT_FOREVER);
    seen[i] = (int)(ticks - t0);
    if (result[i] == 0)
        unlock(ring[(i + 1) % ring_n]);
    unlock(ring[i]);
    return NULL;
}

static void test_a_lock_closing_a_cycle_is_refused_at_once(void **state)
{
    for (ring_n = 2; ring_n <= 3; ring_n++) {
        setup(state);
        ring[0] = m1, ring[1] = m2, ring[2] = m3;
        for (int i = 0; i < ring_n; i++)
            spawn("R", ring_member, CH(i), 3);
        assert_int_equal(host_run(), HOST_IDLE);
        /* The last to ask closes the cycle; the others get their lock. */
        for (int i = 0; i < ring_n - 1; i++)
            assert_int_equal(result[i], 0);
        assert_int_equal(result[ring_n - 1], -EDEADLK);
        assert_int_equal(seen[ring_n - 1], 0);
    }
}

/* ---- A dead owner ------------------------------------------------------------- */

static void *dies_holding(void *arg)
{
    (void)arg;
    lock(m1, WAIT_FOREVER);
    thread_sleep(3);
    uint32_t s = arch_irq_save();
    kmutex_thread_ended_locked(current);    /* what the end of a thread does */
    arch_irq_restore(s);
    return NULL;
}
static void *next_owner(void *arg)
{
    (void)arg;
    thread_sleep(1);
    result[0] = lock(m1, WAIT_FOREVER);
    uint32_t s = arch_irq_save();
    result[1] = kmutex_consistent_locked(m1);
    arch_irq_restore(s);
    result[2] = unlock(m1);
    result[3] = lock(m1, WAIT_NONE);
    unlock(m1);
    return NULL;
}

static void test_a_dead_owners_mutex_passes_on_with_eownerdead(void **state)
{
    (void)state;
    spawn("D", dies_holding, NULL, 3);
    spawn("N", next_owner, NULL, 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_int_equal(result[0], -EOWNERDEAD);
    assert_int_equal(result[1], 0);
    assert_int_equal(result[2], 0);
    assert_int_equal(result[3], 0);
}

/* ---- Queue orders ------------------------------------------------------------ */

static void *queue_orders(void *arg)
{
    (void)arg;
    static const int prios[] = { 5, 1, 5, 0, 9 };
    static const int want[3][5] = { { 0, 1, 2, 3, 4 }, { 4, 3, 2, 1, 0 }, { 3, 1, 0, 2, 4 } };
    for (int order = QUEUE_FIFO; order <= QUEUE_PRIO; order++) {
        uint32_t s = arch_irq_save();
        struct kobj *q = kobj_alloc_locked(KOBJ_QUEUE);
        assert_int_equal(kqueue_init_locked(&q->u.queue, sizeof(int), 5, order), 0);
        q->refs = 1;
        for (int i = 0; i < 5; i++)
            assert_int_equal(kqueue_put_locked(q, &i, prios[i], WAIT_NONE), 0);
        int v = -1;
        assert_int_equal(kqueue_put_locked(q, &v, 0, WAIT_NONE), -ETIMEDOUT);
        for (int i = 0; i < 5; i++) {
            assert_int_equal(kqueue_get_locked(q, &v, WAIT_NONE), 0);
            assert_int_equal(v, want[order][i]);
        }
        assert_int_equal(kqueue_get_locked(q, &v, WAIT_NONE), -ETIMEDOUT);
        for (int i = 0; i < 5; i++)
            assert_int_equal(kqueue_task_done_locked(q), 0);
        assert_int_equal(kqueue_task_done_locked(q), -EINVAL);
        kobj_unref_locked(q, FD_READ | FD_WRITE);   /* frees the buffer */
        arch_irq_restore(s);
    }
    mark('q');
    return NULL;
}

/* A thread does it: a full or empty queue's WAIT_NONE goes through the
 * blocking path, which needs a running thread. */
static void test_queue_orders(void **state)
{
    (void)state;
    uint32_t free0 = proc_mem_free();
    spawn("Q", queue_orders, NULL, 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_string_equal(order, "q");
    assert_int_equal(proc_mem_free(), free0);
}

/* Under mlfq, a thread that uses whole slices sinks; one that runs on
 * inherited priority must not sink below what it inherits, or the
 * inversion is back. */
static void *cpu_holder(void *arg)
{
    (void)arg;
    lock(m1, WAIT_FOREVER);
    thread_sleep(3);                        /* A is waiting by now */
    for (int i = 0; i < 5 * SLICE_TICKS; i++)
        host_tick(1);                       /* five whole slices of CPU */
    result[0] = current->prio;
    unlock(m1);
    result[1] = current->prio;
    return NULL;
}

static void test_mlfq_does_not_sink_an_inherited_priority(void **state)
{
    (void)state;
    assert_int_equal(sched_set_policy(sched_policy_find("mlfq")), 0);
    spawn("C", cpu_holder, NULL, 3);
    ta = spawn("A", waits_for, m1, 6);
    assert_int_equal(host_run(), HOST_IDLE); /* (the next boot is rr again) */
    assert_int_equal(result[0], 6);
    assert_true(result[1] <= 3);            /* its own level, or below it (mlfq) */
}

/* A put to an empty queue with a getter waiting hands the item straight
 * over: the getter has it, the queue stays empty, the work is unfinished. */
static struct kobj *hq;
static void *hq_getter(void *arg)
{
    (void)arg;
    int v = 0;
    uint32_t s = arch_irq_save();
    result[0] = kqueue_get_locked(hq, &v, WAIT_FOREVER);
    arch_irq_restore(s);
    result[1] = v;
    mark('g');
    return NULL;
}
static void *hq_putter(void *arg)
{
    (void)arg;
    int v = 77;
    thread_sleep(2);
    uint32_t s = arch_irq_save();
    result[2] = kqueue_put_locked(hq, &v, 0, WAIT_NONE);
    result[3] = hq->u.queue.count;
    result[4] = hq->u.queue.unfinished;
    arch_irq_restore(s);
    mark('p');
    return NULL;
}

static void test_a_put_hands_over_to_a_waiting_getter(void **state)
{
    (void)state;
    uint32_t s = arch_irq_save();
    hq = kobj_alloc_locked(KOBJ_QUEUE);
    assert_int_equal(kqueue_init_locked(&hq->u.queue, sizeof(int), 1, QUEUE_FIFO), 0);
    hq->refs = 1;
    arch_irq_restore(s);
    spawn("G", hq_getter, NULL, 5);
    spawn("P", hq_putter, NULL, 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_string_equal(order, "gp");       /* the more urgent getter ran at once */
    assert_int_equal(result[0], 0);
    assert_int_equal(result[1], 77);
    assert_int_equal(result[2], 0);
    assert_int_equal(result[3], 0);
    assert_int_equal(result[4], 1);
    s = arch_irq_save();
    kobj_unref_locked(hq, FD_READ | FD_WRITE);
    arch_irq_restore(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_most_urgent_first_fifo_among_equals, setup),
        cmocka_unit_test_setup(test_inheritance_is_transitive_and_undone_by_a_timeout, setup),
        cmocka_unit_test_setup(test_release_in_either_order_recomputes, setup),
        cmocka_unit_test_setup(test_a_killed_waiter_is_undone, setup),
        cmocka_unit_test_setup(test_a_lock_closing_a_cycle_is_refused_at_once, setup),
        cmocka_unit_test_setup(test_a_dead_owners_mutex_passes_on_with_eownerdead, setup),
        cmocka_unit_test_setup(test_mlfq_does_not_sink_an_inherited_priority, setup),
        cmocka_unit_test_setup(test_queue_orders, setup),
        cmocka_unit_test_setup(test_a_put_hands_over_to_a_waiting_getter, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
