/*
 * userchild.c: `userchild ROLE [ARG]`, the parts usertests' children play.
 *
 * Course idea: some kernel promises can only be checked from a second
 * process: a handle is valid in its owner only, a process runs out of its
 * own memory and thread slots without harming anyone else, a parent that
 * ends leaves its children to init (or, for daemons, takes them along).
 * apps/usertests.c spawns this program in one role per case and judges it
 * by its exit status: 0 when the role went as it should.
 *
 *   foreign H       handle H belongs to the parent: every use is -EBADF
 *   oom             malloc until NULL (the heap is the process's block)
 *   threads         create threads until the table or memory says no
 *   heapzero        sbrk up to the end of the hidden heap room: all of it
 *                   must read 0; then fill it with 0xA5 for the next owner
 *   heapthreads     a second thread uses heap room the main thread's sbrk
 *                   showed, and the other way round
 *   orphanparent    spawn a sleeper and end at once: init adopts it
 *   daemonparent    the same with SPAWN_DAEMON: it ends with us
 *   killwindow      renamed so that the test image kills it in the window
 *                   before a system call returns; then it spins in user mode
 *   killfast        the same for a fast call (getpid, run in the trap
 *                   handler): renamed, then getpid() for ever
 *   killirq         renamed so that an interrupt handler kills it as the
 *                   call leaves the kernel; then it spins in user mode
 *   killirqf        the same for a fast call: getpid() for ever
 *   killenter       renamed so that an interrupt handler kills it as its
 *                   next fast call enters the kernel; that call is
 *                   sem_post(3), on a semaphore its parent handed it: the
 *                   post must not happen (a second thread, asleep in the
 *                   kernel, keeps the descriptor open meanwhile)
 *   waitkill        waits for a child while a sibling kills it just after
 *                   another child's end woke it (it must not block again)
 *   killer PID      waits until PID is a zombie, then kills its parent
 *   threaded        three threads: blocked, sleeping, spinning; main spins
 *   mainexit        main returns 3 while a non-daemon thread still works
 *                   and a daemon thread spins: Python's rule
 *   spin            runs in user mode for ever, no system calls
 *   regs            two threads check R4-R11 across system calls and
 *                   preemptions
 *   upper           copies 0 to 1 upper-cased until end of file
 *   holds5          descriptor 5 is a semaphore it was handed: post it;
 *                   3 and 4 were not handed: -EBADF
 *   drain, flood    read 0 / write 1 for ever (blocked on a pipe)
 *   shmadd N        maps the segment it was handed as 3, adds N to its
 *                   first word
 *   shmhold         maps the segment handed as 3, writes 77, spins for ever
 *   peek ADDR       reads the word at ADDR (a segment it was not handed:
 *                   it must fault)
 *   latewrite       sleeps 5 ticks, then writes one byte to 1
 *   pollforever     polls 0 (a pipe no one writes) for ever
 * Read next: apps/usertests.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "weft.h"

PROG_ABOUT("ROLE [ARG]",
           "the parts usertests' children play (not for people)");

static void *blocker(void *sem)
{
    sem_wait((int)(intptr_t)sem, WAIT_FOREVER);
    return NULL;
}

static void *spinner(void *arg)
{
    for (volatile int *x = arg;;)
        (*x)++;
    return NULL;
}

static void *napper(void *arg)
{
    sleep_ticks((uint32_t)(uintptr_t)arg);
    return NULL;
}

static volatile int spin_count;

/* R4-R11 belong to the program: the kernel keeps them across a system
 * call (they are never in the frame it writes) and a preemption (PendSV
 * saves them in the thread control block). Fill them with known values,
 * then `rounds` times make a system call and spin long enough to be
 * preempted, checking all eight each time. 0, or the round that failed. */
