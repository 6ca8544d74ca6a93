/*
 * test_fault.c: a bad access in kernel mode gives a decoded crash report.
 *
 * Course idea: a fault is the CPU refusing an instruction. 0x30000000 is not
 * mapped on this board and answers with a precise BusFault, so CFSR must say
 * PRECISERR with BFARVALID and BFAR = 0x30000000. A fault in the kernel is a
 * kernel bug: arch/armv7m/fault.c prints the report and halts with
 * EXIT_FAULT. tests/target/expect-fault.sh checks the status and the report.
 * Image: build/ktest-fault.elf.
 */
#include <stdint.h>

#include "../../arch/arch.h"
#include "../../kernel/printk.h"
#include "../../kernel/thread.h"

#define UNMAPPED 0x30000000u

static void *faulter(void *arg)
{
    (void)arg;
    kprintf("fault test: reading %p\n", (void *)UNMAPPED);
    uint32_t v = *(volatile uint32_t *)UNMAPPED;
    kprintf("fault test: FAIL: read %08lx without a fault\n", (unsigned long)v);
    arch_halt(1);
}

void app_start(void)
{
    thread_create("faulter", faulter, NULL, 5);
}
