/*
 * usertests_efault.c: every pointer-taking system call, handed every kind
 * of bad pointer, must answer -EFAULT and change nothing.
 *
 * Course idea: the one gateway to user memory (kernel/uaccess.c,
 * kernel/syscall.h): a handler never touches a user pointer, and copyin,
 * copyout and copyinstr check the whole range first. Each call here is
 * made raw (sys1..sys4, lib/user/syscall.c), so the library cannot hide
 * anything.
 * Read next: kernel/uaccess.c, docs/syscall.md.
 */
#include "usertests.h"

#define ARG(x) ((long)(intptr_t)(x))

/* ---- 2. Bad pointers: -EFAULT, and nothing changed --------------------- */

struct bad_ptr {
    const char *what;
    uint32_t addr, len;
    int readonly_ok;                /* fine as input, not as output */
    int straddles;                  /* starts inside my memory: a string there may be fine */
};

static struct bad_ptr bad[12];
static int nbad;

static void add_bad(const char *what, uint32_t addr, uint32_t len, int readonly_ok,
                    int straddles)
{
    bad[nbad++] = (struct bad_ptr){ what, addr, len, readonly_ok, straddles };
}

static void make_bad_pointers(void)
{
    struct proc_info me;
    procinfo(0, &me);
    uint32_t end = me.mem_base + me.mem_size;
    nbad = 0;
    add_bad("NULL", 0, 4, 0, 0);
    add_bad("kernel RAM", 0x20000000u, 4, 0, 0);
    add_bad("device", 0x40004000u, 4, 0, 0);
    add_bad("unmapped", 0x30000000u, 4, 0, 0);
    add_bad("silent gap", 0x00800000u, 4, 0, 0);
    add_bad("wrapping", 0xFFFFFFF0u, 0x20, 0, 0);
    add_bad("past my block", end, 4, 0, 0);
    add_bad("across my block's end", end - 4, 8, 0, 1);
    add_bad("my text", (uint32_t)(uintptr_t)&make_bad_pointers & ~3u, 4, 1, 0);
    if (me.hidden_lo < me.hidden_hi)    /* sbrk has not given it out */
        add_bad("past my break", me.hidden_hi - 4, 4, 0, 0);
}

/* One pointer-taking call, made with pointer p (len bytes where it counts). */
typedef long (*call_fn)(uint32_t p, uint32_t len, int ctx);

static long c_write(uint32_t p, uint32_t len, int c) { (void)c; return sys3(SYS_WRITE, 1, p, len); }
static long c_read(uint32_t p, uint32_t len, int c)  { (void)c; return sys3(SYS_READ, 0, p, len); }
static long c_procinfo(uint32_t p, uint32_t l, int c) { (void)l, (void)c; return sys2(SYS_PROCINFO, 0, p); }
static long c_proclist(uint32_t p, uint32_t l, int c) { (void)c; return sys2(SYS_PROCLIST, p, l < 16 ? 4 : l / 4); }
static long c_threadinfo(uint32_t p, uint32_t l, int c) { (void)l, (void)c; return sys2(SYS_THREADINFO, 0, p); }
static long c_proginfo(uint32_t p, uint32_t l, int c) { (void)l, (void)c; return sys2(SYS_PROGINFO, 0, p); }
static long c_fdinfo(uint32_t p, uint32_t l, int c) { (void)l, (void)c; return sys3(SYS_FDINFO, 0, 0, p); }
static long c_kstat(uint32_t p, uint32_t l, int c)  { (void)l, (void)c; return sys1(SYS_KSTAT, p); }
static long c_trace(uint32_t p, uint32_t l, int c)  { (void)l, (void)c; return sys2(SYS_TRACE, p, 4); }
static long c_setname(uint32_t p, uint32_t l, int c) { (void)l, (void)c; return sys1(SYS_SETNAME, p); }
static long c_wait(uint32_t p, uint32_t l, int pid) { (void)l; return sys3(SYS_WAIT, pid, p, WAIT_NONE); }
static long c_join(uint32_t p, uint32_t l, int tid) { (void)l; return sys3(SYS_THREAD_JOIN, tid, p, WAIT_FOREVER); }
static long c_spawn_prog(uint32_t p, uint32_t l, int c)
{
    char *argv[] = { "exitwith", NULL };
    (void)l, (void)c;
    return sys3(SYS_SPAWN, p, ARG(argv), 0);
}
static long c_spawn_argv(uint32_t p, uint32_t l, int c)
{
    (void)l, (void)c;
    return p ? sys3(SYS_SPAWN, ARG("exitwith"), p, 0) : -14;
}
static long c_spawn_arg(uint32_t p, uint32_t l, int c)
{
    char *argv[] = { "exitwith", (char *)(uintptr_t)p, NULL };
    (void)l, (void)c;
    return p ? sys3(SYS_SPAWN, ARG("exitwith"), ARG(argv), 0) : -14;
}
static void *idle_thread(void *arg) { return arg; }
static long c_thread_spec(uint32_t p, uint32_t l, int c)
{
    (void)l, (void)c;
    return sys3(SYS_THREAD_CREATE, ARG(idle_thread), 0, p);
}
static long c_thread_stack(uint32_t p, uint32_t l, int c)
{
    struct thread_spec spec = { (void *)(uintptr_t)p, 512, 0, NULL };
    (void)l, (void)c;
    return sys3(SYS_THREAD_CREATE, ARG(idle_thread), 0, ARG(&spec));
}

