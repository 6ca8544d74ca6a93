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

/* One conversion's flags, as parsed after the '%'. */
struct spec {
    int left, width, lng;
    char pad;
};

/* Parse "-0", a width and "l"/"z" at *fmt; leave *fmt at the conversion. */
static struct spec parse_spec(const char **fmt)
{
    struct spec sp = { 0, 0, 0, ' ' };
    for (;; (*fmt)++) {
        if (**fmt == '-') sp.left = 1;
        else if (**fmt == '0') sp.pad = '0';
        else break;
    }
    while (**fmt >= '0' && **fmt <= '9')
        sp.width = sp.width * 10 + (*(*fmt)++ - '0');
    while (**fmt == 'l' || **fmt == 'z') {
        sp.lng = 1;
        (*fmt)++;
    }
    if (sp.left)
        sp.pad = ' ';
    return sp;
}

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
    size_t n = 0;
    if (!s)
        s = "(null)";
    while (s[n])
        n++;
    for (size_t w = n; !sp->left && (int)w < sp->width; w++)
        put(o, ' ');
    while (*s)
        put(o, *s++);
}

/* Format one conversion c with its spec, taking its argument from *ap. */
static void convert(struct out *o, char c, const struct spec *sp, va_list *ap)
{
    switch (c) {
    case 'd': case 'i': {
        intmax_t v = sp->lng ? va_arg(*ap, long) : va_arg(*ap, int);
        put_num(o, v < 0 ? -(uintmax_t)v : (uintmax_t)v, 10, v < 0, sp->width, sp->pad, sp->left, 0);
        break;
    }
    case 'u':
        put_num(o, sp->lng ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned), 10, 0,
                sp->width, sp->pad, sp->left, 0);
        break;
    case 'x': case 'X':
        put_num(o, sp->lng ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned), 16, 0,
                sp->width, sp->pad, sp->left, c == 'X');
        break;
    case 'p':
        put(o, '0');
        put(o, 'x');
        put_num(o, (uintptr_t)va_arg(*ap, void *), 16, 0, sp->width, sp->pad, sp->left, 0);
        break;
    case 'c':
        for (int w = 1; !sp->left && w < sp->width; w++)
            put(o, ' ');
        put(o, (char)va_arg(*ap, int));
        break;
    case 's':
        put_str(o, va_arg(*ap, const char *), sp);
        break;
    case '%':
        put(o, '%');
        break;
    default:                        /* unknown: print it as written */
        put(o, '%');
        put(o, c);
        break;
    }
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    va_list args;

    va_copy(args, ap);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        fmt++;
        struct spec sp = parse_spec(&fmt);
        if (*fmt == '\0')
            break;                  /* a lone '%' at the end */
        size_t start = o.len;
        convert(&o, *fmt, &sp, &args);
        while (sp.left && (int)(o.len - start) < sp.width)
            put(&o, ' ');
    }
    va_end(args);
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
