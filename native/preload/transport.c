/*
 * The FIFO to Harrier (PROTOCOL.md, Transport): opened write-only and non-blocking, moved to a
 * descriptor >= 1000 so the program's numbering is untouched, checked with fstat before every
 * write so that a program which closed it (or reused the number) never receives our records.
 * Every function here runs with the slow-path lock held, so the state needs no atomics.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "preload.h"

uint64_t hp_drops;

static char fifo_path[4096];
static int fifo_fd = -1;
static dev_t fifo_dev;
static ino_t fifo_ino;
static int fifo_dead; /* nobody reads, not a FIFO, or a write failed: stay silent for good */
static uint8_t record[HP_RECORD_MAX];

long hp_sys(long nr, long a, long b, long c, long d) { return syscall(nr, a, b, c, d); }

uint8_t *hp_record_buffer(void) { return record; }

/* pid and tid cost a syscall each (glibc caches neither): cache them. The tid cache is reset in a
 * fork child; a vfork child (which shares this memory) sets hp_uncached_ids for good. */
int hp_uncached_ids;
static HP_TLS int cached_tid;

static uint32_t record_pid(void) {
    if (hp_uncached_ids || hp_pid == 0) return (uint32_t)hp_sys(SYS_getpid, 0, 0, 0, 0);
    return (uint32_t)hp_pid;
}

static uint32_t record_tid(void) {
    if (hp_uncached_ids) return (uint32_t)hp_sys(SYS_gettid, 0, 0, 0, 0);
    if (cached_tid == 0) cached_tid = (int)hp_sys(SYS_gettid, 0, 0, 0, 0);
    return (uint32_t)cached_tid;
}

void hp_forget_tid(void) { cached_tid = 0; }

void hp_header(uint8_t *rec, unsigned type, size_t len) {
    hp_put16(rec, 0x4C48);
    rec[2] = 1;
    rec[3] = (uint8_t)type;
    hp_put16(rec + 4, (uint16_t)len);
    hp_put16(rec + 6, 0);
    hp_put32(rec + 8, record_pid());
    hp_put32(rec + 12, record_tid());
}

int hp_fifo_init(const char *path) {
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof fifo_path) return -1;
    memcpy(fifo_path, path, n + 1);
    return 0;
}

static int still_ours(void) {
    struct stat st;
    if (fifo_fd < 0 || hp_sys(SYS_fstat, fifo_fd, (long)&st, 0, 0) != 0) return 0;
    return st.st_dev == fifo_dev && st.st_ino == fifo_ino && S_ISFIFO(st.st_mode);
}

static int reopen(void) {
    int fd = (int)hp_sys(SYS_openat, AT_FDCWD, (long)fifo_path, O_WRONLY | O_NONBLOCK | O_CLOEXEC, 0);
    if (fd < 0) { /* ENXIO: nobody reads; ENOENT: no FIFO. Either way, stay silent. */
        fifo_dead = 1;
        __atomic_store_n(&hp_enabled, 0, __ATOMIC_RELAXED);
        return -1;
    }
    struct stat st;
    if (hp_sys(SYS_fstat, fd, (long)&st, 0, 0) != 0 || !S_ISFIFO(st.st_mode)) {
        hp_sys(SYS_close, fd, 0, 0, 0);
        fifo_dead = 1;
        return -1;
    }
    int high = (int)hp_sys(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 1000, 0);
    if (high < 0) { /* a descriptor limit below 1001: use the top of what is allowed */
        struct rlimit rl;
        if (hp_sys(SYS_getrlimit, RLIMIT_NOFILE, (long)&rl, 0, 0) == 0 && rl.rlim_cur > 64)
            high = (int)hp_sys(SYS_fcntl, fd, F_DUPFD_CLOEXEC, (long)(rl.rlim_cur - 16), 0);
    }
    hp_sys(SYS_close, fd, 0, 0, 0);
    if (high < 0) {
        fifo_dead = 1;
        return -1;
    }
    /* The old number (if any) is not closed: it may now be one of the program's descriptors. */
    fifo_fd = high;
    fifo_dev = st.st_dev;
    fifo_ino = st.st_ino;
    return 0;
}

/* A write to a FIFO whose reader went away raises SIGPIPE, which would kill the program: block it
 * around the write and swallow the one our write raised (never one that was already pending). */
static long write_without_sigpipe(const void *buf, size_t len) {
    sigset_t pipe_only, old, pending;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigemptyset(&old);
    hp_sys(SYS_rt_sigprocmask, SIG_BLOCK, (long)&pipe_only, (long)&old, 8);
    int was_pending = 0; /* only possible if the program itself blocks SIGPIPE */
    if (sigismember(&old, SIGPIPE)) {
        sigemptyset(&pending);
        hp_sys(SYS_rt_sigpending, (long)&pending, 8, 0, 0);
        was_pending = sigismember(&pending, SIGPIPE);
    }
    long w = hp_sys(SYS_write, fifo_fd, (long)buf, (long)len, 0);
    int err = errno;
    if (w < 0 && err == EPIPE && !was_pending) {
        struct timespec zero = {0, 0};
        hp_sys(SYS_rt_sigtimedwait, (long)&pipe_only, 0, (long)&zero, 8);
    }
    hp_sys(SYS_rt_sigprocmask, SIG_SETMASK, (long)&old, 0, 8);
    errno = err;
    return w;
}

int hp_emit(const void *rec, size_t len) {
    if (fifo_dead || len > HP_RECORD_MAX) return -1;
    if (!still_ours() && reopen() != 0) return -1;
    long w = write_without_sigpipe(rec, len);
    if (w == (long)len) return 0;
    if (w < 0 && errno == EAGAIN) __atomic_fetch_add(&hp_drops, 1, __ATOMIC_RELAXED);
    else fifo_dead = 1;
    if (fifo_dead) __atomic_store_n(&hp_enabled, 0, __ATOMIC_RELAXED); /* nobody listens: forward only */
    return -1;
}
