/*
 * test_thread.c: creating, exiting, joining, and reusing thread slots.
 *
 * Course idea: the thread table is a fixed array (kernel/thread.c). A slot
 * is taken at create and given back only when the thread is reaped, by its
 * joiner or (detached) at its last switch; a full table is -EAGAIN, an
 * ordinary error. Join hands the exit value over and has its own errors.
 *
 * Read next: test_regressions.c (the join bugs found and fixed).
 */
#include "ktest.h"

static int r[8];
static void *val[8];

static int setup(void **state)
{
    boot_fresh(state);
    memset(r, 0x55, sizeof r);
    memset(val, 0, sizeof val);
    return 0;
}

static int slots_in_use(void)
{
    int n = 0;
    for (int i = 0; i < MAX_THREADS; i++)
        n += thread_table[i].in_use;
    return n;
}

static void *return_1234(void *arg) { (void)arg; return (void *)0x1234; }

static void *exit_5678(void *arg)
{
    (void)arg;
    thread_exit((void *)0x5678);
}

static void *join_both(void *arg)
{
    (void)arg;
    int a = thread_create("ret", return_1234, NULL, 2);
    int b = thread_create("exit", exit_5678, NULL, 2);
    r[0] = thread_join(a, &val[0], WAIT_FOREVER);
    r[1] = thread_join(b, &val[1], WAIT_FOREVER);
    r[2] = thread_join(a, &val[2], WAIT_FOREVER);   /* already reaped */
    return NULL;
}

