/*
 * initproc.c: the first process.
 *
 * Course idea: the process tree has a root. At boot the kernel spawns init
 * (pid 1) from the program table; init starts the shell and adopts every
 * orphan. A test image passes init another program to run (init_args).
 * Read next: apps/init.c.
 */
#include <string.h>

#include "panic.h"
#include "printk.h"
#include "proc.h"

/* init's arguments, NUL-separated. Test images define their own. */
__attribute__((weak)) const char init_args[] = "init";
__attribute__((weak)) const int init_args_len = sizeof "init";

void app_start(void)
{
    int argc = 0;
    for (int i = 0; i < init_args_len; i++)
        argc += init_args[i] == '\0';
    proc_init();
    int pid = proc_spawn(NULL, "init", init_args, init_args_len, argc, 0);
    if (pid != 1)
        panic("cannot start init: %d", pid);
}
