/*
 * start.c: the vector table and the reset handler: how the CPU enters weft.
 *
 * Course idea: booting. On reset a Cortex-M reads two words from address 0:
 * the initial main stack pointer and the address of the reset handler. The
 * rest of the table lists the handler of every exception and interrupt.
 * Reset prepares memory for C (copy .data, zero .bss) and calls
 * kernel_main() in kernel/main.c, which brings the kernel up in order.
 * Read next: kernel/main.c.
 */
#include <stdint.h>
#include <string.h>

#include "../arch.h"

extern uint32_t _stack_top[];                       /* from linker/mps2-an385.ld */
extern uint32_t _data_load[], _data_start[], _data_end[];
extern uint32_t _bss_start[], _bss_end[];

void kernel_main(void) __attribute__((noreturn));
void reset_handler(void) __attribute__((noreturn));

/* Handlers a driver or a test did not provide end up here. */
void unexpected_irq(void)
{
    uint32_t ipsr;
    __asm volatile ("mrs %0, ipsr" : "=r"(ipsr));
    extern void panic(const char *, ...);
    panic("unexpected exception %lu (IRQ %ld)", (unsigned long)ipsr, (long)ipsr - 16);
}

#define WEAK_HANDLER(name) void name(void) __attribute__((weak, alias("unexpected_irq")))
WEAK_HANDLER(nmi_handler);
WEAK_HANDLER(hardfault_handler);
WEAK_HANDLER(memmanage_handler);
WEAK_HANDLER(busfault_handler);
WEAK_HANDLER(usagefault_handler);
WEAK_HANDLER(svc_handler);
WEAK_HANDLER(pendsv_handler);
WEAK_HANDLER(systick_handler);
WEAK_HANDLER(uart0_rx_irq);     /* IRQ 0 */
WEAK_HANDLER(uart0_tx_irq);     /* IRQ 1 */
WEAK_HANDLER(uart1_rx_irq);     /* IRQ 2: drivers/serial.c */
WEAK_HANDLER(uart1_tx_irq);     /* IRQ 3 */
WEAK_HANDLER(timer0_irq);       /* IRQ 8 */
WEAK_HANDLER(timer1_irq);       /* IRQ 9 */
WEAK_HANDLER(soft_irq);         /* IRQ 31: unused by the board, pended by software */

typedef void (*vector)(void);

__attribute__((section(".vectors"), used))
static const vector vector_table[16 + 32] = {
    [0] = (vector)_stack_top,   /* initial MSP */
    [1] = reset_handler,
    [2] = nmi_handler,
    [3] = hardfault_handler,
    [4] = memmanage_handler,
    [5] = busfault_handler,
    [6] = usagefault_handler,
    [11] = svc_handler,
    [14] = pendsv_handler,
    [15] = systick_handler,
    [16 + 0] = uart0_rx_irq,
    [16 + 1] = uart0_tx_irq,
    [16 + 2] = uart1_rx_irq,
    [16 + 3] = uart1_tx_irq,
    [16 + 4 ... 16 + 7] = unexpected_irq,
    [16 + 8] = timer0_irq,
    [16 + 9] = timer1_irq,
    [16 + 10 ... 16 + 30] = unexpected_irq,
    [16 + 31] = soft_irq,
};

void reset_handler(void)
{
    /* .data's initial values are stored after the code (its load address);
     * copy them to RAM, where the code expects them. Then clear .bss. */
    memcpy(_data_start, _data_load, (char *)_data_end - (char *)_data_start);
    memset(_bss_start, 0, (char *)_bss_end - (char *)_bss_start);
    kernel_main();
}
