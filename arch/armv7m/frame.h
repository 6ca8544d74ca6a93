/*
 * frame.h: the exception frame, defined once for the whole port.
 *
 * Course idea: on every exception entry a Cortex-M pushes eight registers
 * on the stack in use (here always a thread's PSP) and pops them on return.
 * The kernel reads and builds such frames in three places: a new thread's
 * first frame (cpu.c), the way into and out of a system call (svc.c), and
 * a fault's report (svc.c, fault.c). switch.S reads LR and PC by offset.
 * docs/frame.md draws it.
 */
#ifndef WEFT_ARMV7M_FRAME_H
#define WEFT_ARMV7M_FRAME_H

#include <stddef.h>
#include <stdint.h>

struct hw_frame {
    uint32_t r0, r1, r2, r3, r12, lr, pc, xpsr;
};

_Static_assert(sizeof(struct hw_frame) == 32, "the CPU stacks 8 words");
_Static_assert(offsetof(struct hw_frame, r12) == 16, "svc.c reads the call number at +16");
_Static_assert(offsetof(struct hw_frame, lr) == 20, "switch.S reads LR at +20");
_Static_assert(offsetof(struct hw_frame, pc) == 24, "switch.S reads PC at +24");

#define XPSR_THUMB (1u << 24)       /* the only bit a new frame needs */

#endif
