/*
 * test_sched_mlfq.c: the multilevel feedback queue learns who is a hog.
 *
 * Course idea: each rule of kernel/sched_mlfq.c shows up as an order or a
 * tick a thread can observe. A hog and an interactive thread start equal;
 * after one slice the hog has sunk and the interactive thread, woken, runs
 * at once (under rr it waits for the hog's slice to end: the same scenario
 * run under both). Two threads that always sleep just before their slice
 * ends keep the CPU between them and starve a sunk hog, until the boost.
 * Leaving the policy gives everyone their own priority back.
 *
 * Read next: kernel/sched_mlfq.c, tests/target/test_sched.c (mlfq_*).
 */
#include "ktest.h"

static int mlfq;                    /* its index, looked up by name */

static void *go_policy(void *arg)
{
    sched_set_policy((int)(intptr_t)arg);
    return NULL;
}

/* Every case starts its policy from a thread that runs first. */
static void start_policy(int index)
{
    thread_create("go", go_policy, (void *)(intptr_t)index, NPRIO - 1);
}

static int boot(void **state)
{
    boot_fresh(state);
    mlfq = sched_policy_find("mlfq");
    return 0;
}

/* ---- The policy table ---------------------------------------------------- */

static void test_the_table_names_every_policy_once(void **state)
{
    (void)state;
    assert_true(mlfq >= 0);
    assert_string_equal(sched_policy_name(SCHED_COOP), "coop");
    assert_string_equal(sched_policy_name(SCHED_RR), "rr");
    assert_string_equal(sched_policy_name(mlfq), "mlfq");
    assert_int_equal(sched_policy_find("coop"), SCHED_COOP);
    assert_int_equal(sched_policy_find("rr"), SCHED_RR);
    assert_int_equal(sched_policy_find("r"), -ENOENT);
    assert_int_equal(sched_policy_find("rrr"), -ENOENT);
    assert_null(sched_policy_name(-1));
    assert_null(sched_policy_name(mlfq + 1));
    assert_non_null(sched_policy_about(mlfq));
    assert_int_equal(sched_get_policy(), SCHED_RR);
    assert_int_equal(sched_set_policy(mlfq + 1), -EINVAL);
    assert_int_equal(sched_set_policy(-1), -EINVAL);
    assert_int_equal(sched_get_policy(), SCHED_RR);
}

/* ---- Rules 1 and 2: the hog sinks, the interactive thread stays --------- */

static int hog_prio, io_prio;
static uint32_t latency[4];         /* ticks from each wake-up to running */

static void *hog(void *arg)
{
    for (int i = 0; i < (int)(intptr_t)arg; i++)
        host_tick(1);
    hog_prio = current->prio;
    return NULL;
}

/* Sleeps 3 ticks four times, noting how late it ran after each wake-up. */
static void *interactive(void *arg)
{
    (void)arg;
    for (int i = 0; i < 4; i++) {
        uint32_t due = ticks + 3;
        thread_sleep(3);
        latency[i] = ticks - due;
    }
    io_prio = current->prio;
    return NULL;
}

static void run_hog_and_interactive(int policy)
{
    memset(latency, 0xff, sizeof latency);
    start_policy(policy);
    thread_create("hog", hog, (void *)60, 3);
    thread_create("io", interactive, NULL, 3);
    assert_int_equal(host_run(), HOST_IDLE);
}

static void test_mlfq_a_hog_sinks_below_an_interactive_thread(void **state)
{
    (void)state;
    run_hog_and_interactive(mlfq);
    /* The hog used whole slices: two levels down (3 - 2). The interactive
     * thread always slept first: still at 3, and every wake-up ran at once. */
    assert_int_equal(hog_prio, 1);
    assert_int_equal(io_prio, 3);
    for (int i = 0; i < 4; i++)
        assert_int_equal(latency[i], 0);
}

/* The same threads under rr: equals, so each wake-up waits for the hog's
 * slice to end (it woke 3 ticks into a 10-tick slice: 7 ticks late). */
static void test_rr_the_same_interactive_thread_waits_for_the_hog(void **state)
{
    (void)state;
    run_hog_and_interactive(SCHED_RR);
    assert_int_equal(hog_prio, 3);
    for (int i = 0; i < 4; i++)
        assert_int_equal(latency[i], SLICE_TICKS - 3);
}

