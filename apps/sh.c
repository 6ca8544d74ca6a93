/*
 * sh.c: the shell, as an ordinary user program.
 *
 * Course idea: a shell is just a process that reads a line, starts
 * another process, and waits for it. Everything it shows comes through
 * system calls: `ls` asks for the program table, `ps` for the process and
 * thread tables, `run` spawns and waits, `kill` ends a process. It has no
 * more rights than the programs it starts: it cannot even halt the
 * machine; it ends, and init (its parent) halts.
 *
 * Job control in miniature (docs/console.md): a program run in the
 * foreground gets the console and Ctrl-C ends it; one run with `&` is a
 * background job that may not read the console until `fg` gives it the
 * console. The shell itself catches Ctrl-C (it drops the line being
 * typed), as a Unix shell ignores SIGINT. A background job that ends is
 * reported at the next prompt, like a Unix shell's "Done", and stays a
 * zombie, visible in `ps` and waitable with `wait`, until one more
 * command has run. Line editing is lib/user/lineedit.c.
 * Read next: apps/init.c, apps/procdemo.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lineedit.h"
#include "ps.h"
#include "traceview.h"
#include "weft.h"

PROG_ABOUT("",
           "the shell: reads a line, starts a process, waits for it");

#define MAXARGS 8
#define MAXPROCS 32
#define MAXJOBS 16
#define TRACE_MAX 32                /* the most records SYS_TRACE returns */

/* Background jobs: started with &, not yet reaped. */
static struct job {
    int pid;
    int reported_at;                /* command count when its end was told; 0: not yet */
    char name[PROC_NAME_LEN];
} jobs[MAXJOBS];
static int commands;                /* commands run so far */

/* "-3" -> the number; anything but a whole decimal number -> fail. */
static int parse_int(const char *s, long *out)
{
    char *end;
    if (!s || !*s)
        return -1;
    *out = strtol(s, &end, 10);
    return *end ? -1 : 0;
}

/* Say how child `pid` ended, after reading why from its zombie. */
static void report(int pid, const char *name, int status, const char *why)
{
    char how[32];
    if (WIFKILLED(status) && why[0] && strcmp(why, "killed"))
        printf("[%d %s] %s\n", pid, name, why);     /* "interrupted" */
    else if (WIFFAULTED(status))    /* the kernel's words: "segmentation fault: ..." */
        printf("[%d %s] %s\n", pid, name, why[0] ? why : status_str(status, how, sizeof how));
    else
        printf("[%d %s] %s\n", pid, name, status_str(status, how, sizeof how));
}

/* Is pid a child of this shell? Says why not, in words, if it is not. */
static int my_child(const char *cmd, int pid, struct proc_info *pi)
{
    int r = procinfo(pid, pi);
    if (pid > 0 && r == 0 && pi->ppid == getpid())
        return 1;
    if (r < 0 || pid <= 0)
        printf("%s: %d: no such process (ESRCH)\n", cmd, pid);
    else
        printf("%s: %d: not a child of this shell (ECHILD)\n", cmd, pid);
    return 0;
}

static void forget_job(int pid)
{
    for (int i = 0; i < MAXJOBS; i++)
        if (jobs[i].pid == pid)
            jobs[i].pid = 0;
}

/* Give child pid the console, wait for it to end, say how, take it back. */
static void foreground(int pid, const char *name)
{
    char why[sizeof ((struct proc_info *)0)->why];
    int status;
    console_fg(pid);
    int r = wait_why(pid, &status, why, sizeof why, WAIT_FOREVER);
    console_fg(getpid());
    forget_job(pid);
    if (r < 0)
        printf("wait: %d: %s\n", pid, err_str(r));
    else
        report(pid, name, status, why);
}

/* Before each prompt: tell which background jobs have ended; reap those
 * told about before the last command (they were zombies until now). */
static void check_jobs(void)
{
    for (int i = 0; i < MAXJOBS; i++) {
        struct job *j = &jobs[i];
        struct proc_info pi;
        int status;
        if (!j->pid)
            continue;
        if (procinfo(j->pid, &pi) < 0 || pi.ppid != getpid()) {
            j->pid = 0;             /* reaped by `wait` */
        } else if (pi.state == PS_ZOMBIE && !j->reported_at) {
            printf("done ");
            report(j->pid, j->name, pi.exit_status, pi.why);
            j->reported_at = commands;
        } else if (j->reported_at && j->reported_at < commands) {
            wait(j->pid, &status, WAIT_NONE);
            j->pid = 0;
        }
    }
}