static const struct efault_case {
    const char *name;
    call_fn call;
    int output;                     /* the kernel writes through the pointer */
    int string;                     /* its length is where the NUL is */
} efault_cases[] = {
    { "write", c_write, 0, 0 },             { "read", c_read, 1, 0 },
    { "procinfo", c_procinfo, 1, 0 },       { "proclist", c_proclist, 1, 0 },
    { "threadinfo", c_threadinfo, 1, 0 },   { "proginfo", c_proginfo, 1, 0 },
    { "kstat", c_kstat, 1, 0 },             { "fdinfo", c_fdinfo, 1, 0 },             { "trace", c_trace, 1, 0 },
    { "setname", c_setname, 0, 1 },         { "spawn prog", c_spawn_prog, 0, 1 },
    { "spawn argv", c_spawn_argv, 0, 1 },   /* NULL-terminated: like a string */   { "spawn argv[1]", c_spawn_arg, 0, 1 },
    { "thread_create spec", c_thread_spec, 0, 0 },
    { "thread_create stack", c_thread_stack, 1, 0 },
    { "wait status", c_wait, 1, 0 },        { "thread_join value", c_join, 1, 0 },
};

/* A case fails at the first bad pointer the call accepts. If it accepted
 * one and made a process or thread, that is cleaned up. */
static const char *try_bad(const struct efault_case *c, int ctx)
{
    for (int i = 0; i < nbad; i++) {
        if ((bad[i].readonly_ok && !c->output) || (bad[i].straddles && c->string))
            continue;
        /* As in POSIX, a NULL status or value pointer means "don't care". */
        if (bad[i].addr == 0 && (c->call == c_wait || c->call == c_join))
            continue;
        /* Their output is one 4-byte word: at end - 4 it lies wholly inside. */
        if (bad[i].straddles && (c->call == c_wait || c->call == c_join))
            continue;
        long r = sys_result(c->call(bad[i].addr, bad[i].len, ctx));
        if (r == -EFAULT)
            continue;
        if (r > 0 && (c->call == c_thread_spec || c->call == c_thread_stack))
            thread_join((int)r, NULL, WAIT_FOREVER);
        else if (r > 0 && (c->call == c_spawn_prog || c->call == c_spawn_argv
                           || c->call == c_spawn_arg))
            wait((int)r, NULL, WAIT_FOREVER);
        return FAILMSG("%s %s (0x%08lx, %lu) gave %ld, not -EFAULT", c->name, bad[i].what,
                       (unsigned long)bad[i].addr, (unsigned long)bad[i].len, r);
    }
    return NULL;
}

void test_efault(void)
{
    char name[48], why[48];
    make_bad_pointers();

    /* wait and thread_join need something to wait for: a zombie child and
     * an ended thread, which must still be there after every -EFAULT. */
    char *argv[] = { "exitwith", "3", NULL };
    int zombie = spawn("exitwith", argv, 0);
    struct proc_info pi;
    while (zombie > 0 && procinfo(zombie, &pi) == 0 && pi.state != PS_ZOMBIE)
        sleep_ticks(1);
    int ended = thread_create(idle_thread, (void *)5, 0);
    sleep_ticks(2);

    judge("efault has hidden memory to try", !strcmp(bad[nbad - 1].what, "past my break")
          ? NULL : FAILMSG("nothing past the break is hidden"));
    for (unsigned i = 0; i < sizeof efault_cases / sizeof efault_cases[0]; i++) {
        const struct efault_case *c = &efault_cases[i];
        int ctx = c->call == c_wait ? zombie : c->call == c_join ? ended : 0;
        snprintf(name, sizeof name, "efault %s", c->name);
        judge(name, try_bad(c, ctx));
    }

    int status = -1;
    void *value = NULL;
    int r1 = wait(zombie, &status, WAIT_FOREVER);
    int r2 = thread_join(ended, &value, WAIT_FOREVER);
    judge("efault changed nothing",
          r1 != zombie || status != 3 ? FAILMSG("wait after -EFAULT: %d, %s", r1,
                                                status_str(status, why, sizeof why))
          : r2 != 0 || value != (void *)5 ? FAILMSG("join after -EFAULT: %d, %p", r2, value)
          : NULL);
}