static int regs_check(int rounds)
{
    register int r0 __asm__("r0") = rounds;
    __asm__ volatile(
        "mov    r1, r0\n\t"
        "movw   r4, #0x0404\n\t" "movt   r4, #0x0404\n\t"
        "movw   r5, #0x0505\n\t" "movt   r5, #0x0505\n\t"
        "movw   r6, #0x0606\n\t" "movt   r6, #0x0606\n\t"
        "movw   r7, #0x0707\n\t" "movt   r7, #0x0707\n\t"
        "movw   r8, #0x0808\n\t" "movt   r8, #0x0808\n\t"
        "movw   r9, #0x0909\n\t" "movt   r9, #0x0909\n\t"
        "movw   r10, #0x0a0a\n\t" "movt   r10, #0x0a0a\n\t"
        "movw   r11, #0x0b0b\n\t" "movt   r11, #0x0b0b\n\t"
        "1:\n\t"
        "mov    r12, %[getpid]\n\t"
        "svc    0\n\t"
        "movw   r2, #3000\n\t"
        "2:\n\t"
        "subs   r2, r2, #1\n\t"
        "bne    2b\n\t"
        "movw   r3, #0x0404\n\t" "movt   r3, #0x0404\n\t" "cmp    r4, r3\n\t" "bne    9f\n\t"
        "movw   r3, #0x0505\n\t" "movt   r3, #0x0505\n\t" "cmp    r5, r3\n\t" "bne    9f\n\t"
        "movw   r3, #0x0606\n\t" "movt   r3, #0x0606\n\t" "cmp    r6, r3\n\t" "bne    9f\n\t"
        "movw   r3, #0x0707\n\t" "movt   r3, #0x0707\n\t" "cmp    r7, r3\n\t" "bne    9f\n\t"
        "movw   r3, #0x0808\n\t" "movt   r3, #0x0808\n\t" "cmp    r8, r3\n\t" "bne    9f\n\t"
        "movw   r3, #0x0909\n\t" "movt   r3, #0x0909\n\t" "cmp    r9, r3\n\t" "bne    9f\n\t"
        "movw   r3, #0x0a0a\n\t" "movt   r3, #0x0a0a\n\t" "cmp    r10, r3\n\t" "bne    9f\n\t"
        "movw   r3, #0x0b0b\n\t" "movt   r3, #0x0b0b\n\t" "cmp    r11, r3\n\t" "bne    9f\n\t"
        "subs   r1, r1, #1\n\t"
        "bne    1b\n\t"
        "movs   r0, #0\n\t"
        "b      3f\n\t"
        "9:\n\t"
        "mov    r0, r1\n\t"
        "3:\n\t"
        : "+r"(r0) : [getpid] "I"(SYS_GETPID)
        : "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12",
          "cc", "memory");
    return r0;
}

static void *regs_thread(void *arg)
{
    return (void *)(intptr_t)regs_check((int)(intptr_t)arg);
}

/* The roles about ending: kills that race, and Python's rule. */
static int ending_role(const char *role, char **argv, int argc)
{
    if (!strcmp(role, "killwindow") || !strcmp(role, "killirq")) {
        setname(role);                  /* killed on this call's way back */
        spinner((void *)&spin_count);
    }
    if (!strcmp(role, "killenter")) {
        /* A thread asleep in the kernel keeps the process (and its
         * descriptors) alive for a while after main's end. */
        thread_create(napper, (void *)1000, 0);
        sleep_ticks(2);                 /* until it sleeps */
        setname(role);
        for (;;)
            sem_post(3);                /* killed as the first one enters */
    }
    if (!strcmp(role, "killfast") || !strcmp(role, "killirqf")) {
        setname(role);                  /* a slow call: not killed yet */
        for (;;)
            getpid();                   /* killed on the first one's way back */
    }
    if (!strcmp(role, "waitkill")) {
        char *sleep_argv[] = { "sleeper", "sleep", NULL };
        char *exit_argv[] = { "exitwith", "0", NULL };
        char pid_s[12];
        int b = spawn("sleeper", sleep_argv, SPAWN_DAEMON);  /* ends with us */
        int a = spawn("exitwith", exit_argv, 0);
        snprintf(pid_s, sizeof pid_s, "%d", a);
        char *killer_argv[] = { "userchild", "killer", pid_s, NULL };
        spawn("userchild", killer_argv, 0);
        wait(b, NULL, WAIT_FOREVER);    /* woken by a's end, then killed */
        return 9;                       /* never: -EINTR ends us first */
    }
    if (!strcmp(role, "killer") && argc > 2) {
        struct proc_info pi;
        int a = atoi(argv[2]);
        while (procinfo(a, &pi) == 0 && pi.state != PS_ZOMBIE)
            yield();
        return kill(getppid()) == 0 ? 0 : 1;
    }
    if (!strcmp(role, "threaded")) {
        int sem = sem_create(0);
        thread_create(blocker, (void *)(intptr_t)sem, 0);
        thread_create(napper, (void *)(uintptr_t)100000, 0);
        thread_create(spinner, (void *)&spin_count, 0);
        spinner((void *)&spin_count);
    }
    if (!strcmp(role, "mainexit")) {
        thread_create(spinner, (void *)&spin_count, THREAD_DAEMON);
        thread_create(napper, (void *)(uintptr_t)30, 0);
        return 3;                       /* the process lives on 30 ticks */
    }
    if (!strcmp(role, "spin"))
        spinner((void *)&spin_count);
    if (!strcmp(role, "upper")) {
        char buf[32];
        int n;
        while ((n = read(0, buf, sizeof buf)) > 0) {
            for (int i = 0; i < n; i++)
                buf[i] = (char)(buf[i] >= 'a' && buf[i] <= 'z' ? buf[i] - 32 : buf[i]);
            write(1, buf, (size_t)n);
        }
        return n == 0 ? 0 : 1;
    }
    if (!strcmp(role, "holds5"))
        return sem_post(5) == 0 && close(3) == -EBADF && close(4) == -EBADF ? 0 : 1;
    if (!strcmp(role, "drain") || !strcmp(role, "flood")) {
        char buf[64] = { 0 };
        for (;;)
            role[0] == 'd' ? read(0, buf, sizeof buf) : write(1, buf, sizeof buf);
    }
    if (!strcmp(role, "shmadd") && argc > 2) {
        volatile int *word = shm_map(3, NULL, NULL);
        if (!word)
            return 1;
        *word += atoi(argv[2]);
        return 0;
    }
    if (!strcmp(role, "shmhold")) {
        volatile int *word = shm_map(3, NULL, NULL);
        if (!word)
            return 1;
        *word = 77;
        spinner((void *)&spin_count);
    }
    if (!strcmp(role, "peek") && argc > 2)
        return *(volatile int *)(uintptr_t)strtoul(argv[2], NULL, 0) == 12345 ? 3 : 4;
    if (!strcmp(role, "latewrite")) {
        sleep_ticks(5);
        return write(1, "!", 1) == 1 ? 0 : 1;
    }
    if (!strcmp(role, "pollforever")) {
        struct pollfd pfd = { 0, POLLIN, 0 };
        poll(&pfd, 1, WAIT_FOREVER);
        return 9;
    }
    if (!strcmp(role, "regs")) {        /* two checkers preempt each other */
        void *other = (void *)1;
        int tid = thread_create(regs_thread, (void *)2000, 0);
        int mine = regs_check(2000);
        thread_join(tid, &other, WAIT_FOREVER);
        return mine == 0 && other == 0 ? 0 : 1;
    }
    return -1;
}

