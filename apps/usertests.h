/*
 * usertests.h: what the files of usertests share (apps/usertests.c is the
 * harness and the first cases; usertests_*.c add more).
 *
 * A case calls judge(name, NULL) when it passed, or judge(name, why) with
 * a reason, usually FAILMSG(...). run() starts a child and returns its
 * wait status (the kernel's reason for its end in why[]), -ETIMEDOUT after
 * killing it if it hangs, or the spawn error.
 */
#ifndef WEFT_USERTESTS_H
#define WEFT_USERTESTS_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "syscall.h"
#include "weft.h"

#define CHILD_TIMEOUT  3000         /* ticks before a child counts as hung */

extern char msg[160];
#define FAILMSG(...) (snprintf(msg, sizeof msg, __VA_ARGS__), msg)

void judge(const char *name, const char *why);
/* A case that cannot run here: printed as SKIP with why, counted apart. */
void skip(const char *name, const char *why);
/* 1 when started as `usertests seams` by the test image
 * (tests/target/init_usertests.c), whose kernel has the test seams that
 * make a kill land in a chosen instruction window. */
extern int have_seams;
int run(char **argv, char *why, int n);
void expect_status(const char *name, char **argv, int expected);

void test_ending(void);             /* usertests_ending.c */
void test_efault(void);             /* usertests_efault.c */
void test_console_rules(void);      /* usertests_console.c */
void test_sync_failures(void);      /* usertests_syncfail.c */
void test_descriptors(void);        /* usertests_fd.c */
void test_sync(void);               /* usertests_sync.c */
void test_coro(void);               /* usertests_coro.c */

#endif