/* Start argv[0] with its arguments; a last word "&" runs it in the
 * background. `run PROG ...` and a bare `PROG ...` both come here. */
static void start_prog(int argc, char **argv)
{
    int background = argc > 1 && !strcmp(argv[argc - 1], "&");
    if (background)
        argv[--argc] = NULL;
    int pid = spawn(argv[0], argv, 0);
    if (pid < 0) {
        printf("run: cannot start %s: %s\n", argv[0], err_str(pid));
    } else if (background) {
        for (int i = 0; i < MAXJOBS; i++) {
            if (!jobs[i].pid) {
                jobs[i].pid = pid;
                jobs[i].reported_at = 0;
                strncpy(jobs[i].name, argv[0], PROC_NAME_LEN - 1);
                break;
            }
        }
        printf("[%d] started\n", pid);
    } else {
        foreground(pid, argv[0]);
    }
}

static void cmd_run(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "&")) {
        printf("usage: run PROG [ARGS] [&]   (ls lists the programs)\n");
        return;
    }
    start_prog(argc - 1, argv + 1);
}

/* Is there a program called name in the program table? */
static int is_program(const char *name)
{
    struct prog_info p;
    for (int i = 0; proginfo(i, &p) == 0; i++)
        if (!strcmp(p.name, name))
            return 1;
    return 0;
}

static void cmd_fg(const char *arg)
{
    long pid;
    struct proc_info pi;
    if (parse_int(arg, &pid) < 0) {
        printf("usage: fg PID   (bring a background job to the foreground)\n");
        return;
    }
    if (my_child("fg", (int)pid, &pi))
        foreground((int)pid, pi.name);
}

static void cmd_wait(const char *arg)
{
    long pid;
    struct proc_info pi;
    if (parse_int(arg, &pid) < 0) {
        printf("usage: wait PID   (wait for a background child to end)\n");
        return;
    }
    if (!my_child("wait", (int)pid, &pi))
        return;                 /* at once: a non-child can never be waited for */
    char why[sizeof pi.why];
    int status;
    int r = wait_why((int)pid, &status, why, sizeof why, WAIT_FOREVER);
    forget_job((int)pid);
    if (r < 0)
        printf("wait: %ld: %s\n", pid, err_str(r));
    else
        report((int)pid, pi.name, status, why);
}

static void cmd_kill(const char *arg)
{
    long pid;
    if (parse_int(arg, &pid) < 0) {
        printf("usage: kill PID   (ps lists the processes)\n");
        return;
    }
    int r = kill((int)pid);
    if (r < 0)
        printf("kill: %ld: %s\n", pid, err_str(r));
}

/* trace run PROG [ARGS]: run one command in the foreground and show only
 * its own threads' transitions (ids from its main thread's on, since it
 * started): not the shell's reaction to every key. */
static void trace_run(int argc, char **argv)
{
    struct trace_entry e[TRACE_MAX];
    if (argc < 3) {
        printf("usage: trace run PROG [ARGS]\n");
        return;
    }
    struct trace_filter f = { 0, 0x7FFFFFFF, ticks() };
    int pid = spawn(argv[2], &argv[2], 0);
    if (pid < 0) {
        printf("trace: cannot start %s: %s\n", argv[2], err_str(pid));
        return;
    }
    f.tid_lo = proc_main_tid(pid);
    foreground(pid, argv[2]);
    int got = trace_find(e, TRACE_MAX, &f);
    printf("trace of %s (pid %d, threads %d and up), %s%d transitions:\n", argv[2], pid,
           f.tid_lo, got == TRACE_MAX ? "the last " : "", got);
    trace_print(e, got, f.tid_lo, argv[2]);
}

/* trace [N] | trace -t TID [N] | trace -p PID [N] | trace run PROG [ARGS] */
static void cmd_trace(int argc, char **argv)
{
    struct trace_entry e[TRACE_MAX];
    struct trace_filter f = { 0, 0x7FFFFFFF, 0 };
    long n = 20, id = 0;
    int i = 1;

    if (argc > 1 && !strcmp(argv[1], "run")) {
        trace_run(argc, argv);
        return;
    }
    if (argc > 2 && (!strcmp(argv[1], "-t") || !strcmp(argv[1], "-p"))) {
        if (parse_int(argv[2], &id) < 0 || id <= 0) {
            printf("usage: trace [-t TID | -p PID] [N] | trace run PROG [ARGS]\n");
            return;
        }
        if (argv[1][1] == 't')
            f.tid_lo = f.tid_hi = (int)id;
        else if (proc_tid_range((int)id, &f.tid_lo, &f.tid_hi) == 0) {
            printf("trace: %ld: no such process, or it has no threads (ESRCH)\n", id);
            return;
        }
        i = 3;
    }
    if (argc > i + 1 || (argc == i + 1 && (parse_int(argv[i], &n) < 0 || n < 1))) {
        printf("trace: N must be a number from 1 to %d\n", TRACE_MAX);
        return;
    }
    if (n > TRACE_MAX) {
        printf("trace: showing the last %d (the most it returns)\n", TRACE_MAX);
        n = TRACE_MAX;
    }
    int got = trace_find(e, (int)n, &f);
    trace_print(e, got, 0, NULL);
}