/* The roles about synchronisation objects (apps/usertests_sync.c): the
 * object is descriptor 3, handed over by spawn's list. "block KIND" blocks
 * on it for ever, to be killed there; "holdmutex" locks it, sets event 4,
 * and sleeps, to be killed holding it; "exitholding" exits holding it. */
static int sync_role(const char *role, char **argv, int argc)
{
    if (!strcmp(role, "block") && argc > 2) {
        const char *k = argv[2];
        int item = 0, m = lock_create();
        if (!strcmp(k, "sem"))
            sem_acquire(3, WAIT_FOREVER);
        else if (!strcmp(k, "mutex"))
            lock_acquire(3, WAIT_FOREVER);
        else if (!strcmp(k, "event"))
            event_wait(3, WAIT_FOREVER);
        else if (!strcmp(k, "cond") && lock_acquire(m, WAIT_NONE) == 0)
            cond_wait(3, m, WAIT_FOREVER);
        else if (!strcmp(k, "barrier"))
            barrier_wait(3, WAIT_FOREVER);
        else if (!strcmp(k, "qget"))
            queue_get(3, &item, WAIT_FOREVER);
        else if (!strcmp(k, "qput"))
            queue_put(3, &item, 0, WAIT_FOREVER);
        else if (!strcmp(k, "qjoin"))
            queue_join(3, WAIT_FOREVER);
        return 3;                       /* never: it is killed first */
    }
    if (!strcmp(role, "holdmutex")) {
        if (lock_acquire(3, WAIT_FOREVER) != 0)
            return 1;
        event_set(4);
        for (;;)
            sleep_ticks(1000);
    }
    if (!strcmp(role, "condwait")) {    /* lock 3, wait on condition 4 for ever */
        if (lock_acquire(3, WAIT_FOREVER) != 0)
            return 1;
        cond_wait(4, 3, WAIT_FOREVER);
        return 3;                       /* never: it is killed first */
    }
    if (!strcmp(role, "exitholding"))
        return lock_acquire(3, WAIT_NONE) == 0 ? 0 : 1;
    if (!strcmp(role, "syncobjs")) {    /* 3..8: sem, lock, event, cond, barrier, queue */
        int item = 0;
        int ok = sem_release(3) == 0 && lock_acquire(4, WAIT_NONE) == 0 && lock_release(4) == 0
                 && event_is_set(5) == 1 && cond_notify(6, 1) == 0
                 && barrier_wait(7, WAIT_NONE) == 0 && queue_get(8, &item, WAIT_NONE) == 0
                 && item == 42 && sem_release(8) == -EBADF;
        return ok ? 0 : 1;
    }
    return -1;
}

