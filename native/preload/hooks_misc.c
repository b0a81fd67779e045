/*
 * Risk classes 4 (weak random), 7 (insecure temp file names) and 8 (ioctls that inject input
 * into a terminal).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include "preload.h"

#define FUNCS(X)                                                                                         \
    X(rand) X(random) X(srand) X(srandom) X(rand_r) X(drand48) X(erand48) X(lrand48) X(nrand48) X(mrand48) \
        X(jrand48) X(srand48) X(mktemp) X(tmpnam) X(tmpnam_r) X(tempnam) X(ioctl)
#define DECLARE(fn) static __typeof__(fn) *real_##fn;
#define RESOLVE(fn) real_##fn = (__typeof__(real_##fn))hp_resolve(#fn);
FUNCS(DECLARE)
__attribute__((constructor)) static void resolve_misc(void) { FUNCS(RESOLVE) }

#define RANDOM_HOOK(ret, fn, params, args)      \
    HP_EXPORT ret fn params {                   \
        HP_NOTE(HP_RANDOM, #fn, NULL, 0);       \
        return HP_REAL(fn) args;                \
    }

RANDOM_HOOK(int, rand, (void), ())
RANDOM_HOOK(long, random, (void), ())
RANDOM_HOOK(void, srand, (unsigned seed), (seed))
RANDOM_HOOK(void, srandom, (unsigned seed), (seed))
RANDOM_HOOK(int, rand_r, (unsigned *seed), (seed))
RANDOM_HOOK(double, drand48, (void), ())
RANDOM_HOOK(double, erand48, (unsigned short x[3]), (x))
RANDOM_HOOK(long, lrand48, (void), ())
RANDOM_HOOK(long, nrand48, (unsigned short x[3]), (x))
RANDOM_HOOK(long, mrand48, (void), ())
RANDOM_HOOK(long, jrand48, (unsigned short x[3]), (x))
RANDOM_HOOK(void, srand48, (long seed), (seed))

HP_EXPORT char *mktemp(char *tmpl) {
    HP_NOTE(HP_TEMPFILE, "mktemp", NULL, 0);
    return HP_REAL(mktemp)(tmpl);
}

HP_EXPORT char *tmpnam(char s[L_tmpnam]) {
    HP_NOTE(HP_TEMPFILE, "tmpnam", NULL, 0);
    return HP_REAL(tmpnam)(s);
}

HP_EXPORT char *tmpnam_r(char s[L_tmpnam]) {
    HP_NOTE(HP_TEMPFILE, "tmpnam_r", NULL, 0);
    return HP_REAL(tmpnam_r)(s);
}

HP_EXPORT char *tempnam(const char *dir, const char *prefix) {
    HP_NOTE(HP_TEMPFILE, "tempnam", NULL, 0);
    return HP_REAL(tempnam)(dir, prefix);
}

HP_EXPORT int ioctl(int fd, unsigned long request, ...) {
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    if (request == 0x5412 || request == 0x541C) {
        char hex[8] = {'0', 'x', '5', '4', '1', request == 0x5412 ? '2' : 'C', 0, 0};
        HP_NOTE(HP_IOCTL, "ioctl", hex, 6);
    }
    return HP_REAL(ioctl)(fd, request, arg);
}