static void test_join_returns_the_exit_value_and_frees_the_slot(void **state)
{
    (void)state;
    thread_create("main", join_both, NULL, 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_int_equal(r[0], 0);
    assert_ptr_equal(val[0], (void *)0x1234);
    assert_int_equal(r[1], 0);
    assert_ptr_equal(val[1], (void *)0x5678);
    assert_int_equal(r[2], -ESRCH);
    assert_int_equal(slots_in_use(), 2);        /* idle, and main: ended, unjoined */
}

static void *join_errors(void *arg)
{
    (void)arg;
    int d = thread_create_detached("det", mark_and_exit, CH('d'), 2);
    r[0] = thread_join(current->id, NULL, WAIT_FOREVER);
    r[1] = thread_join(99999, NULL, WAIT_FOREVER);
    r[2] = thread_join(d, NULL, WAIT_FOREVER);
    r[3] = thread_join(idle_thread->id, NULL, WAIT_FOREVER);
    r[4] = thread_create("bad", mark_and_exit, NULL, 0);
    r[5] = thread_create("bad", mark_and_exit, NULL, NPRIO);
    r[6] = thread_create("bad", NULL, NULL, 2);
    r[7] = thread_set_prio(idle_thread->id, 3);
    return NULL;
}

static void test_join_and_create_errors(void **state)
{
    (void)state;
    thread_create("main", join_errors, NULL, 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_int_equal(r[0], -EDEADLK);
    assert_int_equal(r[1], -ESRCH);
    assert_int_equal(r[2], -ESRCH);
    assert_int_equal(r[3], -ESRCH);
    assert_int_equal(r[4], -EINVAL);
    assert_int_equal(r[5], -EINVAL);
    assert_int_equal(r[6], -EINVAL);
    assert_int_equal(r[7], -ESRCH);
    assert_string_equal(order, "d");
    assert_int_equal(slots_in_use(), 2);        /* the detached one was reaped */
}

static int target;

static void *late_exit(void *arg)
{
    (void)arg;
    thread_sleep(20);
    return (void *)7;
}

static void *first_joiner(void *arg)
{
    (void)arg;
    uint32_t t0 = ticks;
    r[0] = thread_join(target, &val[0], 5);         /* times out */
    r[1] = (int)(ticks - t0);
    r[2] = thread_join(target, &val[2], WAIT_FOREVER);
    return NULL;
}

static void *second_joiner(void *arg)
{
    (void)arg;
    thread_sleep(6);                /* first_joiner is waiting again by now */
    r[3] = thread_join(target, NULL, WAIT_FOREVER);
    return NULL;
}

static void test_join_timeout_and_a_second_joiner_is_busy(void **state)
{
    (void)state;
    target = thread_create("late", late_exit, NULL, 2);
    thread_create("j1", first_joiner, NULL, 3);
    thread_create("j2", second_joiner, NULL, 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_int_equal(r[0], -ETIMEDOUT);
    assert_int_equal(r[1], 5);
    assert_int_equal(r[2], 0);
    assert_ptr_equal(val[2], (void *)7);
    assert_int_equal(r[3], -EBUSY);
    assert_int_equal(ticks, 20);
}

/* Fills the table with threads less urgent than itself (so none runs yet),
 * then frees one slot by joining and shows it can be used again. */
static void *fill_table(void *arg)
{
    (void)arg;
    static int ids[MAX_THREADS];
    int n = 0, id;

    while ((id = thread_create("kid", mark_and_exit, CH('k'), 1)) > 0)
        ids[n++] = id;
    r[0] = n;
    r[1] = id;
    r[2] = thread_join(ids[0], NULL, WAIT_FOREVER);  /* every kid runs now */
    r[3] = thread_create("again", mark_and_exit, CH('+'), 1);
    r[4] = thread_create("full", mark_and_exit, CH('!'), 1);
    for (int i = 1; i < n; i++)
        thread_join(ids[i], NULL, WAIT_FOREVER);
    thread_join(r[3], NULL, WAIT_FOREVER);
    return NULL;
}

static void test_a_full_table_is_eagain_until_a_join_frees_a_slot(void **state)
{
    (void)state;
    char want[MAX_THREADS + 2] = "";

    thread_create("main", fill_table, NULL, 5);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_int_equal(r[0], MAX_THREADS - 2);        /* idle and main hold two */
    assert_int_equal(r[1], -EAGAIN);
    assert_int_equal(r[2], 0);
    assert_true(r[3] > 0);
    assert_int_equal(r[4], -EAGAIN);
    memset(want, 'k', MAX_THREADS - 2);
    want[MAX_THREADS - 2] = '+';
    assert_string_equal(order, want);
    assert_int_equal(slots_in_use(), 2);
}

/* thread_by_id() looks first where the newest thread with a like id went
 * (kernel/thread.c, id_hint): an older thread whose hint was taken long
 * ago is still found, and a reaped id whose hint now points at a slot
 * that holds another thread is not. */
static struct thread *found[4];

static void *create_and_join_many(void *arg)
{
    (void)arg;
    int old = thread_create("old", return_1234, NULL, 2);  /* waits: less urgent */
    int first = 0, last = 0;
    r[0] = 0;
    for (int i = 0; i < 200; i++) {
        last = thread_create("c", return_1234, NULL, 4);  /* runs and ends at once */
        if (!first)
            first = last;
        r[0] |= thread_join(last, NULL, WAIT_FOREVER);
    }
    found[0] = thread_by_id(old);
    found[1] = thread_by_id(first);     /* reaped, its slot reused since */
    found[2] = thread_by_id(last);      /* reaped just now */
    found[3] = thread_by_id(current->id);
    r[1] = thread_join(old, NULL, WAIT_FOREVER);
    return NULL;
}

static void test_lookup_by_id_finds_old_threads_and_never_reaped_ones(void **state)
{
    (void)state;
    thread_create("main", create_and_join_many, NULL, 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_int_equal(r[0], 0);
    assert_non_null(found[0]);
    assert_string_equal(found[0]->name, "old");
    assert_null(found[1]);
    assert_null(found[2]);
    assert_non_null(found[3]);
    assert_string_equal(found[3]->name, "main");
    assert_int_equal(r[1], 0);
    assert_int_equal(slots_in_use(), 2);    /* idle, and main (never joined) */
}

/* What a slot keeps from one thread to the next (thread_init_slots): its
 * own kernel stack, and `tlink` linked to itself (off the timer queue);
 * claim() sets neither. After threads that were woken before their
 * timeout, timed out, slept, ended detached and were reaped, every free
 * slot is off the timer queue and every slot has the stack it had at boot;
 * then threads in the reused slots use the timer queue again. */
static struct sem early, never_posted;
static uint32_t *boot_stacks[MAX_THREADS];

static int early_result = 99;
static void *wait_early(void *arg) { (void)arg; early_result = sem_wait(&early, 50); return NULL; }
static void *wait_out(void *arg) { (void)arg; r[1] = sem_wait(&never_posted, 3); return NULL; }
static void *nap(void *arg) { r[(intptr_t)arg] = thread_sleep(2); return NULL; }

/* Slots whose stack moved, or that are free but not off the timer queue. */
static int slots_not_kept(void)
{
    int bad = 0;
    for (int i = 0; i < MAX_THREADS; i++) {
        struct thread *t = &thread_table[i];
        bad += t->stack_base != boot_stacks[i] || t->stack_size != KSTACK_SIZE;
        bad += !t->in_use && (t->tlink.next != &t->tlink || t->tlink.prev != &t->tlink);
    }
    return bad;
}

static void *use_the_timer_queue(void *arg)
{
    (void)arg;
    int a = thread_create("early", wait_early, NULL, 4);
    int b = thread_create("out", wait_out, NULL, 4);
    int c = thread_create("nap", nap, (void *)2, 4);
    thread_create_detached("gone", nap, (void *)3, 4);
    sem_post(&early);                   /* a leaves the timer queue early */
    r[4] = thread_join(a, NULL, WAIT_FOREVER) | thread_join(b, NULL, WAIT_FOREVER) |
           thread_join(c, NULL, WAIT_FOREVER);
    thread_sleep(2);                    /* the detached one is reaped */
    r[5] = slots_in_use();
    r[6] = slots_not_kept();

    a = thread_create("again", nap, (void *)7, 4);     /* a reused slot */
    uint32_t t0 = ticks;
    r[4] |= thread_join(a, NULL, WAIT_FOREVER);
    r[0] = (int)(ticks - t0);
    return NULL;
}

static void test_a_free_slot_keeps_its_stack_and_is_off_the_timer_queue(void **state)
{
    (void)state;
    for (int i = 0; i < MAX_THREADS; i++) {
        boot_stacks[i] = thread_table[i].stack_base;
        assert_non_null(boot_stacks[i]);
        for (int j = 0; j < i; j++)
            assert_ptr_not_equal(boot_stacks[i], boot_stacks[j]);
    }
    sem_init(&early, 0);
    sem_init(&never_posted, 0);
    thread_create("main", use_the_timer_queue, NULL, 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_int_equal(early_result, 0);
    assert_int_equal(r[1], -ETIMEDOUT);
    assert_int_equal(r[2], 0);
    assert_int_equal(r[3], 0);
    assert_int_equal(r[4], 0);
    assert_int_equal(r[5], 2);          /* idle, and main */
    assert_int_equal(r[6], 0);
    assert_int_equal(r[7], 0);
    assert_int_equal(r[0], 2);          /* the reused slot's sleep took its 2 ticks */
    assert_int_equal(slots_not_kept(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_join_returns_the_exit_value_and_frees_the_slot, setup),
        cmocka_unit_test_setup(test_join_and_create_errors, setup),
        cmocka_unit_test_setup(test_join_timeout_and_a_second_joiner_is_busy, setup),
        cmocka_unit_test_setup(test_a_full_table_is_eagain_until_a_join_frees_a_slot, setup),
        cmocka_unit_test_setup(test_lookup_by_id_finds_old_threads_and_never_reaped_ones, setup),
        cmocka_unit_test_setup(test_a_free_slot_keeps_its_stack_and_is_off_the_timer_queue,
                               setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