/* ls: each program as it describes itself (PROG_ABOUT in its source);
 * ls -l: its sizes in the program table. */
static void cmd_ls(int argc, char **argv)
{
    struct prog_info p;
    int sizes = argc > 1 && !strcmp(argv[1], "-l");
    if (argc > 2 || (argc == 2 && !sizes)) {
        printf("usage: ls [-l]\n");
        return;
    }
    if (sizes)
        printf("NAME              TEXT   DATA    BSS  IMAGE\n");
    for (int i = 0; proginfo(i, &p) == 0; i++) {
        if (sizes)
            printf("%-15s %6lu %6lu %6lu %6lu\n", p.name, (unsigned long)p.text_size,
                   (unsigned long)p.data_size, (unsigned long)p.bss_size,
                   (unsigned long)p.image_size);
        else
            printf("%-10s %-22s %s\n", p.name, p.args, p.about[0] ? p.about : "(says nothing)");
    }
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
    printf("console  %7lu bytes in, %lu dropped, held back %lu times, %lu flushed by Ctrl-C\n",
           (unsigned long)k.con_rx, (unsigned long)k.con_dropped,
           (unsigned long)k.con_stalls, (unsigned long)k.con_flushed);
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

static const char *const commands_help[] = {
    "ls [-l]              the programs, their arguments and what they show (-l: sizes)",
    "run PROG [ARGS] [&]  start PROG; wait for it unless &",
    "PROG [ARGS] [&]      the same: a program's name is a command too",
    "fg PID               give a background job the console and wait for it",
    "ps [-t]              processes, then threads (-t: the process tree)",
    "kill PID             end a process",
    "wait PID             wait for a background child",
    "sched [NAME]         the scheduling policies; switch to NAME",
    "trace [-t TID|-p PID] [N]  the last N thread state transitions (N <= 32)",
    "trace run PROG [ARGS]      run PROG; show only its threads' transitions",
    "mem                  kernel memory, table use, console input",
    "echo WORDS           print the words",
    "exit [N]             leave this shell (the first one: init halts with N)",
    "halt [N]             end the session: init halts the machine with N",
    "help run             the programs, as for ls",
    "keys: Ctrl-C drops the line or ends the foreground program; Ctrl-U, Ctrl-W,",
    "      Up/Down (history), Tab (complete), Ctrl-D (end of input)",
};
/* For Tab. */
static const char *const command_names[] = {
    "ls", "run", "fg", "ps", "kill", "wait", "sched", "trace", "mem", "echo", "exit",
    "halt", "help",
};
#define NCOMMANDS (int)(sizeof command_names / sizeof command_names[0])

static void help(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "run")) {
        printf("run PROG [ARGS] [&]: start PROG; wait for it unless &. The programs:\n");
        cmd_ls(1, argv);
        return;
    }
    for (unsigned i = 0; i < sizeof commands_help / sizeof commands_help[0]; i++)
        printf("%s\n", commands_help[i]);
}

static void cmd_halt(const char *arg)
{
    long code = 0;
    if (arg && parse_int(arg, &code) < 0) {
        printf("usage: halt [N]\n");
        return;
    }
    if (getppid() != 1) {
        printf("halt: only the first shell ends the session; this one is nested (exit)\n");
        return;
    }
    printf("weft: halted\n");
    exit((int)code & 0xFF);         /* init, our parent, halts with it */
}

static void cmd_ps(int argc, char **argv)
{
    int tree = argc > 1 && !strcmp(argv[1], "-t");
    if (argc > 2 || (argc == 2 && !tree))
        printf("usage: ps [-t]\n");
    else
        ps_show(tree);
}

