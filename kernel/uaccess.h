/*
 * uaccess.h: checking the pointers a process passes to the kernel.
 *
 * Course idea: the kernel runs privileged, so the MPU would let it read and
 * write anything a user program names, including the kernel itself. Every
 * pointer argument of a system call is therefore checked, as a whole range,
 * against the caller's own memory before the kernel touches it: a call that
 * fails the check returns -EFAULT and changes nothing (kernel/uapi.h).
 *
 * A process's memory, as struct umem describes it (see kernel/loader.h):
 *
 *   [base, code_end)        text: readable, not writable
 *   [code_end, end)         data, heap, stack: readable and writable
 *   [guard_lo, guard_hi)    the main stack's guard: no access
 *   [top, end)              heap room above the break that SYS_SBRK has not
 *                           given out (and zeroed) yet: no access; the heap
 *                           is the top of the block (kernel/loader.h)
 *   seg[i]                  shared segments it has mapped (kernel/shm.c)
 *
 * A guard with lo == hi is empty; top == end hides nothing (and a zeroed
 * struct umem, top == 0, gives access to nothing in its block). The
 * guards of other threads' stacks (SYS_THREAD_CREATE) are not listed: they
 * are ordinary process memory to the kernel (arch_mm_load lets privileged
 * code write there), and only stop the thread itself.
 * Pointers are only compared as integers here; memory is read only inside
 * a range that has passed the check. System call handlers use the gateway
 * through kernel/syscall.h (copyin, copyout, copyinstr for the caller).
 *
 * Read next: kernel/uaccess.c.
 */
#ifndef WEFT_UACCESS_H
#define WEFT_UACCESS_H

#include <stddef.h>
#include <stdint.h>

#define UMEM_SEGS 2                 /* shared segments a process may map */

struct umem {
    uintptr_t base, code_end, end;  /* the block; text is [base, code_end) */
    uintptr_t guard_lo, guard_hi;   /* the main thread's stack guard */
    uintptr_t top;                  /* [top, end): not given out yet */
    struct { uintptr_t lo, hi; } seg[UMEM_SEGS];    /* mapped shared segments,
                                       readable and writable; lo == hi: none */
};

/* 1 if every byte of [p, p + n) lies in [base, top), not in the guard, and (for
 * write != 0) not in the text; else 0. A range that would wrap around the
 * end of the address space is refused whatever n is. n == 0 touches no
 * byte, so only base <= p <= end is asked of it: an empty buffer at the end
 * of a process's memory is fine, an empty buffer elsewhere (NULL) is not. */
int uaccess_ok(const struct umem *m, const void *p, size_t n, int write);

/* The length of the string at s, if its NUL lies in readable memory within
 * the first max bytes (so the result is < max). -EFAULT if readable memory
 * ends (top or the guard) first, -EINVAL if max bytes were read
 * without a NUL. Reads nothing outside the readable memory. */
long uaccess_strnlen(const struct umem *m, const char *s, size_t max);

/* The gateway: the only code that reads or writes user memory. A user
 * address is a uintptr_t, never a pointer, until the range is checked.
 * copyin/copyout: 0, or -EFAULT with nothing copied. copyinstr: copies the
 * string at usrc into dst[max] and returns its length (< max); on -EFAULT
 * (readable memory ends first) or -EINVAL (no NUL in max bytes) dst holds
 * the empty string. Each reads the user bytes exactly once. */
int uaccess_copyin(const struct umem *m, void *dst, uintptr_t usrc, size_t n);
int uaccess_copyout(const struct umem *m, uintptr_t udst, const void *src, size_t n);
long uaccess_copyinstr(const struct umem *m, char *dst, uintptr_t usrc, size_t max);

#endif
