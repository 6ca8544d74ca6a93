/*
 * test_fd.c: descriptors and pipes on the host, under ASan and UBSan.
 *
 * Course idea: the edges of kernel/fd.c and kernel/pipe.c, exactly: a pipe
 * filled to the byte, an atomic write that must wait for room for all of
 * it, a long write that goes in as room appears, end of file only after
 * the bytes are drained, a descriptor's generation wrapping after 128
 * reuses, dup2 onto itself. A process here is pid 1 with a stand-in
 * program (arch/linux/host.h) that calls the kernel through host_syscall.
 * Read next: tests/host/test_proc.c (the harness), kernel/pipe.c.
 */
#include "ktest.h"

#include "../../kernel/proc.h"

#define SYS(n, a, b, c) host_syscall((n), (long)(a), (long)(b), (long)(c), 0)

static long result[16];
static void (*script)(struct proc *p);

static void program(uintptr_t argc, uintptr_t argv)
{
    (void)argc, (void)argv;
    /* Its heap, all of it, from heap_lo: memory past the break is not a
     * process's until sbrk gives it (kernel/loader.h). */
    SYS(SYS_SBRK, current->proc->heap_hi - current->proc->brk, 0, 0);
    script(current->proc);
    SYS(SYS_EXIT, 0, 0, 0);
}

static host_user_fn threads[2];     /* entries base + 0x11 and base + 0x13 */

host_user_fn host_user_resolve(uintptr_t entry)
{
    struct proc *p = proc_by_pid(1);
    if (p && p->state == PROC_ALIVE && entry == p->umem.base + 0x11)
        return threads[0];
    if (p && p->state == PROC_ALIVE && entry == p->umem.base + 0x13)
        return threads[1];
    return program;
}

/* Start user thread `which` (0 or 1) of p on a stack in its heap. */
static long start_thread(struct proc *p, int which)
{
    struct thread_spec *spec = (struct thread_spec *)(p->heap_lo + 1024 + 64 * which);
    uintptr_t stack = (p->heap_lo + 2048 + 512 * (uintptr_t)which + 7) & ~(uintptr_t)7;
    *spec = (struct thread_spec){ (void *)stack, 512, 0, NULL };
    return SYS(SYS_THREAD_CREATE, p->umem.base + 0x11 + 2 * which, 0, spec);
}

static int setup(void **state)
{
    boot_fresh(state);
    proc_init();
    memset(result, 0x55, sizeof result);
    return 0;
}

static void run(void (*s)(struct proc *p))
{
    script = s;
    assert_int_equal(proc_spawn(NULL, "second", "second", 7, 1, 0, NULL, 0), 1);
    assert_int_equal(host_run(), HOST_IDLE);
    struct proc *p = proc_by_pid(1);
    assert_int_equal(p->state, PROC_ZOMBIE);
    assert_int_equal(p->exit_status, 0);
    assert_int_equal(kobj_free_count(), MAX_KOBJS);     /* nothing left behind */
    assert_int_equal(pipe_free_count(), MAX_PIPES);
}

/* ---- A pipe filled to the byte ---------------------------------------- */

static void fill_to_the_byte(struct proc *p)
{
    int *fds = (int *)p->heap_lo;
    char *buf = (char *)p->heap_lo + 64;
    SYS(SYS_PIPE, fds, O_NONBLOCK, 0);
    memset(buf, 'x', PIPE_SIZE + 1);
    result[0] = SYS(SYS_WRITE, fds[1], buf, PIPE_SIZE - 1);    /* one byte of room left */
    result[1] = SYS(SYS_WRITE, fds[1], buf, 2);                /* atomic: needs 2, -EAGAIN */
    result[2] = SYS(SYS_WRITE, fds[1], buf, 1);                /* exactly full */
    result[3] = SYS(SYS_WRITE, fds[1], buf, 1);
    result[4] = SYS(SYS_READ, fds[0], buf, PIPE_SIZE + 1);     /* one piece of PIPE_BUF */
    SYS(SYS_CLOSE, fds[1], 0, 0);
    long total = result[4];
    for (long r; (r = SYS(SYS_READ, fds[0], buf, PIPE_SIZE)) > 0;)
        total += r;                                            /* drained, then EOF */
    result[5] = total;
    result[6] = SYS(SYS_READ, fds[0], buf, 1);
    SYS(SYS_CLOSE, fds[0], 0, 0);
}

static void test_a_pipe_fills_to_the_byte_and_atomic_writes_wait(void **state)
{
    (void)state;
    run(fill_to_the_byte);
    assert_int_equal(result[0], PIPE_SIZE - 1);
    assert_int_equal(result[1], -EAGAIN);
    assert_int_equal(result[2], 1);
    assert_int_equal(result[3], -EAGAIN);
    assert_int_equal(result[4], PIPE_BUF);
    assert_int_equal(result[5], PIPE_SIZE);
    assert_int_equal(result[6], 0);
}

