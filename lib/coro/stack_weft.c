/*
 * stack_weft.c: coroutine stacks on weft, from the process's heap.
 *
 * Course idea: without a guard page the canary is the detection: the lowest
 * word of every coroutine stack holds its own address and is checked at
 * every yield and when the coroutine ends (switch_armv7m.S, coro.c), so an
 * overflow is reported by name at the next switch. It cannot stop the
 * overflow from writing below the stack first; a guard region would, but
 * weft's MPU stack guard (arch/armv7m/mpu.c, region 7) follows the running
 * thread and only the kernel can move it, so placing one under a coroutine
 * would need a new system call.
 */
#include "stack.h"

#include <stdlib.h>

size_t coro_os_stack_round(size_t size) { return (size + 7) & ~(size_t)7; }
void *coro_os_stack_map(size_t size) { return malloc(size); }
void coro_os_stack_unmap(void *lo, size_t size) { (void)size; free(lo); }
void coro_os_stack_name(void *lo, const char *name) { (void)lo, (void)name; }
