/*
 * sys_kobj.c: the system calls of semaphores and mutexes.
 *
 * Course idea: a semaphore or a mutex is a kernel object like a pipe,
 * named by a descriptor (kernel/fd.h); these handlers only fetch the
 * numbers and pass them to kernel/kobj.c.
 * Read next: kernel/kobj.c.
 */
#include "kobj.h"
#include "sched.h"
#include "syscall.h"

#define SELF (current->proc)

long sys_sem_create(void) { return kobj_sem_create(SELF, arg_int(0)); }
long sys_sem_wait(void) { return kobj_sem_wait(SELF, arg_int(0), arg_u32(1)); }
long sys_sem_post(void) { return kobj_sem_post(SELF, arg_int(0)); }
long sys_mutex_create(void) { return kobj_mutex_create(SELF); }
long sys_mutex_lock(void) { return kobj_mutex_lock(SELF, arg_int(0), arg_u32(1)); }
long sys_mutex_unlock(void) { return kobj_mutex_unlock(SELF, arg_int(0)); }
