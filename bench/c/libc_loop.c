/* `libc_loop KIND N`: calls one libc function N times from one call site and prints the mean
 * nanoseconds per call (clock_gettime). KIND: rand, strcpy, sprintf; or `first`, which prints the
 * cost of a call site's first report: 1024 distinct strcpy sites timed on their first pass, less
 * the same sites on a second pass (N ignored). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

#define S strcpy(buf, src);
#define S4 S S S S
#define S16 S4 S4 S4 S4
#define S64 S16 S16 S16 S16
#define S256 S64 S64 S64 S64
#define S1024 S256 S256 S256 S256

__attribute__((noinline)) static void sites(char *buf, const char *src) { S1024 }

int main(int argc, char **argv) {
    const char *kind = argc > 1 ? argv[1] : "rand";
    long n = argc > 2 ? atol(argv[2]) : 10000000;
    volatile unsigned long sink = 0;
    char buf[64], src[16];
    strncpy(src, argc > 3 ? argv[3] : "benchmark", sizeof src - 1);
    src[sizeof src - 1] = 0;
    if (strcmp(kind, "first") == 0) {
        double t0 = now_ns();
        sites(buf, src);
        double t1 = now_ns();
        sites(buf, src);
        double t2 = now_ns();
        printf("%.1f\n", ((t1 - t0) - (t2 - t1)) / 1024);
        return 0;
    }
    double t0 = now_ns();
    if (strcmp(kind, "rand") == 0)
        for (long i = 0; i < n; i++) sink += (unsigned long)rand();
    else if (strcmp(kind, "strcpy") == 0)
        for (long i = 0; i < n; i++) {
            strcpy(buf, src);
            sink += (unsigned char)buf[i & 7];
        }
    else if (strcmp(kind, "sprintf") == 0)
        for (long i = 0; i < n; i++) sink += (unsigned long)sprintf(buf, "%ld", i);
    else return 2;
    printf("%.2f\n", (now_ns() - t0) / n);
    return 0;
}
