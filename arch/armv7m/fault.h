/*
 * fault.h: fault decoding shared by the crash report and the process killer.
 */
#ifndef WEFT_ARMV7M_FAULT_H
#define WEFT_ARMV7M_FAULT_H

#include <stdint.h>

/* Write "MemManage DACCVIOL at 0x20000010" for these CFSR bits into buf. */
int fault_describe(char *buf, int size, uint32_t cfsr, uint32_t exc);

/* Set by the process layer: given a fault, kill the guilty user thread and
 * return non-zero, or return 0 to let the kernel crash report run. */
extern int (*fault_user_hook)(uint32_t *frame, uint32_t exc_return,
                              uint32_t exc, uint32_t cfsr);

#endif
