/*
 * usertests_console.c: usertests' cases about the console and the shell's
 * rules (issue 9): who may read the console, who may halt the machine,
 * what a sleep of 2^31 ticks does, and the filtered trace.
 *
 * Course idea: job control in miniature (kernel/console.c,
 * docs/console.md), held to its rules from user mode.
 * Read next: kernel/console.c, tests/target/console.sh.
 */
#include "usertests.h"

/* ---- Console, halt, sleep: the rules of issue 9 -------------------------- */

void test_console_rules(void)
{
    struct thread_info ti;
    int r;

    /* A sleep of 2^31 ticks or more is refused (it used to end at once,
     * as if it had been slept). */
    uint32_t t0 = ticks();
    r = sleep_ticks(0x80000000u);
    judge("sleep 2^31 ticks: EINVAL", r == -EINVAL && ticks() - t0 < 5 ? NULL
          : FAILMSG("gave %d after %lu ticks", r, (unsigned long)(ticks() - t0)));
    r = halt(0);                    /* before: it halted the machine here */
    judge("halt by a non-init process: EPERM", r == -EPERM ? NULL : FAILMSG("gave %d", r));
    r = wait(1, NULL, WAIT_FOREVER);
    judge("wait for a non-child (init): ECHILD at once", r == -ECHILD ? NULL : FAILMSG("gave %d", r));
    r = console_fg(1);
    judge("console to an ancestor: EPERM", r == -EPERM ? NULL : FAILMSG("gave %d", r));
    r = console_fg(9999);
    judge("console to no process: ESRCH", r == -ESRCH ? NULL : FAILMSG("gave %d", r));
    r = sys_result(sys2(SYS_CONSOLE, 99, 0));
    judge("console bad op: EINVAL", r == -EINVAL ? NULL : FAILMSG("gave %d", r));
    r = console_fg(getpid());
    judge("console to oneself", r == 0 && console_getfg() == getpid() ? NULL
          : FAILMSG("gave %d, fg %d", r, console_getfg()));

    struct trace_entry te[2];
    struct trace_filter tf = { 0, 0x7FFFFFFF, 0 };
    r = trace_find(te, 2, (const struct trace_filter *)0x30000000);
    judge("trace_find bad filter: EFAULT", r == -EFAULT ? NULL : FAILMSG("gave %d", r));
    r = trace_find(te, 33, &tf);
    judge("trace_find 33: EINVAL", r == -EINVAL ? NULL : FAILMSG("gave %d", r));
    tf.tid_lo = tf.tid_hi = gettid();
    r = trace_find(te, 2, &tf);
    judge("trace_find own thread", r == 2 && te[0].tid == gettid() && te[1].tid == gettid()
          ? NULL : FAILMSG("gave %d", r));

    /* The main thread's name follows the process's renames. */
    setname("renamed");
    int found = 0;
    for (int i = 0; threadinfo(i, &ti) == 0; i++)
        if (ti.tid == gettid())
            found = !strcmp(ti.name, "renamed");
    setname("usertests");
    judge("thread name follows setname", found ? NULL : FAILMSG("main thread not renamed"));
}
