/*
 * shm.c: shared memory segments, and their three system calls.
 *
 * Course idea: isolated processes share nothing, until they choose to. A
 * segment is a block of the process arena, created by one process and named
 * by a descriptor like any object; a process it is handed to (spawn's
 * descriptor list) maps it, and from then on both read and write the same
 * bytes, with no system call per access: the C counterpart of Python's
 * multiprocessing Value and Array. It stays isolated from every other
 * process: a mapping is one MPU region (arch_mm_seg), with the same rights
 * as the process's own block, so a process that was not handed the segment
 * faults if it touches it, exactly as it would touching another process.
 *
 * Rules: a process maps at most UMEM_SEGS segments at once (a further map
 * is -ENOMEM); the size is rounded up to a power of two of at least 1 KiB
 * (the MPU and the buddy allocator both want one); the memory is zeroed at
 * creation. A segment lives while any descriptor or mapping names it (a
 * mapping holds a reference), so it outlives its creator if others still
 * use it. Sharing memory needs a lock for anything but a single word:
 * apps/tickets.c shows why.
 * Read next: arch/armv7m/mpu.c (the regions), apps/tickets.c.
 */
#include <string.h>

#include "errno.h"
#include "fd.h"
#include "panic.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"

#define SELF (current->proc)
#define SHM_MIN 1024u
#define SHM_MAX (256u * 1024u)

static void shm_release_locked(struct kobj *o)
{
    proc_arena_free_locked(o->u.shm.mem);
    o->u.shm.mem = NULL;
}

const struct kobj_ops shm_ops = { .name = "shared memory", .release_locked = shm_release_locked };

/* Load p's regions again if p is the process on the CPU (or about to be). */
static void remap_locked(struct proc *p, int slot)
{
    struct kobj *o = p->segs[slot];
    uintptr_t lo = o ? (uintptr_t)o->u.shm.mem : 0;
    p->umem.seg[slot].lo = lo;
    p->umem.seg[slot].hi = o ? lo + o->u.shm.size : 0;
    arch_mm_seg(&p->mm, slot, lo, o ? o->u.shm.size : 0);
    if (current && current->proc == p)
        arch_mm_switch(&p->mm);
}

void shm_unmap_all_locked(struct proc *p)
{
    ASSERT_LOCKED();
    for (int i = 0; i < UMEM_SEGS; i++) {
        struct kobj *o = p->segs[i];
        if (!o)
            continue;
        p->segs[i] = NULL;
        remap_locked(p, i);
        kobj_unref_locked(o, 0);
    }
}

/* shm_create(size) -> a descriptor of a new zeroed segment. */
long sys_shm_create(void)
{
    uint32_t size = arg_u32(0), real = SHM_MIN;
    if (size == 0 || size > SHM_MAX)
        return -EINVAL;
    while (real < size)
        real <<= 1;
    uint32_t s = arch_irq_save();
    struct kobj *o = kobj_alloc_locked(KOBJ_SHM);
    uint8_t *mem = o ? proc_arena_alloc_locked(real) : NULL;
    int r = !o ? -ENFILE : !mem ? -ENOMEM : 0;
    if (mem) {
        o->u.shm.mem = mem;
        o->u.shm.size = real;
        r = fd_install_locked(SELF, o, FD_READ | FD_WRITE);
    }
    if (r < 0 && o)
        kobj_abandon_locked(o);     /* frees the block too, if it had one */
    arch_irq_restore(s);
    if (r >= 0)
        memset(mem, 0, real);       /* nobody else can name it yet */
    return r;
}

/* shm_map(fd, *size) -> the segment's address in the caller (and its size
 * in *size if not NULL). Mapping a mapped segment again gives the same. */
long sys_shm_map(void)
{
    int fd = arg_int(0);
    uintptr_t usize = arg_uaddr(1);
    if (usize && !uaddr_writable(usize, sizeof(uint32_t)))
        return -EFAULT;
    struct proc *p = SELF;
    uint32_t s = arch_irq_save();
    struct kobj *o = fd_lookup_locked(p, fd, NULL);
    long r = !o || o->type != KOBJ_SHM ? -EBADF : -ENOMEM;
    int slot = -1;
    for (int i = 0; r == -ENOMEM && i < UMEM_SEGS; i++) {
        if (p->segs[i] == o)
            slot = i, r = 0;        /* already mapped */
        else if (!p->segs[i] && slot < 0)
            slot = i;
    }
    if (r == -ENOMEM && slot >= 0) {
        p->segs[slot] = o;
        kobj_ref_locked(o, 0);      /* the mapping keeps it alive */
        remap_locked(p, slot);
        r = 0;
    }
    uint32_t size = o && r == 0 ? o->u.shm.size : 0;
    if (r == 0)
        r = (long)(uintptr_t)o->u.shm.mem;
    arch_irq_restore(s);
    if (r > 0 && usize)
        copyout(usize, &size, sizeof size);
    return r;
}

/* shm_unmap(addr): addr is where shm_map put a segment. */
long sys_shm_unmap(void)
{
    uintptr_t addr = arg_uaddr(0);
    struct proc *p = SELF;
    long r = -EINVAL;
    uint32_t s = arch_irq_save();
    for (int i = 0; i < UMEM_SEGS; i++) {
        struct kobj *o = p->segs[i];
        if (o && (uintptr_t)o->u.shm.mem == addr) {
            p->segs[i] = NULL;
            remap_locked(p, i);
            kobj_unref_locked(o, 0);
            r = 0;
        }
    }
    arch_irq_restore(s);
    return r;
}
