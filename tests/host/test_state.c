/*
 * test_state.c: the five-state model is enforced, for all 25 pairs.
 *
 * Course idea: the legal transitions are a rule (kernel/state.c). This file
 * restates the rule independently, as the diagram in state.c draws it, and
 * tries every from -> to pair on a thread: a legal one must change the state,
 * count and trace it; an illegal one must panic naming both states and
 * change nothing. Then it follows one real thread through its life.
 *
 * Read next: test_sched.c.
 */
#include "ktest.h"

#include "../../kernel/trace.h"

/* The diagram in kernel/state.c, restated: the nine legal arrows. */
static const int legal[TS_NSTATES][TS_NSTATES] = {
    [TS_NEW]     = { [TS_READY] = 1, [TS_TERMINATED] = 1 },
    [TS_READY]   = { [TS_RUNNING] = 1, [TS_TERMINATED] = 1 },
    [TS_RUNNING] = { [TS_READY] = 1, [TS_BLOCKED] = 1, [TS_TERMINATED] = 1 },
    [TS_BLOCKED] = { [TS_READY] = 1, [TS_TERMINATED] = 1 },
};

static const char *const names[TS_NSTATES] = {
    "NEW", "READY", "RUNNING", "BLOCKED", "TERMINATED",
};

struct pair {
    enum thread_state from, to;
    char name[32];
};
static struct pair pairs[TS_NSTATES * TS_NSTATES];
static struct thread victim;

static void move_victim(void *arg)
{
    const struct pair *p = arg;
    thread_set_state(&victim, p->to, WHY_WAKE);
}

static void test_one_transition(void **state)
{
    const struct pair *p = *state;
    uint32_t before = trace_total();
    uint32_t count = thread_transition_count(p->from, p->to);    /* idle's birth counts */
    struct trace_rec rec;
    char want[80];

    memset(&victim, 0, sizeof victim);
    victim.id = 4242;
    strcpy(victim.name, "victim");
    victim.state = (uint8_t)p->from;

    int halted = host_catch_halt(move_victim, (void *)p);
    if (legal[p->from][p->to]) {
        assert_int_equal(halted, -1);
        assert_int_equal(victim.state, p->to);
        assert_int_equal(thread_transition_count(p->from, p->to), count + 1);
        assert_int_equal(trace_total(), before + 1);
        assert_int_equal(trace_read(&rec, 1, 4242), 1);
        assert_int_equal(rec.from, p->from);
        assert_int_equal(rec.to, p->to);
        assert_int_equal(rec.why, WHY_WAKE);
        assert_string_equal(host_console(), "");
    } else {
        assert_int_equal(halted, EXIT_PANIC);
        assert_int_equal(victim.state, p->from);
        assert_int_equal(thread_transition_count(p->from, p->to), count);
        assert_int_equal(trace_total(), before);
        snprintf(want, sizeof want, "illegal transition %s -> %s (thread 4242 'victim', wake)",
                 names[p->from], names[p->to]);
        assert_non_null(strstr(host_console(), want));
    }
    assert_int_equal(thread_transition_legal(p->from, p->to), legal[p->from][p->to]);
}

static void test_state_names_match_the_diagram(void **state)
{
    (void)state;
    for (int s = 0; s < TS_NSTATES; s++)
        assert_string_equal(thread_state_name[s], names[s]);
    assert_int_equal(thread_transition_legal(TS_NSTATES, TS_READY), 0);
    assert_int_equal(thread_transition_legal(TS_READY, TS_NSTATES), 0);
}

/* ---- One thread's whole life, from the trace ----------------------------- */

static void *nap(void *arg)
{
    (void)arg;
    thread_sleep(2);
    return NULL;
}

static void test_a_threads_life_is_traced_in_order(void **state)
{
    (void)state;
    static const struct { uint8_t from, to, why; uint32_t time; } want[] = {
        { TS_NEW, TS_NEW, WHY_CREATE, 0 },
        { TS_NEW, TS_READY, WHY_START, 0 },
        { TS_READY, TS_RUNNING, WHY_DISPATCH, 0 },
        { TS_RUNNING, TS_BLOCKED, WHY_SLEEP, 0 },
        { TS_BLOCKED, TS_READY, WHY_TIMEOUT, 2 },
        { TS_READY, TS_RUNNING, WHY_DISPATCH, 2 },
        { TS_RUNNING, TS_TERMINATED, WHY_EXIT, 2 },
    };
    struct trace_rec recs[16];
    int id = thread_create("nap", nap, NULL, 3);

    assert_int_equal(host_run(), HOST_IDLE);
    assert_int_equal(trace_read(recs, 16, id), 7);
    for (int i = 0; i < 7; i++) {
        assert_int_equal(recs[i].tid, id);
        assert_int_equal(recs[i].from, want[i].from);
        assert_int_equal(recs[i].to, want[i].to);
        assert_int_equal(recs[i].why, want[i].why);
        assert_int_equal(recs[i].time, want[i].time);
    }
}

