/*
 * Risk class 3 (format string not a literal: the format lies outside every read-only file-backed
 * mapping) for the printf family, and class 1 for sprintf/vsprintf, which are unbounded copies
 * whatever their format. Variadic entry points forward to the v-variant of the same function.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "preload.h"

int __printf_chk(int flag, const char *fmt, ...);
int __fprintf_chk(FILE *fp, int flag, const char *fmt, ...);
int __dprintf_chk(int fd, int flag, const char *fmt, ...);
int __sprintf_chk(char *s, int flag, size_t slen, const char *fmt, ...);
int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...);
int __vprintf_chk(int flag, const char *fmt, va_list ap);
int __vfprintf_chk(FILE *fp, int flag, const char *fmt, va_list ap);
int __vdprintf_chk(int fd, int flag, const char *fmt, va_list ap);
int __vsprintf_chk(char *s, int flag, size_t slen, const char *fmt, va_list ap);
int __vsnprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, va_list ap);
void __syslog_chk(int pri, int flag, const char *fmt, ...);
void __vsyslog_chk(int pri, int flag, const char *fmt, va_list ap);

#define FUNCS(X)                                                                                                \
    X(vprintf) X(vfprintf) X(vdprintf) X(vsprintf) X(vsnprintf) X(vsyslog) X(__vprintf_chk) X(__vfprintf_chk) \
        X(__vdprintf_chk) X(__vsprintf_chk) X(__vsnprintf_chk) X(__vsyslog_chk)
#define DECLARE(fn) static __typeof__(fn) *real_##fn;
#define RESOLVE(fn) real_##fn = (__typeof__(real_##fn))hp_resolve(#fn);
FUNCS(DECLARE)
__attribute__((constructor)) static void resolve_format(void) { FUNCS(RESOLVE) }

/* For variadic functions: note, then call the v-variant with our va_list. */
#define FORWARD_VARIADIC(ret, last, call) \
    va_list ap;                           \
    va_start(ap, last);                   \
    ret = call;                           \
    va_end(ap)

HP_EXPORT int printf(const char *fmt, ...) {
    HP_FORMAT_NOTE("printf", fmt);
    int r;
    FORWARD_VARIADIC(r, fmt, HP_REAL(vprintf)(fmt, ap));
    return r;
}

HP_EXPORT int fprintf(FILE *fp, const char *fmt, ...) {
    HP_FORMAT_NOTE("fprintf", fmt);
    int r;
    FORWARD_VARIADIC(r, fmt, HP_REAL(vfprintf)(fp, fmt, ap));
    return r;
}

HP_EXPORT int dprintf(int fd, const char *fmt, ...) {
    HP_FORMAT_NOTE("dprintf", fmt);
    int r;
    FORWARD_VARIADIC(r, fmt, HP_REAL(vdprintf)(fd, fmt, ap));
    return r;
}

HP_EXPORT int sprintf(char *s, const char *fmt, ...) {
    HP_NOTE(HP_COPY, "sprintf", NULL, 0);
    HP_FORMAT_NOTE("sprintf", fmt);
    int r;
    FORWARD_VARIADIC(r, fmt, HP_REAL(vsprintf)(s, fmt, ap));
    return r;
}

HP_EXPORT int snprintf(char *s, size_t n, const char *fmt, ...) {
    HP_FORMAT_NOTE("snprintf", fmt);
    int r;
    FORWARD_VARIADIC(r, fmt, HP_REAL(vsnprintf)(s, n, fmt, ap));
    return r;
}

HP_EXPORT void syslog(int pri, const char *fmt, ...) {
    HP_FORMAT_NOTE("syslog", fmt);
    va_list ap;
    va_start(ap, fmt);
    HP_REAL(vsyslog)(pri, fmt, ap);
    va_end(ap);
}

HP_EXPORT int vprintf(const char *fmt, va_list ap) {
    HP_FORMAT_NOTE("vprintf", fmt);
    return HP_REAL(vprintf)(fmt, ap);
}

HP_EXPORT int vfprintf(FILE *fp, const char *fmt, va_list ap) {
    HP_FORMAT_NOTE("vfprintf", fmt);
    return HP_REAL(vfprintf)(fp, fmt, ap);
}

HP_EXPORT int vdprintf(int fd, const char *fmt, va_list ap) {
    HP_FORMAT_NOTE("vdprintf", fmt);
    return HP_REAL(vdprintf)(fd, fmt, ap);
}

