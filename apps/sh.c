/*
 * sh.c: the shell, as an ordinary user program.
 *
 * Course idea: a shell is just a process that reads a line, starts
 * another process, and waits for it. Everything it shows comes through
 * system calls: `ls` asks for the program table, `ps` for the process and
 * thread tables, `run` spawns and waits, `kill` ends a process. It has no
 * more rights than the programs it starts.
 *
 * The console is raw: the shell echoes what it reads and handles
 * backspace itself. It works the same from a terminal or a pipe (CR, LF
 * or both end a line; ^D or end of input leaves the shell). Children
 * started with `&` are reaped before each prompt, with a line saying how
 * they ended. Read next: apps/procdemo.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "weft.h"

#define MAXARGS 8
#define MAXPROCS 32

/* Say how child `pid` ended, after reading why from its zombie. */
static void report(int pid, const char *name, int status, const char *why)
{
    char how[32];
    if (WIFFAULTED(status))         /* the kernel's words: "segmentation fault: ..." */
        printf("[%d %s] %s\n", pid, name, why[0] ? why : status_str(status, how, sizeof how));
    else
        printf("[%d %s] %s\n", pid, name, status_str(status, how, sizeof how));
}

static void wait_and_report(int pid)
{
    struct proc_info pi;
    char why[sizeof pi.why];
    int status;

    if (procinfo(pid, &pi) < 0) {
        printf("wait: no process %d\n", pid);
        return;
    }
    int r = wait_why(pid, &status, why, sizeof why, WAIT_FOREVER);
    if (r < 0)
        printf("wait: %d is not a child of this shell (%d)\n", pid, r);
    else
        report(pid, pi.name, status, why);
}

/* Reap background children that have ended, saying how. */
static void reap_background(void)
{
    int pids[MAXPROCS], me = getpid();
    int n = proclist(pids, MAXPROCS);
    for (int i = 0; i < n; i++) {
        struct proc_info pi;
        int status;
        if (procinfo(pids[i], &pi) == 0 && pi.ppid == me && pi.state == PS_ZOMBIE
            && wait(pi.pid, &status, WAIT_NONE) == pi.pid)
            report(pi.pid, pi.name, status, pi.why);
    }
}

static void cmd_run(int argc, char **argv)
{
    int background = argc > 1 && !strcmp(argv[argc - 1], "&");
    if (background)
        argv[--argc] = NULL;
    if (argc < 2) {
        printf("usage: run PROG [ARGS] [&]\n");
        return;
    }
    int pid = spawn(argv[1], &argv[1], 0);
    if (pid < 0)
        printf("run: cannot start %s (%d)\n", argv[1], pid);
    else if (background)
        printf("[%d] started\n", pid);
    else
        wait_and_report(pid);
}

static void cmd_ls(void)
{
    struct prog_info p;
    printf("NAME              TEXT   DATA    BSS  IMAGE\n");
    for (int i = 0; proginfo(i, &p) == 0; i++)
        printf("%-15s %6lu %6lu %6lu %6lu\n", p.name, (unsigned long)p.text_size,
               (unsigned long)p.data_size, (unsigned long)p.bss_size,
               (unsigned long)p.image_size);
}

static void cmd_ps(void)
{
    int pids[MAXPROCS];
    int n = proclist(pids, MAXPROCS);
    printf(" PID PPID STATE    THR    TICKS NAME\n");
    for (int i = 0; i < n; i++) {
        struct proc_info pi;
        if (procinfo(pids[i], &pi) == 0)
            printf("%4d %4d %-8s %3d %8lu %s%s\n", pi.pid, pi.ppid,
                   proc_state_str(pi.state), pi.nthreads, (unsigned long)pi.ticks,
                   pi.name, pi.daemon ? " (daemon)" : "");
    }
    struct thread_info ti;
    printf(" TID  PID STATE      PRI    TICKS NAME\n");
    for (int i = 0; threadinfo(i, &ti) == 0; i++)
        printf("%4d %4d %-10s %3d %8lu %s\n", ti.tid, ti.pid, thread_state_str(ti.state),
               ti.prio, (unsigned long)ti.ticks, ti.name);
}

static void cmd_trace(int n)
{
    struct trace_entry e[32];
    if (n <= 0 || n > 32)
        n = 32;
    int got = trace(e, n);
    for (int i = 0; i < got; i++)
        printf("  t=%-7lu tid %-3d %-10s -> %-10s %s\n", (unsigned long)e[i].time, e[i].tid,
               thread_state_str(e[i].from), thread_state_str(e[i].to),
               trace_why_str(e[i].why));
}