/* trace_read returns the newest n records, oldest first, even after the
 * ring has wrapped many times. */
static void test_trace_keeps_the_newest_records(void **state)
{
    (void)state;
    for (int i = 0; i < TRACE_LEN + 5; i++)
        trace_record_locked(7000 + i, TS_READY, TS_RUNNING, WHY_DISPATCH);
    struct trace_rec recs[3];
    assert_int_equal(trace_read(recs, 3, 0), 3);
    assert_int_equal(recs[0].tid, 7000 + TRACE_LEN + 2);
    assert_int_equal(recs[2].tid, 7000 + TRACE_LEN + 4);
    /* The oldest record still held is TRACE_LEN back from the newest. */
    assert_int_equal(trace_read(recs, 1, 7005), 1);
    assert_int_equal(trace_read(recs, 1, 7004), 0);
}

/* trace_find keeps only the records of threads tid_lo..tid_hi written at
 * or after `since`: the newest n of them, oldest first (`trace run`). */
static void test_trace_find_filters_by_thread_range_and_time(void **state)
{
    (void)state;
    for (int i = 0; i < 40; i++) {          /* ticks 0..39, tids 10..13 in turn */
        ticks = (uint32_t)i;
        trace_record_locked(10 + i % 4, TS_READY, TS_RUNNING, WHY_DISPATCH);
    }
    struct trace_rec recs[8];
    int n = trace_find(recs, 8, 11, 12, 30);
    assert_int_equal(n, 5);                 /* ticks 30..39 with tid 11 or 12 */
    int want[] = { 30, 33, 34, 37, 38 };
    for (int i = 0; i < n; i++) {
        assert_int_equal(recs[i].time, want[i]);
        assert_true(recs[i].tid == 11 || recs[i].tid == 12);
    }
    assert_int_equal(trace_find(recs, 2, 11, 12, 30), 2);  /* the newest two */
    assert_int_equal(recs[0].time, 37);
    assert_int_equal(recs[1].time, 38);
    assert_int_equal(trace_find(recs, 8, 5000, 5999, 0), 0);    /* no such threads */
}

/* A switch writes its two moves into one slot (kernel/trace.h); the reader
 * gives them back as two records, the dispatch the newer one, each with
 * its own thread, so filters and limits see exactly what separate records
 * would have shown. */
static void test_a_switch_slot_reads_back_as_two_records(void **state)
{
    (void)state;
    struct trace_rec recs[8];
    ticks = 50;
    trace_record_locked(901, TS_NEW, TS_READY, WHY_START);
    ticks = 51;
    trace_record_switch_locked(900, TS_RUNNING, TS_READY, WHY_YIELD, 901);
    ticks = 52;
    trace_record_locked(901, TS_RUNNING, TS_BLOCKED, WHY_SLEEP);

    assert_int_equal(trace_find(recs, 8, 900, 901, 50), 4);
    assert_int_equal(recs[1].tid, 900);
    assert_int_equal(recs[1].time, 51);
    assert_int_equal(recs[1].from, TS_RUNNING);
    assert_int_equal(recs[1].to, TS_READY);
    assert_int_equal(recs[1].why, WHY_YIELD);
    assert_int_equal(recs[2].tid, 901);
    assert_int_equal(recs[2].time, 51);
    assert_int_equal(recs[2].from, TS_READY);
    assert_int_equal(recs[2].to, TS_RUNNING);
    assert_int_equal(recs[2].why, WHY_DISPATCH);
    assert_int_equal(recs[3].to, TS_BLOCKED);
    /* One thread's records: the half of the slot that is its own. */
    assert_int_equal(trace_read(recs, 8, 900), 1);
    assert_int_equal(recs[0].why, WHY_YIELD);
    assert_int_equal(trace_read(recs, 8, 901), 3);
    assert_int_equal(recs[1].why, WHY_DISPATCH);
    /* The newest two stop in the middle of the slot. */
    assert_int_equal(trace_find(recs, 2, 900, 901, 50), 2);
    assert_int_equal(recs[0].tid, 901);
    assert_int_equal(recs[0].why, WHY_DISPATCH);
    assert_int_equal(recs[1].to, TS_BLOCKED);
}

/* Two threads yielding to each other: the trace holds every transition,
 * in order, with its reason, and trace_total() counts each one. */
