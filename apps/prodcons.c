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
 * Then the same with a kernel queue of items (Python's Queue: the parent
 * stops the consumers with one sentinel each) and as a JoinableQueue (the
 * parent's join() returns once every item has been marked task_done).
 * Read next: kernel/pipe.c, kernel/kqueue.c.
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

static int pipe_demo(int items)
{
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

/* ---- The same with a Queue, then a JoinableQueue ----------------------- */

/* `prodcons qput ID N`: N items (ID * 1000 + i) into the queue at 3. */
static int queue_producer(int id, int n)
{
    for (int i = 0; i < n; i++) {
        int item = id * 1000 + i;
        if (queue_put(3, &item, 0, WAIT_FOREVER) != 0)
            return 1;
    }
    return 0;
}

/* `prodcons qget`: items until a -1; exits with how many. With `join`,
 * each item is marked done (task_done), and it never stops by itself. */
static int queue_consumer(int joinable)
{
    int item, n = 0;
    while (queue_get(3, &item, WAIT_FOREVER) == 0) {
        if (item < 0)
            break;
        n++;
        if (joinable) {
            sleep_ticks(1);             /* the work */
            queue_task_done(3);
        }
    }
    return n > 255 ? 255 : n;
}

static int spawn_with_queue(int q, char **argv)
{
    struct spawn_fd map[] = { { q, 3 }, { -1, -1 } };
    return sys_spawn("prodcons", argv, 0, map);
}

/* Queue: two producer processes, two consumers; the parent ends the
 * consumers with one -1 each once the producers are done. */
static int queue_demo(int items)
{
    int q = queue_create(sizeof(int), 16, QUEUE_FIFO), pids[4], got = 0, bad = 0, stop = -1;
    if (q < 0) {
        printf("prodcons: no queue (%d)\n", q);
        return 1;
    }
    char n[8];
    snprintf(n, sizeof n, "%d", items);
    for (int i = 0; i < 4; i++) {
        char id[2] = { (char)('1' + i % 2), 0 };
        char *prod[] = { "prodcons", "qput", id, n, NULL }, *cons[] = { "prodcons", "qget", NULL };
        pids[i] = spawn_with_queue(q, i < 2 ? prod : cons);
    }
    for (int i = 0; i < 4; i++) {
        int status = -1;
        if (i == 2) {                   /* producers done: one stop for each consumer */
            queue_put(q, &stop, 0, WAIT_FOREVER);
            queue_put(q, &stop, 0, WAIT_FOREVER);
        }
        wait(pids[i], &status, WAIT_FOREVER);
        if (i < 2)
            bad += status != 0;
        else
            got += WEXITSTATUS(status);
    }
    close(q);
    printf("queue: consumed %d of %d items%s\n", got, 2 * items,
           got == 2 * items && !bad ? ": none lost, none twice" : ": WRONG");
    return got == 2 * items && !bad ? 0 : 1;
}

/* JoinableQueue: the parent puts the items and join()s: it wakes when every
 * item has been marked done by the two consumers, whatever the timing. */
static int joinable_demo(int items)
{
    int q = queue_create(sizeof(int), 16, QUEUE_FIFO), pids[2], stop = -1;
    char *cons[] = { "prodcons", "qjoin", NULL };
    for (int i = 0; i < 2; i++)
        pids[i] = spawn_with_queue(q, cons);
    uint32_t t0 = ticks();
    for (int i = 0; i < items; i++)
        queue_put(q, &i, 0, WAIT_FOREVER);
    int j = queue_join(q, WAIT_FOREVER);
    int left = queue_size(q);
    printf("joinable: join() returned %d after %lu ticks with %d items left: every item done\n",
           j, (unsigned long)(ticks() - t0), left);
    int got = 0;
    for (int i = 0; i < 2; i++) {
        int status = -1;
        queue_put(q, &stop, 0, WAIT_FOREVER);
        wait(pids[i], &status, WAIT_FOREVER);
        got += WEXITSTATUS(status);
    }
    close(q);
    printf("joinable: %d of %d items processed%s\n", got, items, got == items && j == 0 ? "" : ": WRONG");
    return got == items && j == 0 && left == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc > 3 && !strcmp(argv[1], "producer"))
        return produce(atoi(argv[2]), atoi(argv[3]), argv[2][0] == '1');
    if (argc > 1 && !strcmp(argv[1], "consumer"))
        return consume();
    if (argc > 3 && !strcmp(argv[1], "qput"))
        return queue_producer(atoi(argv[2]), atoi(argv[3]));
    if (argc > 1 && !strcmp(argv[1], "qget"))
        return queue_consumer(0);
    if (argc > 1 && !strcmp(argv[1], "qjoin"))
        return queue_consumer(1);
    int items = argc > 1 ? atoi(argv[1]) : 100;
    if (items < 1 || items > 120) {
        printf("usage: prodcons [ITEMS 1-120]\n");
        return 2;
    }
    printf("-- a pipe --\n");
    int bad = pipe_demo(items);
    printf("-- a queue (Queue) --\n");
    bad |= queue_demo(items);
    printf("-- a JoinableQueue: task_done and join --\n");
    bad |= joinable_demo(items / 2);
    return bad;
}
