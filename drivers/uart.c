/*
 * uart.c: CMSDK APB UART0 driver (see uart.h for the idea).
 *
 * Board facts this driver depends on (../shared/PLATFORM.md):
 *  - enable TX before writing DATA, or transmission wedges until reset;
 *  - the TX interrupt fires once per byte sent and stays asserted until
 *    INTSTATUS is written with 1; enabling it with nothing sent raises
 *    nothing, so the first byte of a burst is written directly;
 *  - the RX interrupt fires per byte, but only for bytes that arrive after
 *    RXIE is set: if one is already waiting, pend IRQ 0 by hand once;
 *  - QEMU sends nothing more while RXFULL is set: a byte left unread in
 *    DATA holds the rest of the input back (flow control for free).
 *
 * Back-pressure, not loss: when the receive ring is full, the interrupt
 * handler leaves the next byte in the UART and turns RXIE off, so the
 * sender (QEMU, a pipe, a typist) waits. The reader that makes room turns
 * RXIE back on and, since a byte is already waiting, pends IRQ 0 by hand.
 * A byte is dropped only if the ring is full when it is taken from the
 * UART, which the handler never does; uart_stats.rx_dropped counts it.
 *
 * Locking: the rings are shared between a thread and an interrupt handler;
 * each side updates only its own index (kernel/ring.h), and the decision
 * "is the transmitter idle?" is taken with interrupts masked.
 */
#include "uart.h"

#include "../arch/arch.h"
#include "../arch/armv7m/regs.h"
#include "../kernel/printk.h"
#include "../kernel/ring.h"
#include "../kernel/sched.h"
#include "../kernel/state.h"

/* kernel/poll.c, in images with processes; elsewhere the weak reference is
 * NULL (the kernel-only images have nothing that polls). */
extern void poll_notify_locked(void) __attribute__((weak));

#define UART0       0x40004000u
#define UART_DATA   REG32(UART0 + 0x00)
#define UART_STATE  REG32(UART0 + 0x04)
#define UART_CTRL   REG32(UART0 + 0x08)
#define UART_INT    REG32(UART0 + 0x0C)     /* INTSTATUS; write 1 to clear */
#define UART_BAUD   REG32(UART0 + 0x10)
#define STATE_TXFULL (1u << 0)
#define STATE_RXFULL (1u << 1)
#define CTRL_TXEN   (1u << 0)
#define CTRL_RXEN   (1u << 1)
#define CTRL_TXIE   (1u << 2)
#define CTRL_RXIE   (1u << 3)
#define INT_TX      (1u << 0)
#define INT_RX      (1u << 1)
#define IRQ_RX      0
#define IRQ_TX      1

static uint8_t rx_buf[256], tx_buf[512];
static struct ring rx = { 0, 0, sizeof rx_buf, rx_buf };
static struct ring tx = { 0, 0, sizeof tx_buf, tx_buf };
static struct waitq readers = WAITQ_INIT(readers);
static struct waitq writers = WAITQ_INIT(writers);
static volatile int tx_busy;    /* a byte is on the wire; its IRQ will follow */
static volatile int rx_held;    /* ring full: RXIE is off, a byte waits in DATA */
static int irq_mode;
struct uart_stats uart_stats;
int (*uart_intr_hook)(void);

void uart_init(void)
{
    UART_BAUD = 16;
    UART_CTRL = CTRL_TXEN | CTRL_RXEN;
}

void uart_putc_polled(char c)
{
    while (UART_STATE & STATE_TXFULL)
        ;
    UART_DATA = (uint8_t)c;
}

void uart_drain_polled(void)
{
    int c;
    while ((c = ring_get(&tx)) >= 0)
        uart_putc_polled((char)c);
}

int uart_tx_idle(void)
{
    return !tx_busy && ring_count(&tx) == 0;
}

static void console_write_irq(const char *buf, size_t n)
{
    if (arch_in_isr() || !current) {
        console_write_polled(buf, n);
        return;
    }
    uart_write(buf, n);
}

void uart_start_irq(void)
{
    uint32_t s = arch_irq_save();
    UART_CTRL = CTRL_TXEN | CTRL_RXEN | CTRL_TXIE | CTRL_RXIE;
    nvic_enable(IRQ_RX, PRIO_IRQ);
    nvic_enable(IRQ_TX, PRIO_IRQ);
    if (UART_STATE & STATE_RXFULL)
        NVIC_ISPR = 1u << IRQ_RX;   /* a byte arrived before RXIE: fetch it */
    irq_mode = 1;
    console_write = console_write_irq;
    arch_irq_restore(s);
}