static void cmd_mem(void)
{
    struct kstat k;
    if (kstat(&k) < 0)
        return;
    printf("memory   %7lu of %7lu bytes free\n", (unsigned long)k.mem_free,
           (unsigned long)k.mem_total);
    printf("procs    %7lu of %7lu free\n", (unsigned long)k.procs_free,
           (unsigned long)k.procs_total);
    printf("threads  %7lu of %7lu free\n", (unsigned long)k.threads_free,
           (unsigned long)k.threads_total);
    printf("objects  %7lu of %7lu free\n", (unsigned long)k.objs_free,
           (unsigned long)k.objs_total);
    printf("pipes    %7lu of %7lu free\n", (unsigned long)k.pipes_free,
           (unsigned long)k.pipes_total);
    printf("tick     %7lu\n", (unsigned long)k.ticks);
}

/* `sched [NAME]`: the kernel's policies, named by the kernel (SYS_SCHEDINFO),
 * the one in force marked with '*'; with a name, switch to it first. */
static void cmd_sched(const char *name)
{
    struct sched_info si;
    int i;

    if (name) {
        for (i = 0; sched_info(i, &si) == 0 && strcmp(si.name, name); i++)
            ;
        if (sched_info(i, &si) < 0)
            printf("sched: no policy '%s'\n", name);
        else
            sched_policy(i);
    }
    int now = sched_policy(-1);
    for (i = 0; sched_info(i, &si) == 0; i++)
        printf("%c %-5s %s\n", i == now ? '*' : ' ', si.name, si.about);
}

static void help(void)
{
    printf("ls                 programs in the program table\n"
           "run PROG [ARGS] [&]  start PROG; wait for it unless &\n"
           "ps                 processes, then threads\n"
           "kill PID           end a process\n"
           "wait PID           wait for a background child\n"
           "sched [NAME]       the scheduling policies; switch to NAME\n"
           "trace [N]          the last N thread state transitions\n"
           "mem                kernel memory and table use\n"
           "exit [N]           leave the shell (init then halts)\n"
           "halt               leave QEMU\n");
}

/* Read one line with echo; returns its length, or -1 at end of input. */
static int read_line(char *buf, int size)
{
    static char last;
    int n = 0;
    char c;

    for (;;) {
        if (read(0, &c, 1) != 1 || c == 0x04)
            return -1;
        if (c == '\n' && last == '\r') {    /* the second half of CR LF */
            last = c;
            continue;
        }
        last = c;
        if (c == '\r' || c == '\n') {
            write(1, "\n", 1);
            buf[n] = '\0';
            return n;
        }
        if (c == 0x7f || c == '\b') {
            if (n > 0) {
                n--;
                write(1, "\b \b", 3);
            }
        } else if (c >= ' ' && n < size - 1) {
            buf[n++] = c;
            write(1, &c, 1);
        }
    }
}

static void execute(int argc, char **argv)
{
    const char *cmd = argv[0];
    const char *a1 = argc > 1 ? argv[1] : NULL;

    if (!strcmp(cmd, "help"))
        help();
    else if (!strcmp(cmd, "ls"))
        cmd_ls();
    else if (!strcmp(cmd, "run"))
        cmd_run(argc, argv);
    else if (!strcmp(cmd, "ps"))
        cmd_ps();
    else if (!strcmp(cmd, "kill") && a1) {
        int r = kill(atoi(a1));
        if (r < 0)
            printf("kill: %s: no such process (%d)\n", a1, r);
    } else if (!strcmp(cmd, "wait") && a1)
        wait_and_report(atoi(a1));
    else if (!strcmp(cmd, "sched"))
        cmd_sched(a1);
    else if (!strcmp(cmd, "trace"))
        cmd_trace(a1 ? atoi(a1) : 20);
    else if (!strcmp(cmd, "mem"))
        cmd_mem();
    else if (!strcmp(cmd, "exit"))
        exit(a1 ? atoi(a1) : 0);
    else if (!strcmp(cmd, "halt")) {
        printf("weft: halted\n");
        fflush(stdout);
        halt(0);
    } else
        printf("%s: unknown command (try 'help')\n", cmd);
}

int main(void)
{
    char line[96];
    char *argv[MAXARGS + 1];

    printf("weft user shell (pid %d). Type 'help'.\n", getpid());
    for (;;) {
        reap_background();
        printf("weft$ ");
        fflush(stdout);
        int len = read_line(line, sizeof line);
        if (len < 0)
            break;
        int argc = 0;
        for (char *w = strtok(line, " \t"); w && argc < MAXARGS; w = strtok(NULL, " \t"))
            argv[argc++] = w;
        argv[argc] = NULL;
        if (argc > 0)
            execute(argc, argv);
    }
    printf("\n");
    return 0;
}
