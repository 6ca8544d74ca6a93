/*
 * bench_proc.c: what system calls, process switches and spawns cost, in
 * guest instructions, measured from the kernel around user processes.
 *
 * Course idea: the price of isolation. Compare these figures with the
 * kernel-thread ones of tests/target/bench.c: a system call adds the SVC
 * trap and the argument checks, a switch between processes adds the MPU
 * reload, and a spawn adds loading a program.
 *
 * How. User code cannot read the timer (devices are outside its memory), so
 * the timing is done here, in a kernel thread that plays the parent: it
 * spawns apps/ubench.c in one of its modes with N operations, waits for it,
 * and reads the timer before and after. The method of tests/target/bench.h
 * (runs of N1 and N2 operations, the difference over N2 - N1) cancels the
 * spawn, the exit and the wait of the measured process, and `ubench loop`
 * (a result tested against 0: yield) and `ubench loopeq` (compared with a
 * value: getpid) give the empty-loop passes to subtract. The spawn loop
 * tests more than one result (about 5 instructions more than `loop`, left
 * in its figure: 0.03% of it). N is written with five digits
 * ("00100", "01100") so that the two runs load identical argument strings.
 *
 * The harness is not a process, so its children get a parent of their own
 * here, `harness`, which is not in the process table: proc_wait() needs
 * only its wait queue. Every run must exit 0 (ubench checks each call), and
 * free memory and free process slots must be the same after all runs as
 * before them; otherwise the image exits non-zero and prints no figures.
 *
 * Output: one line "bench: NAME VALUE instructions" per figure.
 * Image: build/bench-proc.elf, run by `make bench-proc` (part of make bench).
 */
#include <stdint.h>
#include <string.h>

#include "../../arch/arch.h"
#include "../../kernel/panic.h"
#include "../../kernel/proc.h"
#include "../../kernel/sched.h"
#include "../../kernel/thread.h"
#include "bench.h"

#define HARNESS_PRIO (USER_PRIO + 2)    /* above the processes it starts */

static struct proc harness;             /* the parent of every measured process */
static const char *mode;                /* the ubench mode of the current scenario */

/* Start `ubench MODE NNNNN` as a child of the harness. */
static int start(uint32_t n)
{
    char args[32];
    int len = 0;
    memcpy(args, "ubench", 7);
    len += 7;
    size_t m = strlen(mode) + 1;
    memcpy(args + len, mode, m);
    len += (int)m;
    for (int d = 4; d >= 0; d--, n /= 10)
        args[len + d] = (char)('0' + n % 10);
    args[len + 5] = '\0';
    len += 6;
    int pid = proc_spawn(&harness, "ubench", args, len, 3, 0, NULL, 0);
    if (pid < 0)
        panic("bench-proc: cannot spawn ubench %s: %d", mode, pid);
    return pid;
}

static void finish(int pid)
{
    int status = -1;
    int r = proc_wait(&harness, pid, &status, WAIT_FOREVER);
    if (r != pid || status != 0)
        panic("bench-proc: ubench %s (pid %d) ended with status %d (wait gave %d)",
              mode, pid, status, r);
}

/* One process doing n operations. */
static uint32_t run_one(uint32_t n)
{
    uint32_t t0 = timer_now();
    finish(start(n));
    return t0 - timer_now();
}

/* Two processes doing n operations each. Both are spawned before either
 * runs (the harness is more urgent), so they alternate from the start. */
static uint32_t run_two(uint32_t n)
{
    uint32_t t0 = timer_now();
    int a = start(n);
    int b = start(n);
    finish(a);
    finish(b);
    return t0 - timer_now();
}

static int64_t measure(const char *m, uint32_t (*run)(uint32_t), uint32_t ops_per_n,
                       int64_t loops)
{
    mode = m;
    return bench_per_op(run, ops_per_n, loops);
}

