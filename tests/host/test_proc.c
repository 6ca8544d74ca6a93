/*
 * test_proc.c: the process layer on the host, under ASan and UBSan.
 *
 * Course idea: the process layer (kernel/proc.c, kernel/sys_*.c, the
 * gateway in kernel/uaccess.c) is portable code, so it is tested like the
 * thread core: booted again for every case, with the test playing the
 * hardware. arch/linux has no user mode; a "program" is a host function
 * standing in for it (host.h), started at the entry the loader computed,
 * calling the kernel through host_syscall() exactly as svc would. The
 * programs are the loader's fixtures (tests/host/fixtures), so spawn loads
 * and relocates real images into the arena; argv[1] picks the stand-in's
 * role. Interleavings the board makes rare (a kill between a wake-up and
 * the woken thread running, a kill from an interrupt handler) are made
 * certain here with host_irq().
 *
 * Read next: arch/linux/host.h, kernel/proc.c.
 */
#include "ktest.h"

#include "../../kernel/console.h"
#include "../../kernel/proc.h"

#define SYS(n, a, b, c) host_syscall((n), (long)(a), (long)(b), (long)(c), 0)

static int role_pid[4];                 /* pids the stand-ins saw or made */
static long result[8];                  /* what system calls returned */
static int spins, halfbuilt_seen;
static struct proc *victim;

/* The process whose block holds address a (any state but FREE). */
static struct proc *proc_at(uintptr_t a)
{
    for (int i = 0; i < MAX_PROCS; i++) {
        struct proc *p = &proc_table[i];
        if (p->state != PROC_FREE && p->mem && a - (uintptr_t)p->mem < p->mem_size)
            return p;
    }
    return NULL;
}

/* ---- Stand-ins --------------------------------------------------------- */

static void exit_with(long status) { SYS(SYS_EXIT, status, 0, 0); }

/* Role "gateway": bad pointers, long and unterminated strings, a good
 * buffer, all through the system call layer. */
static void role_gateway(struct proc *p)
{
    char on_host_stack[16] = "renamed";
    char *heap = (char *)p->heap_lo;        /* inside the block: fake user memory */
    char *end = (char *)p->umem.end;
    result[0] = SYS(SYS_SETNAME, on_host_stack, 0, 0);          /* not its memory */
    memcpy(heap, "a-name-far-too-long-for-it", 27);
    result[1] = SYS(SYS_SETNAME, heap, 0, 0);                   /* too long */
    memset(end - 4, 'x', 4);
    result[2] = SYS(SYS_SETNAME, end - 4, 0, 0);                /* runs off the end */
    memcpy(heap, "renamed", 8);
    result[3] = SYS(SYS_SETNAME, heap, 0, 0);
    result[4] = SYS(SYS_PROCINFO, 0, heap, 0);
    result[5] = SYS(SYS_PROCINFO, 0, end - 8, 0);               /* straddles the end */
    result[6] = SYS(SYS_PROCINFO, 0, p->umem.base, 0);          /* its read-only text */
    result[7] = ((struct proc_info *)heap)->pid == p->pid &&
                !strcmp(((struct proc_info *)heap)->name, "renamed");
    exit_with(0);
}

/* Role "waiter": spawn a daemon child that blocks for ever (in read, with
 * no input and no timeout), and wait for it. */
static void role_waiter(struct proc *p)
{
    char *heap = (char *)p->heap_lo;
    char **argv = (char **)(heap + 64);
    memcpy(heap, "second\0read", 12);
    argv[0] = heap, argv[1] = heap + 7, argv[2] = NULL;
    role_pid[1] = (int)SYS(SYS_SPAWN, heap, argv, SPAWN_DAEMON);
    result[0] = SYS(SYS_WAIT, role_pid[1], 0, WAIT_FOREVER);    /* woken, killed */
    exit_with(9);                       /* never: the kill ends it first */
}

static void role_read(struct proc *p)
{
    result[1] = SYS(SYS_READ, 0, p->heap_lo, 1);    /* no input: until it is killed */
    exit_with(0);
}

