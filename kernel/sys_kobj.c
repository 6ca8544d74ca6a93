/*
 * sys_kobj.c: the system calls of kernel objects (semaphores, mutexes).
 *
 * Course idea: a process names a kernel object by a handle, never by a
 * pointer; kernel/kobj.c checks the handle on every use. These handlers
 * only fetch the numbers and pass them on.
 * Read next: kernel/kobj.c.
 */
#include "kobj.h"
#include "sched.h"
#include "syscall.h"

#define SELF (current->proc)

long sys_sem_create(void) { return kobj_create(SELF, KOBJ_SEM, arg_int(0)); }
long sys_sem_wait(void) { return kobj_sem_wait(SELF, arg_int(0), arg_u32(1)); }
long sys_sem_post(void) { return kobj_sem_post(SELF, arg_int(0)); }
long sys_mutex_create(void) { return kobj_create(SELF, KOBJ_MUTEX, 1); }
long sys_mutex_lock(void) { return kobj_mutex_lock(SELF, arg_int(0), arg_u32(1)); }
long sys_mutex_unlock(void) { return kobj_mutex_unlock(SELF, arg_int(0)); }
long sys_close(void) { return kobj_close(SELF, arg_int(0)); }