static void *bench_main(void *arg)
{
    (void)arg;
    waitq_init(&harness.child_wait);
    timer_start();
    bench_quiet_console();              /* boot-time output out before measuring */

    uint32_t mem0 = proc_mem_free();
    int slots0 = proc_free_slots();
    /* The empty loops first (only those the wanted figures need). */
    static const char *const on_loop[] = {
        "process_yield_switch", "thread_yield_switch_user", "spawn_exit_wait",
        "mutex_uncontended", "msg_latency_cycle_threads", "msg_latency_cycle_procs",
        "deadlock_break", "queue_put_get_nowait", "sem_roundtrip_threads",
    };
    int64_t loop = 0, loopeq = 0, call = 0, pswitch = 0, tswitch = 0, spawn = 0;
    int64_t mutex = 0, msg = 0, msgproc = 0, dlbreak = 0, qlocal = 0, semrt = 0;
    int need_loop = 0;
    for (unsigned i = 0; i < sizeof on_loop / sizeof on_loop[0]; i++)
        need_loop |= bench_wanted(on_loop[i]);
    if (need_loop)
        loop = measure("loop", run_one, 1, 0);
    if (bench_wanted("syscall_roundtrip"))
        loopeq = measure("loopeq", run_one, 1, 0);
    if (bench_wanted("syscall_roundtrip"))
        call = measure("getpid", run_one, 1, loopeq);
    if (bench_wanted("process_yield_switch"))
        pswitch = measure("yield", run_two, 2, loop);
    if (bench_wanted("thread_yield_switch_user"))
        tswitch = measure("threads", run_one, 2, loop);
    if (bench_wanted("spawn_exit_wait"))
        spawn = measure("spawn", run_one, 1, loop);
    if (bench_wanted("mutex_uncontended"))
        mutex = measure("mutex", run_one, 1, loop);
    if (bench_wanted("msg_latency_cycle_threads"))
        msg = measure("msg", run_one, 1, loop);
    if (bench_wanted("msg_latency_cycle_procs"))
        msgproc = measure("msgproc", run_one, 1, loop);
    if (bench_wanted("deadlock_break"))
        dlbreak = measure("dlbreak", run_one, 1, loop);
    if (bench_wanted("queue_put_get_nowait"))
        qlocal = measure("qlocal", run_one, 1, loop);
    if (bench_wanted("sem_roundtrip_threads"))
        semrt = measure("sem", run_one, 1, loop);
    if (proc_mem_free() != mem0 || proc_free_slots() != slots0)
        panic("bench-proc: leaked: free memory %u -> %u, free slots %d -> %d",
              (unsigned)mem0, (unsigned)proc_mem_free(), slots0, proc_free_slots());

    kprintf("bench-proc: N1=%u N2=%u, user empty loop pass %ld.%03ld / %ld.%03ld "
            "instructions\n", BENCH_N1, BENCH_N2, (long)(loop / 1000), (long)(loop % 1000),
            (long)(loopeq / 1000), (long)(loopeq % 1000));
    bench_recipe("syscall_roundtrip", "per_op 1 1");
    bench_recipe("process_yield_switch", "per_op 2 1");
    bench_recipe("thread_yield_switch_user", "per_op 2 1");
    bench_recipe("spawn_exit_wait", "per_op 1 1");
    bench_print("syscall_roundtrip", call);
    bench_print("process_yield_switch", pswitch);
    bench_print("thread_yield_switch_user", tswitch);
    bench_print("spawn_exit_wait", spawn);
    bench_print("mutex_uncontended", mutex);
    bench_print("msg_latency_cycle_threads", msg);
    bench_print("msg_latency_cycle_procs", msgproc);
    bench_print("deadlock_break", dlbreak);
    bench_print("queue_put_get_nowait", qlocal);
    bench_print("sem_roundtrip_threads", semrt);
    arch_halt(EXIT_OK);
}

void app_start(void)
{
    proc_init();
    thread_create("bench", bench_main, NULL, HARNESS_PRIO);
}
