/*
 * Risk classes 5 (shell execution: system, popen, exec of a shell with -c) and 6 (a fork child
 * that exits without exec while the process holds secrets), plus what those need: COUNTS before
 * exec and at _exit, the fork child's reset, and the credentials files the program opens.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "preload.h"

int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

#define FUNCS(X)                                                                                                \
    X(system) X(popen) X(execv) X(execve) X(execvp) X(execvpe) X(fork) X(_exit) X(_Exit) X(open) X(open64)     \
        X(openat) X(openat64) X(__open_2) X(__open64_2) X(__openat_2) X(__openat64_2) X(fopen) X(fopen64)
#define DECLARE(fn) static __typeof__(fn) *real_##fn;
#define RESOLVE(fn) real_##fn = (__typeof__(real_##fn))hp_resolve(#fn);
FUNCS(DECLARE)

void *hp_real_vfork;
__attribute__((constructor)) static void resolve_process(void) {
    FUNCS(RESOLVE)
    hp_real_vfork = hp_resolve("vfork");
}

/* ---- shells ---- */

static const char *base_name(const char *p) {
    const char *slash = strrchr(p, '/');
    return slash ? slash + 1 : p;
}

static int is_shell(const char *name) {
    static const char *const shells[] = {"sh", "bash", "dash", "zsh", "ksh", "busybox"};
    for (size_t i = 0; i < sizeof shells / sizeof *shells; i++)
        if (strcmp(name, shells[i]) == 0) return 1;
    return 0;
}

/* The command a shell is asked to run with -c (also inside grouped options such as -ec), else NULL. */
static const char *shell_command(const char *path, char *const argv[]) {
    if (!path || !argv || !argv[0] || !is_shell(base_name(path))) return NULL;
    int busybox = strcmp(base_name(path), "busybox") == 0;
    for (int i = 1; i < 16 && argv[i]; i++) {
        const char *a = argv[i];
        if (i == 1 && busybox && a[0] != '-') continue; /* the applet: busybox sh -c ... */
        if ((a[0] != '-' && a[0] != '+') || a[1] == 0 || a[1] == '-') return NULL;
        if ((strcmp(a, "-o") == 0 || strcmp(a, "+o") == 0) && argv[i + 1]) {
            i++;
            continue;
        }
        if (a[0] == '-' && strchr(a + 1, 'c')) return argv[i + 1] ? argv[i + 1] : "";
    }
    return NULL;
}

static void flush_before_exec(void) {
    if ((int)hp_sys(SYS_getpid, 0, 0, 0, 0) != hp_pid) { /* a vfork child: the counts are the parent's */
        hp_uncached_ids = 1;
        return;
    }
    hp_busy = 1;
    if (hp_lock()) {
        hp_send_counts();
        hp_send_drops();
        hp_unlock();
    }
    hp_busy = 0;
}

/* Runs in the exported exec function's frame so that the call site is the program's. */
#define BEFORE_EXEC(fn, path, argv)                                                            \
    do {                                                                                       \
        if (hp_active()) {                                                                     \
            int saved_ = errno;                                                                \
            flush_before_exec(); /* first: it also tells a vfork child to report its own ids */ \
            errno = saved_;                                                                    \
            const char *cmd_ = shell_command((path), (argv));                                  \
            if (cmd_) HP_NOTE(HP_SHELL, (fn), cmd_, 256);                                      \
        }                                                                                      \
    } while (0)

HP_EXPORT int system(const char *cmd) {
    if (cmd) HP_NOTE(HP_SHELL, "system", cmd, 256);
    return HP_REAL(system)(cmd);
}

HP_EXPORT FILE *popen(const char *cmd, const char *type) {
    if (cmd) HP_NOTE(HP_SHELL, "popen", cmd, 256);
    return HP_REAL(popen)(cmd, type);
}

HP_EXPORT int execve(const char *path, char *const argv[], char *const envp[]) {
    BEFORE_EXEC("execve", path, argv);
    return HP_REAL(execve)(path, argv, envp);
}

HP_EXPORT int execv(const char *path, char *const argv[]) {
    BEFORE_EXEC("execv", path, argv);
    return HP_REAL(execv)(path, argv);
}

HP_EXPORT int execvp(const char *file, char *const argv[]) {
    BEFORE_EXEC("execvp", file, argv);
    return HP_REAL(execvp)(file, argv);
}

HP_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[]) {
    BEFORE_EXEC("execvpe", file, argv);
    return HP_REAL(execvpe)(file, argv, envp);
}

/* The execl family: gather the variadic arguments into an argv on the stack, as glibc does. */
#define GATHER_ARGS(arg, argv_name, after)                                  \
    size_t n_ = 0;                                                          \
    va_list ap_;                                                            \
    if (arg) {                                                              \
        va_start(ap_, arg);                                                 \
        for (n_ = 1; va_arg(ap_, const char *) != NULL; n_++) {}            \
        va_end(ap_);                                                        \
    }                                                                       \
    char *argv_name[n_ + 1];                                                \
    va_start(ap_, arg);                                                     \
    argv_name[0] = (char *)(arg);                                           \
    for (size_t i_ = 1; i_ <= n_; i_++) argv_name[i_] = va_arg(ap_, char *); \
    argv_name[n_] = NULL;                                                   \
    after;                                                                  \
    va_end(ap_)

