/*
 * serial.h: a second serial line (CMSDK UART1), a device of its own.
 *
 * Course idea: multiplexed IO needs two independent streams. UART1 is one
 * more byte stream next to the console, interrupt-driven the same way
 * (drivers/uart.c explains the board's UART), but with no shell behind it:
 * a program opens it (SYS_SERIAL_OPEN) and gets a descriptor it can read,
 * write and poll. `make run` connects it to a TCP port on this machine and
 * says which: `nc 127.0.0.1 PORT` talks to it.
 * Read next: drivers/serial.c, apps/serialecho.c.
 */
#ifndef WEFT_SERIAL_H
#define WEFT_SERIAL_H

#include <stddef.h>

/* Enable UART1 and its interrupts (once, at the first open). */
void serial1_start(void);

/* Block until at least one byte is in, then return up to n (>= 1), or
 * -EINTR; with nonblock, -EAGAIN instead of blocking. */
long serial1_read(char *buf, size_t n, int nonblock);

/* Queue n bytes, waiting for room in the transmit ring; returns n, or the
 * bytes queued before -EINTR. With nonblock, the bytes that fit, or
 * -EAGAIN if none did. */
long serial1_write(const char *buf, size_t n, int nonblock);

/* Bytes received and not yet read, and whether a byte can be queued (for
 * poll: POLLIN, POLLOUT). */
size_t serial1_rx_pending(void);
int serial1_tx_room(void);

#endif