static void *yield_twice(void *arg)
{
    (void)arg;
    thread_yield();
    thread_yield();
    return NULL;
}

static void test_yields_are_traced_move_by_move(void **state)
{
    (void)state;
    struct trace_rec recs[32];
    uint32_t before = trace_total();
    int a = thread_create("A", yield_twice, NULL, 3);
    int b = thread_create("B", yield_twice, NULL, 3);
    assert_int_equal(host_run(), HOST_IDLE);
    int n = trace_find(recs, 32, a, b, 0);
    /* A and B take turns: each turn is one of them RUNNING -> READY
     * (yield), then the other READY -> RUNNING (dispatch), at one tick. */
    int yields = 0, checked = 0;
    for (int i = 0; i + 1 < n; i++) {
        if (recs[i].why != WHY_YIELD)
            continue;
        yields++;
        assert_int_equal(recs[i].from, TS_RUNNING);
        assert_int_equal(recs[i].to, TS_READY);
        assert_int_equal(recs[i + 1].tid, recs[i].tid == a ? b : a);
        assert_int_equal(recs[i + 1].from, TS_READY);
        assert_int_equal(recs[i + 1].to, TS_RUNNING);
        assert_int_equal(recs[i + 1].why, WHY_DISPATCH);
        assert_int_equal(recs[i + 1].time, recs[i].time);
        checked++;
    }
    assert_int_equal(yields, 4);
    assert_int_equal(checked, 4);
    assert_int_equal(thread_transition_count(TS_RUNNING, TS_READY) >= 4, 1);
    /* Every transition of the run is in the total, a switch's two too. */
    uint32_t moves = 0;
    for (int f = 0; f < TS_NSTATES; f++)
        for (int t = 0; t < TS_NSTATES; t++)
            moves += thread_transition_count((enum thread_state)f, (enum thread_state)t);
    assert_int_equal(trace_total(), moves);
    assert_true(trace_total() - before >= (uint32_t)n);
}

/* The counters and the trace tell the same story: after a run of yields,
 * preemption-free dispatches after blocking, and exits, each from -> to
 * counter equals the number of records of that move in the trace (the
 * whole run fits the ring). A switch's two moves are counted one each,
 * however the counting is done. */
static void *yield_then_wait(void *arg)
{
    (void)arg;
    thread_yield();
    thread_sleep(1);
    thread_yield();
    return NULL;
}

static void test_every_counter_matches_the_trace(void **state)
{
    (void)state;
    struct trace_rec recs[TRACE_LEN];
    thread_create("A", yield_then_wait, NULL, 3);
    thread_create("B", yield_then_wait, NULL, 3);
    thread_create("C", yield_twice, NULL, 3);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_true(trace_total() < TRACE_LEN);         /* nothing overwritten */
    int n = trace_read(recs, TRACE_LEN, 0);
    assert_int_equal((uint32_t)n, trace_total());
    uint32_t seen[TS_NSTATES][TS_NSTATES] = { { 0 } };
    for (int i = 0; i < n; i++)
        seen[recs[i].from][recs[i].to]++;
    assert_true(seen[TS_RUNNING][TS_READY] >= 4);
    for (int f = 0; f < TS_NSTATES; f++)
        for (int t = 0; t < TS_NSTATES; t++)
            assert_int_equal(thread_transition_count((enum thread_state)f, (enum thread_state)t),
                             seen[f][t]);
}

int main(void)
{
    struct CMUnitTest tests[TS_NSTATES * TS_NSTATES + 7];
    int n = 0;

    for (int from = 0; from < TS_NSTATES; from++) {
        for (int to = 0; to < TS_NSTATES; to++, n++) {
            struct pair *p = &pairs[n];
            p->from = (enum thread_state)from;
            p->to = (enum thread_state)to;
            snprintf(p->name, sizeof p->name, "%s -> %s", names[from], names[to]);
            tests[n] = (struct CMUnitTest){ p->name, test_one_transition, boot_fresh, NULL, p };
        }
    }
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_state_names_match_the_diagram);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test_setup(test_a_threads_life_is_traced_in_order, boot_fresh);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test_setup(test_trace_keeps_the_newest_records, boot_fresh);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test_setup(test_trace_find_filters_by_thread_range_and_time, boot_fresh);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test_setup(test_a_switch_slot_reads_back_as_two_records, boot_fresh);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test_setup(test_yields_are_traced_move_by_move, boot_fresh);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test_setup(test_every_counter_matches_the_trace, boot_fresh);
    return _cmocka_run_group_tests("test_state", tests, (size_t)n, NULL, NULL);
}
