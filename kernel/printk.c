/*
 * printk.c: the kernel's printf (see printk.h).
 */
#include "printk.h"

#include <stdint.h>
#include <string.h>

#include "../arch/arch.h"

void (*console_write)(const char *buf, size_t n) = console_write_polled;

void console_write_polled(const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == '\n')
            arch_putc_polled('\r');
        arch_putc_polled(buf[i]);
    }
}

struct out {
    char *buf;
    size_t size, len;   /* len counts every character, even those cut off */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_num(struct out *o, uintmax_t v, unsigned base, int neg,
                    int width, char pad, int left, int upper)
{
    char tmp[24];
    int n = 0;
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (neg)
        tmp[n++] = '-';
    if (neg && pad == '0') {        /* "-0042": the sign goes before the zeros */
        put(o, '-');
        n--;
        width--;
    }
    for (int w = n; !left && w < width; w++)
        put(o, pad);
    while (n)
        put(o, tmp[--n]);
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        int left = 0, width = 0, lng = 0;
        char pad = ' ';
        fmt++;
        for (;; fmt++) {
            if (*fmt == '-') left = 1;
            else if (*fmt == '0') pad = '0';
            else break;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l' || *fmt == 'z') {
            lng = 1;
            fmt++;
        }
        if (left)
            pad = ' ';
        size_t start = o.len;
        switch (*fmt) {
        case 'd': case 'i': {
            intmax_t v = lng ? va_arg(ap, long) : va_arg(ap, int);
            put_num(&o, v < 0 ? -(uintmax_t)v : (uintmax_t)v, 10, v < 0, width, pad, left, 0);
            break;
        }
        case 'u':
            put_num(&o, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, 0, width, pad, left, 0);
            break;
        case 'x': case 'X':
            put_num(&o, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, 0, width, pad, left, *fmt == 'X');
            break;
        case 'p':
            put(&o, '0');
            put(&o, 'x');
            put_num(&o, (uintptr_t)va_arg(ap, void *), 16, 0, width, pad, left, 0);
            break;
        case 'c':
            for (int w = 1; !left && w < width; w++)
                put(&o, ' ');
            put(&o, (char)va_arg(ap, int));
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            size_t n = 0;
            if (!s)
                s = "(null)";
            while (s[n])
                n++;
            for (size_t w = n; !left && (int)w < width; w++)
                put(&o, ' ');
            while (*s)
                put(&o, *s++);
            break;
        }
        case '%':
            put(&o, '%');
            break;
        case '\0':
            fmt--;
            break;
        default:                    /* unknown: print it as written */
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
        while (left && (int)(o.len - start) < width)
            put(&o, ' ');
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void kprintf(const char *fmt, ...)
{
    char buf[200];
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof buf)           /* cut off: say so rather than hide it */
        memcpy(buf + (n = sizeof buf - 1) - 3, "...", 3);
    console_write(buf, (size_t)n);
}
