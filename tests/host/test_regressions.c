/*
 * test_regressions.c: kernel bugs the host tests found, kept as regressions.
 *
 * Each case asserts what the kernel's contract promises; each failed before
 * its fix (the fixes are in the commit that made this suite part of
 * `make test`), so a return of the bug shows up here by name.
 *
 * Read next: kernel/thread.c (thread_join), kernel/sched.c, kernel/printk.c.
 */
#include "ktest.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../kernel/printk.h"

/* ---- FIXED BUG 1: thread_join() reaps a slot twice ----------------------
 * kernel/thread.c, thread_join(): a joiner woken by the target's exit frees
 * the slot (t->in_use = 0) after it runs again, without checking that the
 * slot still holds the target. thread_exit() empties `joiners` when it wakes
 * the first joiner, so before that joiner runs a more urgent thread can
 * join the same id (no -EBUSY: the queue is empty), reap the slot, and
 * create a new thread in it. The first joiner then reads the newcomer's
 * exit_value and frees the newcomer's slot while it is READY. */
static struct sem go_t, go_b;
static int t_id, n_id, a_r, b_r, n_alive_after_a;
static void *a_val, *b_val;

static void *target(void *arg) { (void)arg; sem_wait(&go_t, WAIT_FOREVER); return (void *)0x77; }

static void *joiner_a(void *arg)
{
    (void)arg;
    a_r = thread_join(t_id, &a_val, WAIT_FOREVER);
    n_alive_after_a = thread_by_id(n_id) != NULL;  /* N is READY: it must be */
    return NULL;
}

static void *joiner_b(void *arg)
{
    (void)arg;
    sem_wait(&go_b, WAIT_FOREVER);
    b_r = thread_join(t_id, &b_val, WAIT_FOREVER);  /* T has exited, A not yet run */
    n_id = thread_create("N", mark_and_exit, CH('N'), 1);   /* takes T's old slot */
    return NULL;
}

static void *conductor(void *arg)
{
    (void)arg;
    t_id = thread_create("T", target, NULL, 4);
    thread_create("B", joiner_b, NULL, 3);
    thread_create("A", joiner_a, NULL, 2);
    thread_sleep(1);                /* T, B, A block in turn */
    sem_post(&go_b);                /* B ready (3) */
    sem_post(&go_t);                /* T ready (4) */
    return NULL;                    /* T exits, waking A (2); B (3) runs first */
}

static void test_join_does_not_free_a_slot_reused_by_another_thread(void **state)
{
    (void)state;
    sem_init(&go_t, 0);
    sem_init(&go_b, 0);
    a_r = b_r = 99;
    n_id = 0;
    thread_create("C", conductor, NULL, 5);
    host_run();
    /* Whichever joiner gets T, N must survive and run, and a joiner that
     * gets 0 must get T's value. */
    assert_true(n_id > 0);
    assert_true(n_alive_after_a);
    assert_string_equal(order, "N");
    assert_int_equal(b_r, 0);
    assert_ptr_equal(b_val, (void *)0x77);
    if (a_r == 0)
        assert_ptr_equal(a_val, (void *)0x77);
}

/* ---- FIXED BUG 2: sched_set_policy() before sched_start() ----------------
 * kernel/sched.c, sched_set_policy(): writes current->slice_left with
 * `current` still NULL when called at boot (from app_start(), before
 * sched_start()), which is where a test image would naturally choose its
 * policy. On the board that is a write near address 0; here UBSan stops the
 * process, so the call runs in a child and must exit cleanly. */
static void test_set_policy_before_start_is_harmless(void **state)
{
    (void)state;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        sched_set_policy(SCHED_COOP);
        _exit(sched_get_policy() == SCHED_COOP ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---- FIXED BUG 3: width is ignored for %c and %% --------------------------
 * kernel/printk.c, kvsnprintf(): padding on the left is only done by
 * put_num() and the %s case, so "%3c" prints "x" instead of "  x" (printk.h
 * says a width is supported; "%-3c" does pad, on the right). */
static void test_width_pads_a_char(void **state)
{
    (void)state;
    char buf[16];
    ksnprintf(buf, sizeof buf, "[%3c]", 'x');
    assert_string_equal(buf, "[  x]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_join_does_not_free_a_slot_reused_by_another_thread, boot_fresh),
        cmocka_unit_test_setup(test_set_policy_before_start_is_harmless, boot_fresh),
        cmocka_unit_test(test_width_pads_a_char),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