HP_EXPORT int execl(const char *path, const char *arg, ...) {
    GATHER_ARGS(arg, argv, (void)0);
    BEFORE_EXEC("execl", path, argv);
    return HP_REAL(execv)(path, argv);
}

HP_EXPORT int execlp(const char *file, const char *arg, ...) {
    GATHER_ARGS(arg, argv, (void)0);
    BEFORE_EXEC("execlp", file, argv);
    return HP_REAL(execvp)(file, argv);
}

HP_EXPORT int execle(const char *path, const char *arg, ...) {
    char *const *envp;
    GATHER_ARGS(arg, argv, envp = va_arg(ap_, char *const *));
    BEFORE_EXEC("execle", path, argv);
    return HP_REAL(execve)(path, argv, envp);
}

/* ---- fork, vfork, exit ---- */

HP_EXPORT pid_t fork(void) {
    uint64_t site = HP_SITE();
    const void *frame = HP_FRAME();
    pid_t r = HP_REAL(fork)();
    if (r == 0) hp_after_fork_child(site, frame);
    return r;
}

/* vfork cannot be wrapped by a C function: the child would return through (and so clobber) the
 * wrapper's frame before the parent resumes in it. The trampoline records the call site and jumps
 * to the real vfork, leaving the stack as the caller made it. */
pid_t hp_vfork_fallback(void) { return HP_REAL(fork)(); }
#if defined(__x86_64__)
__asm__(".text\n"
        ".globl vfork\n"
        ".type vfork,@function\n"
        "vfork:\n"
        "  movq (%rsp), %rax\n"
        "  movq %rax, hp_vfork_site(%rip)\n"
        "  movq hp_real_vfork(%rip), %rax\n"
        "  testq %rax, %rax\n"
        "  jz 1f\n"
        "  jmp *%rax\n"
        "1: jmp hp_vfork_fallback\n"
        ".size vfork, .-vfork\n");
#elif defined(__aarch64__)
__asm__(".text\n"
        ".globl vfork\n"
        ".type vfork,%function\n"
        "vfork:\n"
        "  adrp x16, hp_vfork_site\n"
        "  str x30, [x16, :lo12:hp_vfork_site]\n"
        "  adrp x16, hp_real_vfork\n"
        "  ldr x16, [x16, :lo12:hp_real_vfork]\n"
        "  cbz x16, 1f\n"
        "  br x16\n"
        "1: b hp_vfork_fallback\n"
        ".size vfork, .-vfork\n");
#endif

HP_EXPORT void _exit(int status) {
    hp_finish();
    HP_REAL(_exit)(status);
    __builtin_unreachable();
}

HP_EXPORT void _Exit(int status) {
    hp_finish();
    HP_REAL(_Exit)(status);
    __builtin_unreachable();
}

/* ---- credentials files (for fork with secrets): a cheap prefix/suffix test per open ---- */

#define NEEDS_MODE(flags) (((flags) & O_CREAT) || ((flags) & O_TMPFILE) == O_TMPFILE)
#define TAKE_MODE(flags, last)              \
    mode_t mode = 0;                        \
    if (NEEDS_MODE(flags)) {                \
        va_list ap;                         \
        va_start(ap, last);                 \
        mode = (mode_t)va_arg(ap, int);     \
        va_end(ap);                         \
    }

HP_EXPORT int open(const char *path, int flags, ...) {
    TAKE_MODE(flags, flags);
    if (hp_active()) hp_note_open(path);
    return HP_REAL(open)(path, flags, mode);
}

HP_EXPORT int open64(const char *path, int flags, ...) {
    TAKE_MODE(flags, flags);
    if (hp_active()) hp_note_open(path);
    return HP_REAL(open64)(path, flags, mode);
}

HP_EXPORT int openat(int dirfd, const char *path, int flags, ...) {
    TAKE_MODE(flags, flags);
    if (hp_active()) hp_note_open(path);
    return HP_REAL(openat)(dirfd, path, flags, mode);
}

HP_EXPORT int openat64(int dirfd, const char *path, int flags, ...) {
    TAKE_MODE(flags, flags);
    if (hp_active()) hp_note_open(path);
    return HP_REAL(openat64)(dirfd, path, flags, mode);
}

HP_EXPORT int __open_2(const char *path, int flags) {
    if (hp_active()) hp_note_open(path);
    return HP_REAL(__open_2)(path, flags);
}

HP_EXPORT int __open64_2(const char *path, int flags) {
    if (hp_active()) hp_note_open(path);
    return HP_REAL(__open64_2)(path, flags);
}

HP_EXPORT int __openat_2(int dirfd, const char *path, int flags) {
    if (hp_active()) hp_note_open(path);
    return HP_REAL(__openat_2)(dirfd, path, flags);
}

HP_EXPORT int __openat64_2(int dirfd, const char *path, int flags) {
    if (hp_active()) hp_note_open(path);
    return HP_REAL(__openat64_2)(dirfd, path, flags);
}

HP_EXPORT FILE *fopen(const char *path, const char *mode) {
    if (hp_active()) hp_note_open(path);
    return HP_REAL(fopen)(path, mode);
}

HP_EXPORT FILE *fopen64(const char *path, const char *mode) {
    if (hp_active()) hp_note_open(path);
    return HP_REAL(fopen64)(path, mode);
}