/* Role "jobs": a shell's part. Take the console, start a child that reads
 * it (a background job), type "ab": the child must not get the 'a' the parent
 * reads; then `fg` the child, which reads the 'b'. */
static void role_jobs(struct proc *p)
{
    char *heap = (char *)p->heap_lo;
    char **argv = (char **)(heap + 64);
    result[0] = SYS(SYS_CONSOLE, CONSOLE_SET_FG, p->pid, 0);
    SYS(SYS_CONSOLE, CONSOLE_CATCH_INTR, 1, 0);    /* a shell: children are jobs */
    memcpy(heap, "second\0readone", 15);
    argv[0] = heap, argv[1] = heap + 7, argv[2] = NULL;
    role_pid[1] = (int)SYS(SYS_SPAWN, heap, argv, 0);
    SYS(SYS_SLEEP, 5, 0, 0);            /* the child runs and blocks */
    host_console_input("ab", 2);
    SYS(SYS_SLEEP, 5, 0, 0);            /* a reader allowed to read has read */
    result[1] = SYS(SYS_READ, 0, heap, 1);
    result[2] = heap[0];
    result[3] = SYS(SYS_CONSOLE, CONSOLE_SET_FG, 1000, 0);      /* no such process */
    result[4] = SYS(SYS_CONSOLE, CONSOLE_SET_FG, role_pid[1], 0);
    result[5] = SYS(SYS_WAIT, role_pid[1], 0, WAIT_FOREVER);
    result[6] = SYS(SYS_CONSOLE, CONSOLE_GET_FG, 0, 0);        /* back to us */
    exit_with(0);
}

static void role_readone(struct proc *p)
{
    char *buf = (char *)p->heap_lo;
    result[7] = SYS(SYS_READ, 0, buf, 1) == 1 ? buf[0] : -1;
    exit_with(0);
}

/* Role "spin": user mode for ever, but every pass lets an interrupt in. */
static void kill_from_isr(void) { proc_kill(victim->pid, WSTATUS_KILLED, "from an interrupt"); }
static void role_spin(struct proc *p)
{
    victim = p;
    for (spins = 0; spins < 1000; spins++)
        host_irq(kill_from_isr);
    exit_with(7);
}

/* Role "python": main starts a non-daemon worker and a daemon spinner
 * (entries inside its text, mapped below) and returns 3. */
static void worker(uintptr_t a0, uintptr_t a1) { (void)a0, (void)a1; SYS(SYS_SLEEP, 5, 0, 0); SYS(SYS_THREAD_EXIT, 0, 0, 0); }
static void daemon_spin(uintptr_t a0, uintptr_t a1) { (void)a0, (void)a1; for (;;) host_tick(1); }
static void role_python(struct proc *p)
{
    struct thread_spec *spec = (struct thread_spec *)p->heap_lo;
    uintptr_t stack = (p->heap_lo + 64 + 7) & ~(uintptr_t)7;
    *spec = (struct thread_spec){ (void *)stack, 512, THREAD_DAEMON, NULL };
    result[0] = SYS(SYS_THREAD_CREATE, p->umem.base + 0x13, 0, spec);   /* daemon_spin */
    spec->stack = (void *)(stack + 512);
    spec->flags = 0;
    result[1] = SYS(SYS_THREAD_CREATE, p->umem.base + 0x11, 0, spec);   /* worker */
    SYS(SYS_EXIT, 3, 0, 0);
}

static void program_main(uintptr_t argc, uintptr_t argv)
{
    struct proc *p = current->proc;
    const char *role = argc > 1 ? ((char **)argv)[1] : "";
    role_pid[0] = p->pid;
    /* Its heap, all of it, from heap_lo: memory past the break is not a
     * process's until sbrk gives it (kernel/loader.h). */
    SYS(SYS_SBRK, p->heap_hi - p->brk, 0, 0);
    if (!strcmp(role, "gateway")) role_gateway(p);
    if (!strcmp(role, "waiter")) role_waiter(p);
    if (!strcmp(role, "read")) role_read(p);
    if (!strcmp(role, "spin")) role_spin(p);
    if (!strcmp(role, "python")) role_python(p);
    if (!strcmp(role, "jobs")) role_jobs(p);
    if (!strcmp(role, "readone")) role_readone(p);
    exit_with(99);
}

