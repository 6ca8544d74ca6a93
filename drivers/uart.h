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
/* True when nothing waits to be sent and no byte is on the wire (its
 * interrupt handled): the console is quiet. */
int uart_tx_idle(void);

/* Switch to interrupt mode; the kernel's console output then goes through
 * uart_write. Call once the scheduler is set up. */
void uart_start_irq(void);

/* Read at least 1 and at most n bytes, blocking until one arrives; or
 * -EINTR if the waiting thread's process is being killed. */
long uart_read(char *buf, size_t n);

/* Read what has arrived without blocking; 0 if nothing. Taking bytes
 * out of a full ring lets the UART deliver again (back-pressure, uart.c). */
size_t uart_read_nonblock(char *buf, size_t n);

/* Interrupts masked. Block until input may have arrived: 0 (look again),
 * or -EINTR if the caller's process is being killed. Returns at once if
 * the ring holds something. */
int uart_wait_input_locked(void);

/* Interrupts masked. Wake every reader blocked in uart_wait_input_locked,
 * so each looks again (the console layer does it when the foreground
 * process changes: a reader may have lost the right to read). */
void uart_wake_readers_locked(void);

/* Interrupts masked. Throw away the input not yet read (a terminal does
 * it on Ctrl-C: what was typed ahead was meant for the program that was
 * just interrupted). Counted in uart_stats.rx_flushed. */
void uart_flush_input_locked(void);

/* Ctrl-C. If set, the receive interrupt calls this hook, interrupts
 * masked, for each UART_INTR_CHAR; when it returns 1 the byte was taken
 * (the console layer interrupts the foreground process), when 0 the byte
 * goes to the ring like any other (a shell that reads ^C as a key). */
#define UART_INTR_CHAR 0x03
extern int (*uart_intr_hook)(void);

/* Bytes received and not yet read (for poll). */
size_t uart_rx_pending(void);

/* Queue n bytes for output, blocking while the ring is full. "\n" is sent
 * as "\r\n" for terminals. */
void uart_write(const char *buf, size_t n);

/* Counters for `mem` and the tests: bytes received, dropped (ring full),
 * times the receiver held input back (ring full, RXIE off), thrown away by
 * Ctrl-C, bytes sent. */
struct uart_stats { uint32_t rx, rx_dropped, rx_stalls, rx_flushed, tx, rx_irqs, tx_irqs; };
extern struct uart_stats uart_stats;

#endif
