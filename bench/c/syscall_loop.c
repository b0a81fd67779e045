/*
 * Benchmark workload: a tight syscall loop that reports its own time per iteration, so tracer
 * start-up and Harrier's own work do not blur the per-call cost.
 * usage: syscall_loop getpid|openat N
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 3) return 2;
    long n = atol(argv[2]);
    int openat_loop = strcmp(argv[1], "openat") == 0;
    double t0 = now_ns();
    for (long i = 0; i < n; i++) {
        if (openat_loop) {
            int fd = openat(AT_FDCWD, "/etc/hostname", O_RDONLY);
            if (fd >= 0) close(fd);
        } else {
            syscall(SYS_getpid);
        }
    }
    double t1 = now_ns();
    printf("%.1f\n", (t1 - t0) / n);
    return 0;
}
