/*
 * prodcons.c: producers and consumers, processes joined by a pipe.
 *
 * Course idea: the producer-consumer problem, solved by the kernel's
 * bounded buffer. Two producer processes write fixed-size records into one
 * pipe and two consumer processes read them out; nobody takes a lock,
 * because the pipe does it: a consumer blocks while the pipe is empty, a
 * producer while it is full, each record (shorter than PIPE_BUF) goes in
 * whole, and when the last producer's end is closed the consumers read end
 * of file and stop. P1 is slow (it sleeps between items), P2 fast, the
 * consumers in between, so the pipe runs full (P2 BLOCKED on it) and
 * empty (the consumers BLOCKED on it). While they run, the parent samples
 * each one's state, so the blocking and waking is visible.
 *
 *   run prodcons [ITEMS]        items per producer (default 100)
 *
 * Read next: kernel/pipe.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "weft.h"

PROG_ABOUT("",
           "producer and consumer processes joined by one pipe; nothing lost, nothing twice");

#define RECORD 8                /* "P1:0007\n": one atomic write */

static int produce(int id, int items, int slow)
{
    char rec[16];
    for (int i = 0; i < items; i++) {
        snprintf(rec, sizeof rec, "P%d:%04d\n", id % 10, i % 10000);
        if (write(1, rec, RECORD) != RECORD)
            return 1;
        if (slow)
            sleep_ticks(3);     /* P1 is slow: the consumers wait for it */
    }
    return 0;
}

/* Reads whole records until end of file; exits with how many it took. */
static int consume(void)
{
    char rec[RECORD];
    int n = 0;
    while (read(0, rec, RECORD) == RECORD)
        if (++n % 8 == 0)
            sleep_ticks(1);     /* consumers are slower than P2: the pipe fills */
    return n;
}

/* The state of process pid's first thread, as a word. */
static const char *state_of(int pid)
{
    struct thread_info ti;
    for (int i = 0; threadinfo(i, &ti) == 0; i++)
        if (ti.pid == pid)
            return thread_state_str(ti.state);
    return "ended";
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "producer"))
        return produce(atoi(argv[2]), atoi(argv[3]), argv[2][0] == '1');
    if (argc > 1 && !strcmp(argv[1], "consumer"))
        return consume();
    int items = argc > 1 ? atoi(argv[1]) : 100;
    if (items < 1 || items > 120) {
        printf("usage: prodcons [ITEMS 1-120]\n");
        return 2;
    }
    int p[2], pids[4];
    if (sys_pipe(p, 0) < 0) {
        printf("prodcons: no pipe\n");
        return 1;
    }
    char n[8];
    snprintf(n, sizeof n, "%d", items);
    for (int i = 0; i < 4; i++) {
        char id[2] = { (char)('1' + i % 2), 0 };
        char *prod[] = { "prodcons", "producer", id, n, NULL };
        char *cons[] = { "prodcons", "consumer", NULL };
        struct spawn_fd map[] = { { i < 2 ? p[1] : p[0], i < 2 ? 1 : 0 }, { -1, -1 } };
        pids[i] = sys_spawn("prodcons", i < 2 ? prod : cons, 0, map);
    }
    close(p[0]);
    close(p[1]);                /* now only the producers can write: their end is EOF */
    printf("producers %d %d (P1 sleeps 3 ticks an item), consumers %d %d\n",
           pids[0], pids[1], pids[2], pids[3]);
    for (int t = 0; t < 5; t++) {
        sleep_ticks(4);
        printf("tick %4lu: P1 %-8s P2 %-8s C1 %-8s C2 %-8s\n", (unsigned long)ticks(),
               state_of(pids[0]), state_of(pids[1]), state_of(pids[2]), state_of(pids[3]));
    }
    int got = 0, bad = 0;
    for (int i = 0; i < 4; i++) {
        int status = -1;
        wait(pids[i], &status, WAIT_FOREVER);
        if (i >= 2)
            got += WEXITSTATUS(status);
        else
            bad += status != 0;
    }
    printf("consumed %d of %d records%s\n", got, 2 * items,
           got == 2 * items && !bad ? ": none lost, none twice" : ": WRONG");
    return got == 2 * items && !bad ? 0 : 1;
}
