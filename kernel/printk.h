/*
 * printk.h: formatted output for the kernel, without newlib's stdio.
 *
 * The kernel has its own small formatter so that printing never allocates
 * and is safe from any thread. Supported: %d %i %u %x %X %p %s %c %%, the
 * flags '-' and '0', a width, and the length modifiers l and z.
 */
#ifndef WEFT_PRINTK_H
#define WEFT_PRINTK_H

#include <stdarg.h>
#include <stddef.h>

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Print to the console. From a thread it goes through the interrupt-driven
 * driver (and may block while the output ring is full); from an interrupt
 * handler, before the scheduler runs, or after a panic it is polled. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The console's write: set by the console driver once interrupts run.
 * Until then (and after a panic) output is polled through arch_putc_polled. */
extern void (*console_write)(const char *buf, size_t n);
void console_write_polled(const char *buf, size_t n);

#endif
