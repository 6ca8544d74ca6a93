/*
 * crt0.S: where a user program starts.
 *
 * Course idea: a process begins with nothing but registers. The kernel
 * enters _start unprivileged with
 *     R0 = argc, R1 = argv (pointers inside the process's own memory),
 *     SP = the top of the main stack (8-byte aligned),
 * after it has copied .data and zeroed .bss. There is nothing to return
 * to, so _start hands main's result to exit(), which runs the atexit
 * handlers, flushes stdio (output still in a buffer would be lost) and
 * ends in _exit() -> SYS_EXIT (lib/user/newlib.c).
 *
 * The linker script puts this section first (linker/app.ld).
 * Read next: lib/user/syscall.c.
 */
    .syntax unified
    .thumb

    .section .text._start, "ax", %progbits
    .global _start
    .type _start, %function
_start:
    bl      main            @ main(argc, argv): R0 and R1 are already right
    bl      exit            @ exit(main's result): never returns
    .size _start, . - _start
