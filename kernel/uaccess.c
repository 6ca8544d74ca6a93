/*
 * uaccess.c: the user pointer checks (see uaccess.h for the contract).
 *
 * Every comparison is arranged so that nothing can wrap: a range is first
 * placed inside the block (p < end, then n <= end - p), and only then is
 * p + n formed, which is at most end.
 *
 * Read next: the system call dispatcher (kernel/syscall.c), where every
 * pointer argument meets these checks.
 */
#include "uaccess.h"

#include <string.h>

#include "errno.h"

/* Does [a, a + n) overlap the guard [lo, hi)? a + n does not wrap. */
static int overlaps(uintptr_t a, size_t n, uintptr_t lo, uintptr_t hi)
{
    return lo < hi && a < hi && lo < a + n;
}

/* Is [a, a + n) inside one mapped segment? Nothing wraps: a < hi first. */
static int in_segment(const struct umem *m, uintptr_t a, size_t n)
{
    for (int i = 0; i < UMEM_SEGS; i++)
        if (m->seg[i].lo < m->seg[i].hi && a >= m->seg[i].lo &&
            (n == 0 ? a <= m->seg[i].hi : a < m->seg[i].hi && n <= m->seg[i].hi - a))
            return 1;
    return 0;
}

/* The block first: most pointers lie there. A segment is a block of its
 * own, apart from the process's, so the order of the two tests does not
 * change the answer. */
int uaccess_ok(const struct umem *m, const void *p, size_t n, int write)
{
    uintptr_t a = (uintptr_t)p;
    if (n != 0 && a >= m->base && a < m->top && n <= m->top - a) {
        if (overlaps(a, n, m->guard_lo, m->guard_hi))
            return 0;
        return !write || a >= m->code_end;  /* the text is the bottom of the block */
    }
    if (in_segment(m, a, n))
        return 1;
    return n == 0 && a >= m->base && a <= m->end;
}

/* How many bytes from a on can be read: up to top, or to the guard if it
 * lies above a; 0 if a itself cannot be read. */
static size_t readable_from(const struct umem *m, uintptr_t a)
{
    if (a < m->base || a >= m->end) {
        for (int i = 0; i < UMEM_SEGS; i++)
            if (a >= m->seg[i].lo && a < m->seg[i].hi)
                return m->seg[i].hi - a;
        return 0;
    }
    if (!uaccess_ok(m, (const void *)a, 1, 0))
        return 0;
    uintptr_t stop = m->top;
    if (m->guard_lo < m->guard_hi && m->guard_lo > a && m->guard_lo < stop)
        stop = m->guard_lo;
    return stop - a;
}

long uaccess_strnlen(const struct umem *m, const char *s, size_t max)
{
    size_t span = readable_from(m, (uintptr_t)s);
    size_t limit = span < max ? span : max;
    for (size_t i = 0; i < limit; i++)
        if (s[i] == '\0')
            return (long)i;
    return limit == max ? -EINVAL : -EFAULT;
}

/* ---- The gateway --------------------------------------------------------- */

int uaccess_copyin(const struct umem *m, void *dst, uintptr_t usrc, size_t n)
{
    if (!uaccess_ok(m, (const void *)usrc, n, 0))
        return -EFAULT;
    memcpy(dst, (const void *)usrc, n);
    return 0;
}

int uaccess_copyout(const struct umem *m, uintptr_t udst, const void *src, size_t n)
{
    if (!uaccess_ok(m, (const void *)udst, n, 1))
        return -EFAULT;
    memcpy((void *)udst, src, n);
    return 0;
}

/* Byte by byte, each user byte read once: the copy is what gets used, so a
 * thread changing the string meanwhile cannot make it unterminated. */
long uaccess_copyinstr(const struct umem *m, char *dst, uintptr_t usrc, size_t max)
{
    size_t span = readable_from(m, usrc);
    size_t limit = span < max ? span : max;
    const volatile char *s = (const volatile char *)usrc;
    if (max == 0)
        return -EINVAL;
    for (size_t i = 0; i < limit; i++) {
        char c = s[i];
        dst[i] = c;
        if (c == '\0')
            return (long)i;
    }
    dst[0] = '\0';
    return limit == max ? -EINVAL : -EFAULT;
}
