/* bench/live wake cost: what one sleep-and-wake costs the sleeping thread in CPU time on this
 * machine — the price immediate mode pays per wakeup, whichever library. Two kinds:
 *   timer: a thread sleeps on a timerfd firing every PERIOD us (immediate mode's drain tick);
 *   peer:  a thread sleeps until a thread on the other CPU wakes it (a packet's wakeup).
 * Prints CPU us per wakeup (getrusage of the sleeping thread) and the wall time per wakeup.
 * Usage: wake_cost [PERIOD_US...]   (default 50 250) */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

static double thread_cpu_ns(void)
{
    struct rusage ru;
    getrusage(RUSAGE_THREAD, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e9 +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e3;
}

static void pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
}

static void timer_cost(long period_us)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec its = {{0, period_us * 1000}, {0, period_us * 1000}};
    timerfd_settime(fd, 0, &its, NULL);
    long n = 2000000 / period_us; /* about 2 s */
    double c0 = thread_cpu_ns();
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        struct pollfd p = {fd, POLLIN, 0};
        uint64_t ticks;
        poll(&p, 1, -1);
        if (read(fd, &ticks, sizeof ticks) < 0)
            break;
    }
    printf("timer %4ld us: %6.2f us CPU per wakeup, %7.1f us wall\n", period_us,
           (thread_cpu_ns() - c0) / 1e3 / n, (now_ns() - t0) / 1e3 / n);
    close(fd);
}

static int ping[2], pong[2];
enum { ROUNDS = 20000 };

static void *peer(void *arg)
{
    (void)arg;
    pin(0);
    char c;
    for (int i = 0; i < ROUNDS; i++)
        if (read(ping[0], &c, 1) != 1 || write(pong[1], &c, 1) != 1)
            break;
    return NULL;
}

int main(int argc, char **argv)
{
    pin(1);
    if (argc > 1)
        for (int i = 1; i < argc; i++)
            timer_cost(atol(argv[i]));
    else {
        timer_cost(50);
        timer_cost(250);
    }
    if (pipe(ping) || pipe(pong))
        return 1;
    pthread_t t;
    pthread_create(&t, NULL, peer, NULL);
    usleep(10000);
    char c = 1;
    double c0 = thread_cpu_ns();
    uint64_t t0 = now_ns();
    for (int i = 0; i < ROUNDS; i++)
        if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
            break;
    printf("peer on the other CPU: %6.2f us CPU per wakeup, %7.1f us wall per round trip\n",
           (thread_cpu_ns() - c0) / 1e3 / ROUNDS, (now_ns() - t0) / 1e3 / ROUNDS);
    pthread_join(t, NULL);
    return 0;
}
