/*
 * uart.h: the console, CMSDK APB UART0 of the mps2-an385, interrupt driven.
 *
 * Course idea: blocking IO built on interrupts. A reader with nothing to
 * read blocks; the receive interrupt puts each byte in a ring and wakes it.
 * A writer puts bytes in the transmit ring and returns; the transmit
 * interrupt sends them one by one; a writer facing a full ring blocks.
 */
#ifndef WEFT_UART_H
#define WEFT_UART_H

#include <stddef.h>
#include <stdint.h>

/* Polled mode: usable from reset on, and by panic and fault reports. */
void uart_init(void);
void uart_putc_polled(char c);
/* Send whatever the transmit ring still holds, by polling. */
void uart_drain_polled(void);

/* Switch to interrupt mode; the kernel's console output then goes through
 * uart_write. Call once the scheduler is set up. */
void uart_start_irq(void);

/* Read at least 1 and at most n bytes, blocking until one arrives; or
 * -EINTR if the waiting thread's process is being killed. */
long uart_read(char *buf, size_t n);

/* Read what has arrived without blocking; 0 if nothing. */
size_t uart_read_nonblock(char *buf, size_t n);

/* Bytes received and not yet read (for poll). */
size_t uart_rx_pending(void);

/* Queue n bytes for output, blocking while the ring is full. "\n" is sent
 * as "\r\n" for terminals. */
void uart_write(const char *buf, size_t n);

/* Counters for ps/tests: bytes received, dropped (ring full), sent. */
struct uart_stats { uint32_t rx, rx_dropped, tx, rx_irqs, tx_irqs; };
extern struct uart_stats uart_stats;

#endif