/* The kernel calls this (arch/linux) while it builds each user thread: a
 * program's entry, or base + 0x11 / 0x13 for the two thread functions.
 * It also checks that the slot being built belongs to no process yet. */
host_user_fn host_user_resolve(uintptr_t entry)
{
    for (int i = 0; i < MAX_THREADS; i++)
        if (thread_table[i].in_use && thread_table[i].id == 0 && thread_table[i].proc)
            halfbuilt_seen++;
    struct proc *p = proc_at(entry);
    if (p && entry == p->umem.base + 0x11)
        return worker;
    if (p && entry == p->umem.base + 0x13)
        return daemon_spin;
    return program_main;
}

/* ---- Cases ------------------------------------------------------------- */

static int setup(void **state)
{
    boot_fresh(state);
    proc_init();
    console_init();
    memset(role_pid, 0, sizeof role_pid);
    memset(result, 0x55, sizeof result);
    spins = halfbuilt_seen = 0;
    return 0;
}

/* Spawn the first process ("second", a fixture) with argv[1] = role. */
static struct proc *start(const char *role)
{
    char args[32];
    int n = snprintf(args, sizeof args, "second%c%s", 0, role);
    int pid = proc_spawn(NULL, "second", args, n + 1, 2, 0, NULL, 0);
    assert_int_equal(pid, 1);
    return proc_by_pid(pid);
}

static void test_the_gateway_refuses_and_copies_whole(void **state)
{
    (void)state;
    uint32_t free_before = proc_mem_free();
    struct proc *p = start("gateway");
    assert_int_equal(host_run(), HOST_IDLE);
    assert_int_equal(result[0], -EFAULT);
    assert_int_equal(result[1], -EINVAL);
    assert_int_equal(result[2], -EFAULT);
    assert_int_equal(result[3], 0);
    assert_int_equal(result[4], 0);
    assert_int_equal(result[5], -EFAULT);
    assert_int_equal(result[6], -EFAULT);
    assert_int_equal(result[7], 1);
    assert_int_equal(p->state, PROC_ZOMBIE);
    assert_int_equal(p->exit_status, 0);
    assert_int_equal(proc_mem_free(), free_before);
    assert_int_equal(halfbuilt_seen, 0);
}

/* The interleaving of bug 4: a child's end wakes the waiter, and the kill
 * lands before it runs. It must not block again. */
static void wake_then_kill(void)
{
    uint32_t s = arch_irq_save();       /* a handler masks, as the kernel's do */
    struct proc *p = proc_by_pid(1);
    sched_wake_all_locked(&p->child_wait, 0);
    proc_end_locked(p, WSTATUS_KILLED, "killed");
    arch_irq_restore(s);
}

static void *raise_irq(void *fn)
{
    host_irq((void (*)(void))fn);
    return NULL;
}

static void test_a_woken_waiter_killed_before_it_runs_ends(void **state)
{
    (void)state;
    struct proc *p = start("waiter");
    thread_create("irq", raise_irq, (void *)wake_then_kill, USER_PRIO);
    assert_int_equal(host_run(), HOST_IDLE);
    assert_int_equal(p->state, PROC_ZOMBIE);
    assert_int_equal(p->exit_status, WSTATUS_KILLED);
    assert_int_equal(result[0], 0x5555555555555555L);  /* wait never returned to it */
    struct proc *child = proc_by_pid(role_pid[1]);      /* its daemon child ended too */
    assert_true(child && child->state == PROC_ZOMBIE && child->exit_status == WSTATUS_KILLED);
}