HP_EXPORT int vsprintf(char *s, const char *fmt, va_list ap) {
    HP_NOTE(HP_COPY, "vsprintf", NULL, 0);
    HP_FORMAT_NOTE("vsprintf", fmt);
    return HP_REAL(vsprintf)(s, fmt, ap);
}

HP_EXPORT int vsnprintf(char *s, size_t n, const char *fmt, va_list ap) {
    HP_FORMAT_NOTE("vsnprintf", fmt);
    return HP_REAL(vsnprintf)(s, n, fmt, ap);
}

HP_EXPORT void vsyslog(int pri, const char *fmt, va_list ap) {
    HP_FORMAT_NOTE("vsyslog", fmt);
    HP_REAL(vsyslog)(pri, fmt, ap);
}

HP_EXPORT int __printf_chk(int flag, const char *fmt, ...) {
    HP_FORMAT_NOTE("__printf_chk", fmt);
    int r;
    FORWARD_VARIADIC(r, fmt, HP_REAL(__vprintf_chk)(flag, fmt, ap));
    return r;
}

HP_EXPORT int __fprintf_chk(FILE *fp, int flag, const char *fmt, ...) {
    HP_FORMAT_NOTE("__fprintf_chk", fmt);
    int r;
    FORWARD_VARIADIC(r, fmt, HP_REAL(__vfprintf_chk)(fp, flag, fmt, ap));
    return r;
}

HP_EXPORT int __dprintf_chk(int fd, int flag, const char *fmt, ...) {
    HP_FORMAT_NOTE("__dprintf_chk", fmt);
    int r;
    FORWARD_VARIADIC(r, fmt, HP_REAL(__vdprintf_chk)(fd, flag, fmt, ap));
    return r;
}

HP_EXPORT int __sprintf_chk(char *s, int flag, size_t slen, const char *fmt, ...) {
    HP_NOTE(HP_COPY, "__sprintf_chk", NULL, 0);
    HP_FORMAT_NOTE("__sprintf_chk", fmt);
    int r;
    FORWARD_VARIADIC(r, fmt, HP_REAL(__vsprintf_chk)(s, flag, slen, fmt, ap));
    return r;
}

HP_EXPORT int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...) {
    HP_FORMAT_NOTE("__snprintf_chk", fmt);
    int r;
    FORWARD_VARIADIC(r, fmt, HP_REAL(__vsnprintf_chk)(s, maxlen, flag, slen, fmt, ap));
    return r;
}

HP_EXPORT void __syslog_chk(int pri, int flag, const char *fmt, ...) {
    HP_FORMAT_NOTE("__syslog_chk", fmt);
    va_list ap;
    va_start(ap, fmt);
    HP_REAL(__vsyslog_chk)(pri, flag, fmt, ap);
    va_end(ap);
}

HP_EXPORT int __vprintf_chk(int flag, const char *fmt, va_list ap) {
    HP_FORMAT_NOTE("__vprintf_chk", fmt);
    return HP_REAL(__vprintf_chk)(flag, fmt, ap);
}

HP_EXPORT int __vfprintf_chk(FILE *fp, int flag, const char *fmt, va_list ap) {
    HP_FORMAT_NOTE("__vfprintf_chk", fmt);
    return HP_REAL(__vfprintf_chk)(fp, flag, fmt, ap);
}

HP_EXPORT int __vdprintf_chk(int fd, int flag, const char *fmt, va_list ap) {
    HP_FORMAT_NOTE("__vdprintf_chk", fmt);
    return HP_REAL(__vdprintf_chk)(fd, flag, fmt, ap);
}

HP_EXPORT int __vsprintf_chk(char *s, int flag, size_t slen, const char *fmt, va_list ap) {
    HP_NOTE(HP_COPY, "__vsprintf_chk", NULL, 0);
    HP_FORMAT_NOTE("__vsprintf_chk", fmt);
    return HP_REAL(__vsprintf_chk)(s, flag, slen, fmt, ap);
}

HP_EXPORT int __vsnprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, va_list ap) {
    HP_FORMAT_NOTE("__vsnprintf_chk", fmt);
    return HP_REAL(__vsnprintf_chk)(s, maxlen, flag, slen, fmt, ap);
}

HP_EXPORT void __vsyslog_chk(int pri, int flag, const char *fmt, va_list ap) {
    HP_FORMAT_NOTE("__vsyslog_chk", fmt);
    HP_REAL(__vsyslog_chk)(pri, flag, fmt, ap);
}
