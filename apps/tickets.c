/*
 * tickets.c: ten processes sell tickets from one counter in shared memory,
 * first without a lock, then with one.
 *
 * Course idea: a race condition, made visible. "Read the counter, decide,
 * write it back" is three steps; a process preempted between the read and
 * the write writes back a stale value, and a ticket is sold twice. Each
 * seller here waits a little between the steps (as a real program would
 * compute something), so under preemptive scheduling (`sched rr`, the
 * default) the tick lands inside that window again and again, and the
 * sellers sell more tickets than there were. With a mutex around the three
 * steps the count always comes out right. Under `sched coop` nobody is
 * preempted, and even the lock-free version is right: try it.
 *
 *   run tickets [SELLERS [TICKETS]]        (at most 10 sellers)
 *
 * The counter and each seller's tally are in one shared segment
 * (kernel/shm.c), handed to each child as descriptor 3 with spawn's list;
 * the mutex is descriptor 4. Read next: kernel/shm.c, apps/prodcons.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft.h"

PROG_ABOUT("[SELLERS]",
           "sellers share a counter in shared memory: oversold without a lock, right with one");

#define MAX_SELLERS 10
#define THINK       20000       /* loop passes between the read and the write */

struct shop {
    volatile int left;          /* tickets still for sale */
    volatile int sold[MAX_SELLERS];
};

static void think(void)
{
    for (volatile int i = 0; i < THINK; i++)
        ;
}

/* A seller: `tickets seller I LOCKED`, with the shop as 3 and the mutex as 4. */
static int seller(int me, int locked)
{
    struct shop *shop = shm_map(3, NULL, NULL);
    if (!shop)
        return 1;
    for (;;) {
        if (locked)
            mutex_lock(4, WAIT_FOREVER);
        int left = shop->left;      /* 1. read */
        if (left > 0) {
            think();                /* 2. decide (the window) */
            shop->left = left - 1;  /* 3. write back */
            shop->sold[me]++;
        }
        if (locked)
            mutex_unlock(4);
        if (left <= 0)
            return 0;
    }
}

/* One sale: n sellers, `tickets` tickets, with or without the mutex.
 * Returns the number sold. */
static int sale(struct shop *shop, int shm, int n, int tickets, int locked)
{
    int mutex = mutex_create(), pids[MAX_SELLERS];
    memset((void *)shop, 0, sizeof *shop);
    shop->left = tickets;
    for (int i = 0; i < n; i++) {
        char idx[4], lk[2] = { (char)('0' + locked), 0 };
        snprintf(idx, sizeof idx, "%d", i);
        char *argv[] = { "tickets", "seller", idx, lk, NULL };
        struct spawn_fd map[] = { { shm, 3 }, { mutex, 4 }, { -1, -1 } };
        pids[i] = sys_spawn("tickets", argv, 0, map);
    }
    int sold = 0;
    for (int i = 0; i < n; i++) {
        int status = -1;
        if (pids[i] > 0)
            wait(pids[i], &status, WAIT_FOREVER);
        printf("  seller %d sold %3d%s\n", i, shop->sold[i], status ? " (failed)" : "");
        sold += shop->sold[i];
    }
    close(mutex);
    return sold;
}

int main(int argc, char **argv)
{
    if (argc > 3 && !strcmp(argv[1], "seller"))
        return seller(atoi(argv[2]), atoi(argv[3]));
    int n = argc > 1 ? atoi(argv[1]) : MAX_SELLERS;
    int tickets = argc > 2 ? atoi(argv[2]) : 500;
    if (n < 1 || n > MAX_SELLERS || tickets < 1 || tickets > 100000) {
        printf("usage: tickets [SELLERS 1-%d [TICKETS 1-100000]]\n", MAX_SELLERS);
        return 2;
    }
    int shm = shm_create(sizeof(struct shop)), err = 0;
    struct shop *shop = shm_map(shm, NULL, &err);
    if (!shop) {
        printf("tickets: no shared memory (%d)\n", shm < 0 ? shm : err);
        return 1;
    }
    printf("%d sellers, %d tickets, no lock:\n", n, tickets);
    int racy = sale(shop, shm, n, tickets, 0);
    printf("sold %d of %d tickets: %s\n", racy, tickets,
           racy == tickets ? "right (nobody was preempted in the window)"
                           : "WRONG: some were sold twice (a race)");
    printf("%d sellers, %d tickets, with a mutex:\n", n, tickets);
    int safe = sale(shop, shm, n, tickets, 1);
    printf("sold %d of %d tickets: %s\n", safe, tickets, safe == tickets ? "right" : "WRONG");
    shm_unmap(shop);
    close(shm);
    return safe == tickets ? 0 : 1;
}