/* sbrk up to `to` (above the break); the old break, or 0. */
static uint8_t *grow_to(uint32_t to)
{
    uint8_t *old = sbrk(0);
    if ((uint32_t)(uintptr_t)old >= to || sbrk((intptr_t)(to - (uint32_t)(uintptr_t)old)) != old)
        return 0;
    return old;
}

static int heap_zero(void)
{
    struct proc_info pi;
    procinfo(0, &pi);
    uint8_t *lo = grow_to(pi.hidden_hi), *hi = (uint8_t *)(uintptr_t)pi.hidden_hi;
    if (pi.hidden_lo >= pi.hidden_hi || !lo)
        return 3;                       /* nothing hidden: the test proves nothing */
    for (volatile uint8_t *b = lo; b < hi; b++)
        if (*b != 0)
            return 1;
    memset(lo, 0xA5, (size_t)(hi - lo));
    return 0;
}

static volatile uint32_t *shown_by_main, *shown_by_thread;

static void *heap_user(void *sem)
{
    sem_wait((int)(intptr_t)sem, WAIT_FOREVER);
    if (shown_by_main[0] != 0)          /* shown, zeroed, and ours to write */
        return (void *)1;
    shown_by_main[0] = 0x600D;
    struct proc_info pi;
    procinfo(0, &pi);
    shown_by_thread = (volatile uint32_t *)(uintptr_t)pi.hidden_lo;
    return grow_to(pi.hidden_lo + 4) ? NULL : (void *)2;
}

static int heap_threads(void)
{
    struct proc_info pi;
    procinfo(0, &pi);
    if (pi.hidden_hi - pi.hidden_lo < 2 * pi.mem_size / 8)
        return 3;                       /* two hidden eighths needed */
    int sem = sem_create(0);
    int tid = thread_create(heap_user, (void *)(intptr_t)sem, 0);
    shown_by_main = (volatile uint32_t *)(uintptr_t)pi.hidden_lo;
    if (tid <= 0 || !grow_to(pi.hidden_lo + 4))
        return 4;
    sem_post(sem);                      /* the thread runs on the eighth shown */
    void *value = (void *)-1;
    thread_join(tid, &value, WAIT_FOREVER);
    if (value != NULL || shown_by_main[0] != 0x600D || shown_by_thread[0] != 0)
        return 1;
    shown_by_thread[0] = 1;             /* the thread's eighth, from here */
    return shown_by_thread[0] == 1 ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *role = argc > 1 ? argv[1] : "?";
    if (!strcmp(role, "foreign") && argc > 2) {
        int h = atoi(argv[2]);
        return sem_post(h) == -EBADF && mutex_lock(h, WAIT_NONE) == -EBADF
               && close(h) == -EBADF ? 0 : 1;
    }
    if (!strcmp(role, "oom")) {
        int n = 0;
        while (malloc(1024))
            n++;
        return n > 0 ? 0 : 1;
    }
    if (!strcmp(role, "heapzero"))
        return heap_zero();
    if (!strcmp(role, "heapthreads"))
        return heap_threads();
    if (!strcmp(role, "threads")) {
        int tids[THREAD_MAX], n = 0, r = 0, joined = 0;
        int sem = sem_create(0);
        while (n < THREAD_MAX && (r = thread_create(blocker, (void *)(intptr_t)sem, 0)) > 0)
            tids[n++] = r;
        for (int i = 0; i < n; i++)
            sem_post(sem);
        for (int i = 0; i < n; i++)
            joined += thread_join(tids[i], NULL, WAIT_FOREVER) == 0;
        close(sem);
        return n > 0 && (r == -EAGAIN || r == -ENOMEM) && joined == n ? 0 : 1;
    }
    if (!strcmp(role, "orphanparent") || !strcmp(role, "daemonparent")) {
        char *argv_s[] = { "sleeper", "sleep", NULL };
        int daemon = role[0] == 'd';
        return spawn("sleeper", argv_s, daemon ? SPAWN_DAEMON : 0) > 0 ? 0 : 1;
    }
    int r = ending_role(role, argv, argc);
    if (r < 0)
        r = sync_role(role, argv, argc);
    if (r >= 0)
        return r;
    printf("userchild: unknown role %s\n", role);
    return 2;
}
