/*
 * Risk classes 1 (unbounded copy: the string functions; sprintf/vsprintf are in hooks_format.c)
 * and 2 (gets).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "preload.h"

char *gets(char *s);
char *__gets_chk(char *s, size_t size);
char *__strcpy_chk(char *dest, const char *src, size_t destlen);
char *__strcat_chk(char *dest, const char *src, size_t destlen);
char *__stpcpy_chk(char *dest, const char *src, size_t destlen);

#define FUNCS(X) X(strcpy) X(strcat) X(stpcpy) X(gets) X(__gets_chk) X(__strcpy_chk) X(__strcat_chk) X(__stpcpy_chk)
#define DECLARE(fn) static __typeof__(fn) *real_##fn;
#define RESOLVE(fn) real_##fn = (__typeof__(real_##fn))hp_resolve(#fn);
FUNCS(DECLARE)
__attribute__((constructor)) static void resolve_copy(void) { FUNCS(RESOLVE) }

HP_EXPORT char *strcpy(char *d, const char *s) {
    HP_NOTE(HP_COPY, "strcpy", NULL, 0);
    return HP_REAL(strcpy)(d, s);
}

HP_EXPORT char *strcat(char *d, const char *s) {
    HP_NOTE(HP_COPY, "strcat", NULL, 0);
    return HP_REAL(strcat)(d, s);
}

HP_EXPORT char *stpcpy(char *d, const char *s) {
    HP_NOTE(HP_COPY, "stpcpy", NULL, 0);
    return HP_REAL(stpcpy)(d, s);
}

HP_EXPORT char *__strcpy_chk(char *d, const char *s, size_t n) {
    HP_NOTE(HP_COPY, "__strcpy_chk", NULL, 0);
    return HP_REAL(__strcpy_chk)(d, s, n);
}

HP_EXPORT char *__strcat_chk(char *d, const char *s, size_t n) {
    HP_NOTE(HP_COPY, "__strcat_chk", NULL, 0);
    return HP_REAL(__strcat_chk)(d, s, n);
}

HP_EXPORT char *__stpcpy_chk(char *d, const char *s, size_t n) {
    HP_NOTE(HP_COPY, "__stpcpy_chk", NULL, 0);
    return HP_REAL(__stpcpy_chk)(d, s, n);
}

HP_EXPORT char *gets(char *s) {
    HP_NOTE(HP_GETS, "gets", NULL, 0);
    return HP_REAL(gets)(s);
}

HP_EXPORT char *__gets_chk(char *s, size_t n) {
    HP_NOTE(HP_GETS, "__gets_chk", NULL, 0);
    return HP_REAL(__gets_chk)(s, n);
}