/* ---- A long write goes in as room appears; a reader thread drains ----- */

static int drain_fd;
static long drained;
static void drainer(uintptr_t a0, uintptr_t a1)
{
    char *buf = (char *)current->proc->heap_lo + 3072;  /* user memory: the gateway checks */
    (void)a0, (void)a1;
    for (long r; (r = SYS(SYS_READ, drain_fd, buf, 100)) > 0;)
        drained += r;
    SYS(SYS_THREAD_EXIT, 0, 0, 0);
}

static void long_write(struct proc *p)
{
    int *fds = (int *)p->heap_lo;
    char *buf = (char *)p->heap_lo + 64;
    SYS(SYS_PIPE, fds, 0, 0);
    drain_fd = fds[0];
    memset(buf, 'y', 3 * PIPE_SIZE);
    threads[0] = drainer;
    long tid = start_thread(p, 0);
    result[0] = SYS(SYS_WRITE, fds[1], buf, 3 * PIPE_SIZE);  /* blocks, resumes, ends */
    SYS(SYS_CLOSE, fds[1], 0, 0);
    result[1] = SYS(SYS_THREAD_JOIN, tid, 0, WAIT_FOREVER);   /* it saw end of file */
    SYS(SYS_CLOSE, fds[0], 0, 0);
}

static void test_a_long_write_goes_in_as_room_appears(void **state)
{
    (void)state;
    drained = 0;
    run(long_write);
    assert_int_equal(result[0], 3 * PIPE_SIZE);
    assert_int_equal(result[1], 0);
    assert_int_equal(drained, 3 * PIPE_SIZE);
}

/* ---- Generations ----------------------------------------------------- */

static void generations(struct proc *p)
{
    (void)p;
    long first = SYS(SYS_SEM_CREATE, 0, 0, 0), fd = first, stale_ok = 0;
    SYS(SYS_CLOSE, fd, 0, 0);
    for (int i = 1; i < 128; i++) {     /* every generation of entry 3 */
        fd = SYS(SYS_SEM_CREATE, 0, 0, 0);
        stale_ok += SYS(SYS_SEM_POST, first, 0, 0) != -EBADF;
        SYS(SYS_CLOSE, fd, 0, 0);
    }
    result[0] = first;
    result[1] = fd;                     /* the last before the wrap */
    result[2] = SYS(SYS_SEM_CREATE, 0, 0, 0);    /* wrapped: the first number again */
    result[3] = stale_ok;
    result[4] = SYS(SYS_DUP2, result[2], result[2], 0);   /* onto itself: nothing */
    result[5] = SYS(SYS_SEM_POST, result[2], 0, 0);
    SYS(SYS_CLOSE, result[2], 0, 0);
}

static void test_generations_refuse_stale_numbers_until_they_wrap(void **state)
{
    (void)state;
    run(generations);
    assert_int_equal(result[0], 3);
    assert_int_equal(result[1], 3 + 127 * MAX_FDS);
    assert_int_equal(result[2], 3);
    assert_int_equal(result[3], 0);
    assert_int_equal(result[4], 3);
    assert_int_equal(result[5], 0);
}

/* ---- Closing the last descriptor wakes a blocked reader with -EBADF --- */

static int victim_fd;
static long victim_result;
static void blocked_reader(uintptr_t a0, uintptr_t a1)
{
    (void)a0, (void)a1;
    victim_result = SYS(SYS_READ, victim_fd, current->proc->heap_lo + 3072, 1);
    SYS(SYS_THREAD_EXIT, 0, 0, 0);
}

static void close_under_a_reader(struct proc *p)
{
    int *fds = (int *)p->heap_lo;
    SYS(SYS_PIPE, fds, 0, 0);
    victim_fd = fds[0];
    threads[1] = blocked_reader;
    long tid = start_thread(p, 1);
    SYS(SYS_YIELD, 0, 0, 0);            /* it runs, and blocks on the empty pipe */
    SYS(SYS_CLOSE, fds[1], 0, 0);       /* writer gone: end of file for it */
    SYS(SYS_THREAD_JOIN, tid, 0, WAIT_FOREVER);
    result[0] = victim_result;
    SYS(SYS_CLOSE, fds[0], 0, 0);
}

static void test_the_last_writer_closing_wakes_a_reader_with_eof(void **state)
{
    (void)state;
    victim_result = 0x55;
    run(close_under_a_reader);
    assert_int_equal(result[0], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_a_pipe_fills_to_the_byte_and_atomic_writes_wait, setup),
        cmocka_unit_test_setup(test_a_long_write_goes_in_as_room_appears, setup),
        cmocka_unit_test_setup(test_generations_refuse_stale_numbers_until_they_wrap, setup),
        cmocka_unit_test_setup(test_the_last_writer_closing_wakes_a_reader_with_eof, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