/* ---- Rule 3: the boost lifts a starved thread --------------------------- */

#define END_TICK 150
static uint32_t starved_back_at;    /* first tick it ran again after sinking */
static uint32_t starved_prio_then;

/* A hog: runs until END_TICK, noting when it gets the CPU back after its
 * first slice (a jump in `ticks` between two of its own loop turns). */
static void *starved(void *arg)
{
    (void)arg;
    uint32_t last = ticks;
    while (ticks < END_TICK) {
        if (ticks - last > 1 && !starved_back_at) {
            starved_back_at = ticks;
            starved_prio_then = current->prio;
        }
        last = ticks;
        host_tick(1);
    }
    return NULL;
}

/* Games rule 2: runs 9 ticks of its 10-tick slice, sleeps 1, again. Two of
 * them keep a thread at their level READY at every tick. */
static void *gamer(void *arg)
{
    (void)arg;
    while (ticks < END_TICK) {
        host_tick(SLICE_TICKS - 1);
        thread_sleep(1);
    }
    return NULL;
}

static void test_mlfq_the_boost_lifts_a_starved_thread(void **state)
{
    (void)state;
    starved_back_at = 0;
    start_policy(mlfq);
    thread_create("starved", starved, NULL, 3);
    thread_create("g1", gamer, NULL, 3);
    thread_create("g2", gamer, NULL, 3);
    assert_int_equal(host_run(), HOST_IDLE);
    /* It sank at tick 10 and did not run again until the boost at tick
     * 100 put it back at 3, behind a gamer's burst or two (9 ticks each). */
    assert_true(starved_back_at >= 100);
    assert_true(starved_back_at < 100 + 2 * SLICE_TICKS);
    assert_int_equal(starved_prio_then, 3);
}

/* ---- Leaving mlfq, and thread_set_prio under it ------------------------- */

static int prio_after_switch, prio_after_set;
static int hog_id;

/* Wakes while the hog has sunk, looks, switches policy, looks again. */
static void *switcher(void *arg)
{
    (void)arg;
    thread_sleep(25);
    struct thread *h = thread_by_id(hog_id);
    prio_after_set = h->prio;       /* sunk to 1 by now */
    sched_set_policy(SCHED_RR);
    prio_after_switch = h->prio;
    return NULL;
}

static void test_leaving_mlfq_gives_priorities_back(void **state)
{
    (void)state;
    start_policy(mlfq);
    thread_create("switch", switcher, NULL, 5);
    hog_id = thread_create("hog", hog, (void *)40, 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_int_equal(prio_after_set, 1);
    assert_int_equal(prio_after_switch, 3);
    assert_int_equal(hog_prio, 3);          /* and rr left it there */
    assert_int_equal(sched_get_policy(), SCHED_RR);
}

/* thread_set_prio() under mlfq gives a thread a new priority of its own:
 * it is where the thread restarts, and where boosts bring it back to. */
static void *reprioritise(void *arg)
{
    (void)arg;
    thread_sleep(25);
    prio_after_set = thread_by_id(hog_id)->prio;
    thread_set_prio(hog_id, 4);             /* above us? no: we are at 5 */
    prio_after_switch = thread_by_id(hog_id)->base_prio;
    return NULL;
}

static void test_set_prio_under_mlfq_sets_a_new_base(void **state)
{
    (void)state;
    start_policy(mlfq);
    thread_create("setter", reprioritise, NULL, 5);
    hog_id = thread_create("hog", hog, (void *)35, 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_int_equal(prio_after_set, 1);
    assert_int_equal(prio_after_switch, 4);
    /* The 5 ticks left of its slice, at 4, ended it: one level down. */
    assert_int_equal(hog_prio, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_the_table_names_every_policy_once, boot),
        cmocka_unit_test_setup(test_mlfq_a_hog_sinks_below_an_interactive_thread, boot),
        cmocka_unit_test_setup(test_rr_the_same_interactive_thread_waits_for_the_hog, boot),
        cmocka_unit_test_setup(test_mlfq_the_boost_lifts_a_starved_thread, boot),
        cmocka_unit_test_setup(test_leaving_mlfq_gives_priorities_back, boot),
        cmocka_unit_test_setup(test_set_prio_under_mlfq_sets_a_new_base, boot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
