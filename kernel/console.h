/*
 * console.h: the console's foreground process, background readers, Ctrl-C.
 *
 * Course idea: job control in miniature (kernel/console.c, docs/console.md).
 * Read next: kernel/console.c.
 */
#ifndef WEFT_CONSOLE_H
#define WEFT_CONSOLE_H

#include <stddef.h>

struct proc;

/* Take Ctrl-C from the UART. Once, at boot, after proc_init(). Without
 * it Ctrl-C is an ordinary byte. */
void console_init(void);

/* Read at least 1 and at most n bytes for the calling thread: at once if
 * its process is in the foreground job (or nobody claimed the console),
 * else after it joins it. Returns the count, or -EINTR if its process was
 * killed while it waited. nonblock: -EAGAIN instead of waiting, for either
 * reason. The console object's read (kernel/fd_console.c). */
long console_fg_read(char *buf, size_t n, int nonblock);

/* Interrupts masked. May the calling thread's process read the console
 * now (is it in the foreground job)? For poll's readiness. */
int console_may_read_locked(void);

/* Give the console to process pid. The caller must be pid or one of its
 * ancestors, and the foreground process or one of its ancestors (or no
 * one holds the console). Returns 0, -ESRCH (no live process pid), -EPERM. */
int console_set_fg(struct proc *caller, int pid);

/* The foreground pid, 0 if nobody claimed the console. */
int console_get_fg(void);

/* on = 1: Ctrl-C reaches the caller as a byte while it is the foreground
 * (a shell); on = 0: it ends the caller (the default). */
void console_catch_intr(struct proc *caller, int on);

/* Interrupts masked; from the process layer when p becomes a zombie: the
 * console passes to its parent, and p's settings are forgotten. */
void console_proc_ended_locked(struct proc *p);

#endif
