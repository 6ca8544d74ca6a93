/*
 * initproc.c: the first process.
 *
 * Course idea: the process tree has a root. At boot the kernel spawns init
 * (pid 1) from the program table; init starts the shell and adopts every
 * orphan. A test image passes init another program to run (init_args).
 * Read next: apps/init.c.
 */
#include <string.h>

#include "console.h"
#include "panic.h"
#include "printk.h"
#include "proc.h"

/* init's arguments: NUL-terminated strings, ended by an empty one. A test
 * image defines its own. A pointer, not an array: the definitions differ
 * in length, which the link-time optimiser would flag as a type mismatch;
 * and not const, so the compiler cannot fold the weak definition's value
 * into this file. */
__attribute__((weak)) const char *init_args = "init\0";

void app_start(void)
{
    int len = 0, argc = 0;
    while (init_args[len]) {            /* count the strings and their bytes */
        len += (int)strlen(init_args + len) + 1;
        argc++;
    }
    proc_init();
    console_init();                 /* Ctrl-C and the foreground process */
    int pid = proc_spawn(NULL, "init", init_args, len, argc, 0, NULL, 0);
    if (pid != 1)
        panic("cannot start init: %d", pid);
}
