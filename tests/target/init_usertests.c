/*
 * init_usertests.c: a weft image whose init runs usertests instead of sh.
 *
 * Linked into build/usertests.elf: overrides kernel/initproc.c's weak
 * init_args, so init starts `usertests` and halts with its exit status (the
 * number of failed cases), which is the image's QEMU exit status.
 */
#include <string.h>

#include "../../kernel/proc.h"
#include "../../kernel/sched.h"

char init_args[] = "init\0usertests\0";

/* The window between kernel_syscall()'s killed check and the return to
 * user mode is a few instructions wide; this hook (kernel/syscall.c) makes
 * it certain: a process named "killwindow" is killed inside it, as another
 * thread or an interrupt handler could kill it there. The kill must still
 * end it (usertests: "kill in the return window"). */
void syscall_return_test_hook(void)
{
    struct proc *p = current->proc;
    if (p && !p->killed && !strcmp(p->name, "killwindow"))
        proc_kill(p->pid, WSTATUS_KILLED, "killed in the return window");
}
