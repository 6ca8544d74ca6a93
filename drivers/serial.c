/*
 * serial.c: UART1 (CMSDK APB UART at 0x40005000, IRQ 2 RX, IRQ 3 TX).
 *
 * The same device as the console (drivers/uart.c has the board's rules and
 * why each step is there), driven more simply: no job control, no
 * end-of-input byte, no polled mode. Receive with back-pressure: a full
 * ring leaves the next byte in the UART and turns RXIE off, so the sender
 * waits; the reader that makes room turns it on again and pends IRQ 2 by
 * hand, since a byte is already waiting. Transmit from a ring the TX
 * interrupt drains, a byte per interrupt; the first byte of a burst is
 * written directly. Writers block while the ring is full, readers while it
 * is empty, each in a wait queue of its own; with O_NONBLOCK a write takes
 * what fits and gives -EAGAIN only when nothing does, so poll's POLLOUT
 * (room in the ring) means the next write will not block, as for a pipe.
 * Every change a poller may wait for notifies kernel/poll.c: a byte in,
 * and room out once the ring was full (not every byte sent: each notify
 * wakes every poller in the system).
 * Read next: kernel/fd_console.c (the console object; this one is in
 * kernel/sys_fd.c), apps/serialecho.c.
 */
#include "serial.h"

#include "../arch/arch.h"
#include "../arch/armv7m/regs.h"
#include "../kernel/errno.h"
#include "../kernel/ring.h"
#include "../kernel/sched.h"
#include "../kernel/state.h"

extern void poll_notify_locked(void) __attribute__((weak));

#define UART1       0x40005000u
#define U_DATA      REG32(UART1 + 0x00)
#define U_STATE     REG32(UART1 + 0x04)
#define U_CTRL      REG32(UART1 + 0x08)
#define U_INT       REG32(UART1 + 0x0C)
#define U_BAUD      REG32(UART1 + 0x10)
#define RXFULL      (1u << 1)
#define TXEN        (1u << 0)
#define RXEN        (1u << 1)
#define TXIE        (1u << 2)
#define RXIE        (1u << 3)
#define INT_TX      (1u << 0)
#define INT_RX      (1u << 1)
#define IRQ_RX      2
#define IRQ_TX      3

static uint8_t rx_buf[256], tx_buf[256];
static struct ring rx = { 0, 0, sizeof rx_buf, rx_buf };
static struct ring tx = { 0, 0, sizeof tx_buf, tx_buf };
static struct waitq readers = WAITQ_INIT(readers);
static struct waitq writers = WAITQ_INIT(writers);
static volatile int tx_busy, rx_held, started;

static void notify_locked(void)
{
    if (poll_notify_locked)
        poll_notify_locked();
}

void serial1_start(void)
{
    uint32_t s = arch_irq_save();
    if (!started) {
        started = 1;
        U_BAUD = 16;
        U_CTRL = TXEN | RXEN | TXIE | RXIE;     /* TX enabled before any write */
        nvic_enable(IRQ_RX, PRIO_IRQ);
        nvic_enable(IRQ_TX, PRIO_IRQ);
        if (U_STATE & RXFULL)
            NVIC_ISPR = 1u << IRQ_RX;           /* a byte came before RXIE */
    }
    arch_irq_restore(s);
}

void uart1_rx_irq(void)
{
    uint32_t s = arch_irq_save();
    U_INT = INT_RX;
    while (U_STATE & RXFULL) {
        if (ring_full(&rx)) {                   /* hold it: the sender waits */
            rx_held = 1;
            U_CTRL &= ~RXIE;
            break;
        }
        ring_put(&rx, (uint8_t)U_DATA);
    }
    sched_wake_all_locked(&readers, 0);
    notify_locked();
    arch_irq_restore(s);
}

/* Interrupts masked: if the wire is idle, send the next byte ourselves. */
static void kick_locked(void)
{
    int c;
    if (!tx_busy && (c = ring_get(&tx)) >= 0) {
        tx_busy = 1;
        U_DATA = (uint8_t)c;
    }
}

void uart1_tx_irq(void)
{
    uint32_t s = arch_irq_save();
    U_INT = INT_TX;
    tx_busy = 0;
    int was_full = ring_full(&tx);
    kick_locked();
    sched_wake_all_locked(&writers, 0);
    if (was_full)
        notify_locked();                        /* room again: POLLOUT (not per byte) */
    arch_irq_restore(s);
}

long serial1_read(char *buf, size_t n, int nonblock)
{
    uint32_t s = arch_irq_save();
    long r = 0;
    while (ring_empty(&rx) && r == 0) {
        if (nonblock)
            r = -EAGAIN;
        else
            r = sched_block_locked(&readers, WAIT_FOREVER, WHY_WAIT);
    }
    if (r == 0) {
        while ((size_t)r < n && !ring_empty(&rx))
            buf[r++] = (char)ring_get(&rx);
        if (rx_held) {                          /* room again: let input in */
            rx_held = 0;
            U_CTRL |= RXIE;
            NVIC_ISPR = 1u << IRQ_RX;
        }
    }
    arch_irq_restore(s);
    return r;
}

long serial1_write(const char *buf, size_t n, int nonblock)
{
    uint32_t s = arch_irq_save();
    size_t done = 0;
    long err = 0;
    while (done < n) {
        if (ring_put(&tx, (uint8_t)buf[done])) {
            done++;
            continue;
        }
        kick_locked();                          /* an idle wire takes one */
        if (!ring_full(&tx))
            continue;
        if (nonblock) {
            err = -EAGAIN;
            break;
        }
        err = sched_block_locked(&writers, WAIT_FOREVER, WHY_WAIT);
        if (err < 0)
            break;                              /* -EINTR: what is queued goes out */
    }
    kick_locked();
    arch_irq_restore(s);
    return done || !n ? (long)done : err;
}

size_t serial1_rx_pending(void)
{
    return ring_count(&rx);
}

int serial1_tx_room(void)
{
    return !ring_full(&tx);
}