static void test_a_kill_from_an_interrupt_ends_the_thread_it_interrupted(void **state)
{
    (void)state;
    struct proc *p = start("spin");
    assert_int_equal(host_run(), HOST_IDLE);
    assert_int_equal(spins, 0);         /* never ran on after the first interrupt */
    assert_int_equal(p->state, PROC_ZOMBIE);
    assert_int_equal(p->exit_status, WSTATUS_KILLED);
}

static void test_pythons_rule_releases_the_process_once(void **state)
{
    (void)state;
    uint32_t free_before = proc_mem_free();
    int threads_free = 0;
    struct proc *p = start("python");
    assert_int_equal(host_run(), HOST_IDLE);
    assert_true(result[0] > 0 && result[1] > 0);
    assert_int_equal(p->state, PROC_ZOMBIE);
    assert_int_equal(p->exit_status, 3);
    assert_int_equal(proc_mem_free(), free_before);
    for (int i = 0; i < MAX_THREADS; i++)
        threads_free += !thread_table[i].in_use;
    assert_int_equal(threads_free, MAX_THREADS - 1);    /* only idle is left */
    assert_int_equal(halfbuilt_seen, 0);
}

static void test_a_spawn_that_cannot_make_its_thread_leaves_nothing(void **state)
{
    (void)state;
    uint32_t free_before = proc_mem_free();
    int slots_before = proc_free_slots();
    while (thread_create("filler", mark_and_exit, CH('.'), 1) > 0)
        ;                               /* the thread table is full */
    int pid = proc_spawn(NULL, "second", "second", 7, 1, 0, NULL, 0);
    assert_int_equal(pid, -EAGAIN);
    assert_int_equal(proc_mem_free(), free_before);
    assert_int_equal(proc_free_slots(), slots_before);
    assert_int_equal(proc_spawn(NULL, "nosuch", "nosuch", 7, 1, 0, NULL, 0), -ENOENT);
}

/* Job control in miniature (kernel/console.c): a background reader waits
 * for the console instead of taking the foreground's input. */
static void test_a_background_reader_waits_for_the_console(void **state)
{
    (void)state;
    struct proc *p = start("jobs");
    assert_int_equal(host_run(), HOST_IDLE);
    assert_int_equal(result[0], 0);
    assert_int_equal(result[1], 1);
    assert_int_equal(result[2], 'a');   /* the foreground got the first byte */
    assert_int_equal(result[3], -ESRCH);
    assert_int_equal(result[4], 0);
    assert_int_equal(result[5], role_pid[1]);
    assert_int_equal(result[6], p->pid);
    assert_int_equal(result[7], 'b');   /* the child read only once it was fg */
    assert_int_equal(p->state, PROC_ZOMBIE);
}

/* Every user thread has a stack guard: the switch knows a thread's memory
 * by it (arch_mm_load: one compare), so a thread made without one is a
 * kernel bug, stopped where it is made. (The process is one being killed:
 * without the check the call would just refuse, -EINTR.) */
static void make_guardless(void *arg)
{
    proc_thread_create(arg, "noguard", 0x1001, 0, 0, 0x2000, 0, 0);
}

static void test_a_user_thread_without_a_guard_panics(void **state)
{
    (void)state;
    static struct proc dying = { .killed = 1 };
    assert_int_equal(host_catch_halt(make_guardless, &dying), EXIT_PANIC);
    assert_non_null(strstr(host_console(), "a user thread has a guard"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_the_gateway_refuses_and_copies_whole, setup),
        cmocka_unit_test_setup(test_a_woken_waiter_killed_before_it_runs_ends, setup),
        cmocka_unit_test_setup(test_a_kill_from_an_interrupt_ends_the_thread_it_interrupted, setup),
        cmocka_unit_test_setup(test_pythons_rule_releases_the_process_once, setup),
        cmocka_unit_test_setup(test_a_spawn_that_cannot_make_its_thread_leaves_nothing, setup),
        cmocka_unit_test_setup(test_a_background_reader_waits_for_the_console, setup),
        cmocka_unit_test_setup(test_a_user_thread_without_a_guard_panics, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
