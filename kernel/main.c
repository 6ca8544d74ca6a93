/*
 * main.c: bringing the kernel up, in order. Start reading weft here.
 *
 * Course idea: boot. arch/armv7m/start.c has prepared memory for C; this
 * function brings up each subsystem in the order the next one needs it,
 * creates the first threads, starts the tick and hands the CPU to the
 * scheduler. From then on the boot code never runs again: every line of
 * weft runs in a thread or an interrupt handler.
 */
#include "../arch/arch.h"
#include "../drivers/uart.h"
#include "printk.h"
#include "sched.h"

/* The image's first threads: init (pid 1, kernel/initproc.c) in weft.elf,
 * the kernel shell in weft-kshell.elf, a test suite in a test
 * image (tests/target/). */
void app_start(void);

void kernel_main(void)
{
    arch_init();        /* fault reporting on, exception priorities set */
    uart_init();        /* polled console: kprintf works from here */
    kprintf("\nweft: booting on %s\n", "mps2-an385 (Cortex-M3)");
    sched_init();       /* ready queues, the idle thread */
    uart_start_irq();   /* console becomes interrupt driven */
    app_start();        /* create the first threads (NEW -> READY) */
    arch_tick_start(TICK_HZ);
    sched_start();      /* the most urgent thread runs; we never return */
}
