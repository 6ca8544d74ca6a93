/*
 * cmocka_weft.c: the runner behind weft's cmocka.h (tests/target/cmocka/),
 * and the death-test child's entry point.
 *
 * Course idea: a test harness is small. A case is a function; the runner
 * calls each in turn under setjmp, and an assertion that fails longjmps
 * back here with its message. The same program is its own death-test
 * child (tests/host/coro_testutil.h): spawned with `--death OFFSET`, it
 * runs the function at that offset from weft_cmocka_anchor (the image is
 * the same, only its load address differs) with stderr on a pipe, and the
 * parent judges how it ended and what it said.
 *
 * Output: "[ RUN      ] name", then "[       OK ] name", "[  SKIPPED ] name:
 * why" or "[  FAILED  ] name" after the failure's file:line and message;
 * last, "NAME: N passed, N failed, N skipped" (tools/testsuite.sh and
 * tests/target/coro-suites.sh count that line).
 * Read next: tests/host/coro_testutil.h, tests/target/coro-suites.sh.
 */
#define WEFT_CMOCKA_RUNNER
#include "cmocka/cmocka.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "weft.h"

PROG_ABOUT("", "a lib/coro host suite (tests/host), run on weft");

int weft_cmocka_main(void);

const char *weft_cmocka_self;           /* this program's name: argv[0] */
static jmp_buf back;                    /* where a failed assertion returns to */
static const char *filter;
static const char *skipped;             /* the reason the current case gave, if any */

void weft_cmocka_anchor(void) {}

void cmocka_set_test_filter(const char *name) { filter = name; }

void weft_cmocka_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    printf("%s:%d: ", file, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    longjmp(back, 1);
}

void weft_cmocka_skip(const char *file, int line, const char *why)
{
    (void)file, (void)line;
    skipped = why;
    longjmp(back, 2);
}

int weft_cmocka_run(const struct CMUnitTest *tests, size_t n)
{
    static int passed, failed, skips;   /* static: they live across the longjmps */
    static size_t i;
    for (i = 0; i < n; i++) {
        if (filter && strcmp(filter, tests[i].name))
            continue;
        void *state = NULL;
        printf("[ RUN      ] %s\n", tests[i].name);
        switch (setjmp(back)) {
        case 0:
            tests[i].test_func(&state);
            printf("[       OK ] %s\n", tests[i].name);
            passed++;
            break;
        case 1:
            printf("[  FAILED  ] %s\n", tests[i].name);
            failed++;
            break;
        default:
            printf("[  SKIPPED ] %s: %s\n", tests[i].name, skipped);
            skips++;
            break;
        }
    }
    printf("%s: %d passed, %d failed, %d skipped\n", weft_cmocka_self, passed, failed, skips);
    return failed;
}

/* ---- The death test's parent (tests/host/coro_testutil.h) ---------------- */

/* Run fn in a child, the same program spawned with `--death OFFSET` and its
 * stderr on a pipe; return its wait status, err[] what it wrote. A child
 * that hangs is killed after 3 s and reported as -1. */
int weft_cmocka_death(void (*fn)(void), char *err, size_t n)
{
    int p[2], status = -1;
    char off[16];
    if (sys_pipe(p, 0) < 0)
        return -1;
    snprintf(off, sizeof off, "%ld", (long)((intptr_t)fn - (intptr_t)weft_cmocka_anchor));
    char *argv[] = { (char *)weft_cmocka_self, "--death", off, NULL };
    struct spawn_fd map[] = { { p[1], 2 }, { -1, -1 } };
    int pid = sys_spawn(weft_cmocka_self, argv, 0, map);
    close(p[1]);
    size_t len = 0;
    long r;
    while (pid > 0 && len + 1 < n && (r = sys_read(p[0], err + len, (uint32_t)(n - 1 - len))) > 0)
        len += (size_t)r;
    err[len] = 0;
    close(p[0]);
    if (pid > 0 && wait(pid, &status, 3000) != pid) {
        kill(pid);
        wait(pid, &status, WAIT_FOREVER);
        status = -1;
    }
    return status;
}

/* abort() on weft is a kill of oneself (lib/user/newlib.c: no signals). */
int weft_cmocka_died_of_abort(int status) { return status == WSTATUS_KILLED; }

int weft_cmocka_pipe2(int fds[2], int flags) { return sys_pipe(fds, flags) < 0 ? -1 : 0; }

int main(int argc, char **argv)
{
    weft_cmocka_self = argv[0];
    if (argc == 3 && !strcmp(argv[1], "--death")) {
        void (*fn)(void) = (void (*)(void))((intptr_t)weft_cmocka_anchor + atol(argv[2]));
        fn();
        _exit(0);
    }
    return weft_cmocka_main();
}