static void execute(int argc, char **argv)
{
    const char *cmd = argv[0];
    const char *a1 = argc > 1 ? argv[1] : NULL;
    long n = 0;

    if (!strcmp(cmd, "help"))
        help(argc, argv);
    else if (!strcmp(cmd, "ls"))
        cmd_ls(argc, argv);
    else if (!strcmp(cmd, "run"))
        cmd_run(argc, argv);
    else if (!strcmp(cmd, "fg"))
        cmd_fg(a1);
    else if (!strcmp(cmd, "ps"))
        cmd_ps(argc, argv);
    else if (!strcmp(cmd, "kill"))
        cmd_kill(a1);
    else if (!strcmp(cmd, "wait"))
        cmd_wait(a1);
    else if (!strcmp(cmd, "sched"))
        cmd_sched(a1);
    else if (!strcmp(cmd, "trace"))
        cmd_trace(argc, argv);
    else if (!strcmp(cmd, "mem"))
        cmd_mem();
    else if (!strcmp(cmd, "echo")) {
        for (int i = 1; i < argc; i++)
            printf("%s%s", argv[i], i + 1 < argc ? " " : "");
        printf("\n");
    } else if (!strcmp(cmd, "exit")) {
        if (a1 && parse_int(a1, &n) < 0)
            printf("usage: exit [N]\n");
        else
            exit((int)n & 0xFF);
    } else if (!strcmp(cmd, "halt"))
        cmd_halt(a1);
    else if (is_program(cmd))
        start_prog(argc, argv);     /* `hog` is `run hog`, as in any shell */
    else
        printf("%s: no such command or program (try 'help', or 'ls' for the programs)\n", cmd);
}

/* Tab's candidates: the i-th name a word at the line's start may be (the
 * commands, then the programs), or after `run` (the programs). 0 when
 * there is no i-th. */
static int candidate(int i, int programs_only, char name[PROC_NAME_LEN])
{
    struct prog_info p;
    if (!programs_only && i < NCOMMANDS) {
        snprintf(name, PROC_NAME_LEN, "%s", command_names[i]);
        return 1;
    }
    if (proginfo(programs_only ? i : i - NCOMMANDS, &p) < 0)
        return 0;
    snprintf(name, PROC_NAME_LEN, "%s", p.name);
    return 1;
}

/* Tab: the first word is a command or a program, the word after `run` a
 * program. Adds the longest extension all matching names share, and a
 * space when only one matches. */
static int sh_complete(const char *line, int start, char *more, int size)
{
    const char *word = line + start;
    size_t len = strlen(word);
    char name[PROC_NAME_LEN], first[PROC_NAME_LEN];
    int matches = 0, common = 0, programs_only;

    if (start == 4 && !strncmp(line, "run ", 4))
        programs_only = 1;
    else if (start == 0)
        programs_only = 0;
    else
        return 0;
    for (int i = 0; candidate(i, programs_only, name); i++) {
        if (strncmp(name, word, len))
            continue;
        const char *rest = name + len;
        if (matches++ == 0) {
            memcpy(first, name, sizeof first);
            common = (int)strlen(rest);
        } else {
            int c = 0;
            while (c < common && rest[c] == first[len + c])
                c++;
            common = c;
        }
    }
    if (matches == 0 || common + 1 >= size)
        return 0;
    memcpy(more, first + len, (size_t)common);
    if (matches == 1)
        more[common++] = ' ';
    return common;
}

int main(void)
{
    static struct line_editor ed = { .complete = sh_complete };
    char line[LINE_MAX];
    char *argv[MAXARGS + 2];

    console_catch_intr(1);          /* Ctrl-C at the prompt drops the line */
    printf("weft user shell (pid %d). Type 'help'.\n", getpid());
    for (;;) {
        check_jobs();
        printf("weft$ ");
        fflush(stdout);
        int len = line_read(&ed, line, sizeof line);
        if (len == LINE_EOF)
            break;
        if (len == LINE_TOO_LONG) {
            printf("sh: line too long (at most %d characters); nothing run\n", LINE_MAX - 1);
            continue;
        }
        int argc = 0;
        char *w = strtok(line, " \t");
        for (; w && argc <= MAXARGS; w = strtok(NULL, " \t"))
            argv[argc++] = w;
        if (argc > MAXARGS) {
            printf("sh: too many words (at most %d); nothing run\n", MAXARGS);
            continue;
        }
        argv[argc] = NULL;
        if (argc > 0) {
            commands++;
            execute(argc, argv);
        }
    }
    printf("\nsh: end of input\n");
    return 0;
}
