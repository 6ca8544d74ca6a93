/*
 * fault.h: fault decoding shared by the crash report and the process killer.
 */
#ifndef WEFT_ARMV7M_FAULT_H
#define WEFT_ARMV7M_FAULT_H

#include <stdint.h>

#include "../arch.h"
#include "frame.h"

/* CFSR bits (ARMv7-M ARM B3.2.15): MMFSR, BFSR, UFSR. */
#define CFSR_IACCVIOL   (1u << 0)
#define CFSR_DACCVIOL   (1u << 1)
#define CFSR_MSTKERR    (1u << 4)
#define CFSR_MMARVALID  (1u << 7)
#define CFSR_IBUSERR    (1u << 8)
#define CFSR_PRECISERR  (1u << 9)
#define CFSR_IMPRECISERR (1u << 10)
#define CFSR_STKERR     (1u << 12)
#define CFSR_BFARVALID  (1u << 15)
#define CFSR_UNDEFINSTR (1u << 16)
#define CFSR_INVSTATE   (1u << 17)
#define CFSR_INVPC      (1u << 18)
#define CFSR_NOCP       (1u << 19)
#define CFSR_UNALIGNED  (1u << 24)
#define CFSR_DIVBYZERO  (1u << 25)

/* Fill in af for a user fault: exception number exc, the CFSR, and the
 * frame the CPU stacked (not read after a stacking error). */
void fault_decode(struct arch_fault *af, const struct hw_frame *frame, uint32_t exc,
                  uint32_t cfsr);

/* Write "MemManage DACCVIOL at 0x20000010" for these CFSR bits into buf. */
int fault_describe(char *buf, int size, uint32_t cfsr, uint32_t exc);

/* Set by the process layer: given a fault, kill the guilty user thread and
 * return non-zero, or return 0 to let the kernel crash report run. */
extern int (*fault_user_hook)(uint32_t *frame, uint32_t exc_return,
                              uint32_t exc, uint32_t cfsr);

#endif