/* ---- Receive -------------------------------------------------------- */

/* Interrupts masked. Stop taking bytes until a reader makes room. */
static void rx_hold_locked(void)
{
    UART_CTRL &= ~CTRL_RXIE;
    rx_held = 1;
    uart_stats.rx_stalls++;
}

/* Interrupts masked. Room again: take interrupts, and fetch the byte that
 * waited in DATA meanwhile (it raised none while RXIE was off). */
static void rx_release_locked(void)
{
    if (!rx_held || ring_full(&rx))
        return;
    rx_held = 0;
    UART_CTRL |= CTRL_RXIE;
    if (UART_STATE & STATE_RXFULL)
        NVIC_ISPR = 1u << IRQ_RX;
}

void uart0_rx_irq(void)
{
    uint32_t s = arch_irq_save();
    UART_INT = INT_RX;
    uart_stats.rx_irqs++;
    while (UART_STATE & STATE_RXFULL) {
        if (ring_full(&rx)) {
            rx_hold_locked();       /* the byte stays in the UART */
            break;
        }
        uint8_t c = (uint8_t)UART_DATA;
        if (c == UART_INTR_CHAR && uart_intr_hook && uart_intr_hook())
            continue;               /* Ctrl-C, taken by the console layer */
        if (ring_put(&rx, c))
            uart_stats.rx++;
        else
            uart_stats.rx_dropped++;    /* cannot happen: checked above */
    }
    sched_wake_all_locked(&readers, 0);
    if (poll_notify_locked)         /* the console may be polled (kernel/poll.c) */
        poll_notify_locked();
    arch_irq_restore(s);
}

size_t uart_rx_pending(void)
{
    return ring_count(&rx);
}

size_t uart_read_nonblock(char *buf, size_t n)
{
    size_t got = 0;
    int c;
    uint32_t s = arch_irq_save();
    while (got < n && (c = ring_get(&rx)) >= 0)
        buf[got++] = (char)c;
    rx_release_locked();
    arch_irq_restore(s);
    return got;
}

void uart_flush_input_locked(void)
{
    uart_stats.rx_flushed += ring_count(&rx);
    rx.tail = rx.head;              /* the consumer's index, moved with the mask held */
    rx_release_locked();
}

int uart_wait_input_locked(void)
{
    if (!ring_empty(&rx))
        return 0;
    return sched_block_locked(&readers, WAIT_FOREVER, WHY_WAIT);
}

void uart_wake_readers_locked(void)
{
    sched_wake_all_locked(&readers, 0);
}

long uart_read(char *buf, size_t n)
{
    long got;
    uint32_t s = arch_irq_save();
    while ((got = (long)uart_read_nonblock(buf, n)) == 0) {
        int r = uart_wait_input_locked();
        if (r < 0) {                /* -EINTR: the reader's process was killed */
            got = r;
            break;
        }
    }
    arch_irq_restore(s);
    return got;
}

/* ---- Transmit ------------------------------------------------------- */

/* Interrupts masked. If the wire is idle, send the next byte ourselves:
 * its completion interrupt then keeps the ring draining. */
static void tx_kick_locked(void)
{
    int c;
    if (!tx_busy && (c = ring_get(&tx)) >= 0) {
        tx_busy = 1;
        UART_DATA = (uint8_t)c;
        uart_stats.tx++;
    }
}

void uart0_tx_irq(void)
{
    uint32_t s = arch_irq_save();
    UART_INT = INT_TX;
    uart_stats.tx_irqs++;
    tx_busy = 0;
    tx_kick_locked();
    if (!waitq_empty(&writers) && ring_count(&tx) < tx.size / 2)
        sched_wake_all_locked(&writers, 0);
    arch_irq_restore(s);
}

/* Returns 0, or -EINTR if the writer's process was killed while it waited. */
static int put_locked(uint8_t c)
{
    while (ring_full(&tx)) {
        tx_kick_locked();
        int r = sched_block_locked(&writers, WAIT_FOREVER, WHY_WAIT);
        if (r < 0)
            return r;
    }
    ring_put(&tx, c);
    return 0;
}

void uart_write(const char *buf, size_t n)
{
    uint32_t s = arch_irq_save();
    if (!irq_mode) {
        arch_irq_restore(s);
        console_write_polled(buf, n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if ((buf[i] == '\n' && put_locked('\r') < 0) || put_locked((uint8_t)buf[i]) < 0)
            break;
    }
    tx_kick_locked();
    arch_irq_restore(s);
}
