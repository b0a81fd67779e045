/*
 * Start and end of an instrumented image: the constructor (HELLO, secret-looking environment),
 * the exit paths (COUNTS, DROPS, fork-with-secrets), the fork child's reset, and the record of
 * credentials files the program opened.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "preload.h"

int hp_enabled;
HP_TLS int hp_busy;
int hp_pid;
uint64_t hp_vfork_site;

static char secret[300];   /* "env:NAME" or "file:/path": what, never a value */
static int secret_claimed; /* first writer wins (threads may open files concurrently) */
static int env_secret;
static int fork_child;
static int finished_pid;
static uint64_t fork_frames[HP_FRAMES_MAX];
static unsigned fork_frame_count;

void *hp_resolve(const char *name) {
    int saved = errno, busy = hp_busy;
    hp_busy = 1;
    void *p = dlsym(RTLD_NEXT, name);
    hp_busy = busy;
    errno = saved;
    return p;
}

static int ends_with(const char *s, size_t n, const char *suffix) {
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* PROTOCOL.md, "Secret-looking names" */
static int secret_looking(const char *name, size_t n) {
    char up[128];
    if (n >= sizeof up) n = sizeof up - 1;
    for (size_t i = 0; i < n; i++) up[i] = (name[i] >= 'a' && name[i] <= 'z') ? (char)(name[i] - 32) : name[i];
    up[n] = 0;
    if (ends_with(up, n, "_KEY")) return !ends_with(up, n, "_PUBLIC_KEY");
    return ends_with(up, n, "_TOKEN") || ends_with(up, n, "_SECRET") || ends_with(up, n, "_PASSWORD") ||
           ends_with(up, n, "_PASSWD") || ends_with(up, n, "_CREDENTIALS") || strstr(up, "PASSWORD") ||
           strstr(up, "SECRET") || strcmp(up, "GITHUB_TOKEN") == 0 || strcmp(up, "NPM_TOKEN") == 0;
}

static void claim_secret(const char *kind, const char *what, size_t n) {
    int expected = 0;
    if (!__atomic_compare_exchange_n(&secret_claimed, &expected, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) return;
    size_t k = strlen(kind);
    if (n > sizeof secret - k - 1) n = sizeof secret - k - 1;
    memcpy(secret, kind, k);
    memcpy(secret + k, what, n);
    secret[k + n] = 0;
    __atomic_store_n(&secret_claimed, 2, __ATOMIC_RELEASE);
}

const char *hp_secret(void) { return __atomic_load_n(&secret_claimed, __ATOMIC_ACQUIRE) == 2 ? secret : NULL; }

static int credentials_path(const char *p) {
    size_t n = strlen(p);
    static const char *const tails[] = {"/.aws/credentials", "/.docker/config.json", "/.netrc", "/.git-credentials",
                                        "/.kube/config"};
    if (strncmp(p, "/etc/shadow", 11) == 0 || strncmp(p, "/etc/gshadow", 12) == 0) return 1;
    if (strstr(p, "/.ssh/") || strncmp(p, ".ssh/", 5) == 0) return 1;
    if (ends_with(p, n, ".pem") || ends_with(p, n, ".key")) return 1;
    for (size_t i = 0; i < sizeof tails / sizeof *tails; i++)
        if (ends_with(p, n, tails[i]) || strcmp(p, tails[i] + 1) == 0) return 1;
    return 0;
}

void hp_note_open(const char *path) {
    if (!path || __atomic_load_n(&secret_claimed, __ATOMIC_RELAXED)) return;
    if (credentials_path(path)) claim_secret("file:", path, strlen(path));
}

static void scan_environment(void) {
    for (char **e = environ; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        size_t n = eq ? (size_t)(eq - *e) : strlen(*e);
        if (secret_looking(*e, n)) {
            env_secret = 1;
            claim_secret("env:", *e, n);
            return;
        }
    }
}

static int send_hello(void) {
    uint8_t *rec = hp_record_buffer();
    hp_put32(rec + 16, (uint32_t)hp_sys(SYS_getppid, 0, 0, 0, 0));
    hp_put32(rec + 20, env_secret ? 1u : 0u);
    long n = hp_sys(SYS_readlinkat, AT_FDCWD, (long)"/proc/self/exe", (long)(rec + 24), HP_RECORD_MAX - 25);
    if (n < 0) n = 0;
    rec[24 + n] = 0;
    size_t len = 24 + (size_t)n + 1;
    hp_header(rec, HP_HELLO, len);
    return hp_emit(rec, len);
}

static void child_after_any_fork(void) { hp_after_fork_child(0, NULL); }

__attribute__((constructor)) static void hp_init(void) {
    int saved = errno;
    hp_busy = 1;
    const char *path = getenv("HARRIER_LIBC_FIFO");
    if (path && hp_fifo_init(path) == 0) {
        scan_environment();
        hp_pid = (int)hp_sys(SYS_getpid, 0, 0, 0, 0);
        int ok = 0;
        if (hp_lock()) {
            ok = send_hello() == 0;
            hp_unlock();
        }
        if (ok) __atomic_store_n(&hp_enabled, 1, __ATOMIC_RELEASE);
        /* Forks the program makes without calling fork() itself (daemon(), libraries calling
         * glibc's internal fork) reach this handler too, so their children report their own pid. */
        pthread_atfork(NULL, NULL, child_after_any_fork);
    }
    hp_busy = 0;
    errno = saved;
}

static void report_fork_secret(const char *fn, uint64_t site, const uint64_t *frames, unsigned n) {
    const char *what = hp_secret();
    if (!what || !site || !hp_count(site, HP_FORK_SECRET)) return;
    hp_report_frames(HP_FORK_SECRET, fn, site, frames, n, what, 256);
}

void hp_finish(void) {
    if (!__atomic_load_n(&hp_enabled, __ATOMIC_ACQUIRE) || hp_busy) return;
    int saved = errno;
    hp_busy = 1;
    int pid = (int)hp_sys(SYS_getpid, 0, 0, 0, 0);
    if (pid != hp_pid) {
        /* A vfork child: it shares the parent's memory, so it only reports itself. */
        hp_uncached_ids = 1;
        if (hp_lock()) {
            uint64_t site = hp_vfork_site;
            report_fork_secret("vfork", site, &site, 1);
            hp_unlock();
        }
    } else if (finished_pid != pid && hp_lock()) {
        finished_pid = pid;
        if (fork_child) report_fork_secret("fork", fork_frames[0], fork_frames, fork_frame_count);
        hp_send_counts();
        hp_send_drops();
        hp_unlock();
    }
    hp_busy = 0;
    errno = saved;
}

__attribute__((destructor)) static void hp_fini(void) { hp_finish(); }

void hp_after_fork_child(uint64_t fork_site, const void *frame) {
    if (!__atomic_load_n(&hp_enabled, __ATOMIC_ACQUIRE)) return;
    int saved = errno;
    hp_busy = 1;
    hp_pid = (int)hp_sys(SYS_getpid, 0, 0, 0, 0);
    hp_forget_tid();
    hp_lock_reset_after_fork();
    hp_sites_reset_after_fork();
    hp_drops = 0;
    fork_child = 1;
    finished_pid = 0;
    fork_frames[0] = fork_site; /* 0 from the atfork handler: the fork() hook fills it in next */
    fork_frame_count = 1;
    /* The stack is only needed if this child may turn out to be a fork with secrets. */
    if (fork_site && hp_secret() && hp_lock()) {
        fork_frame_count = hp_unwind(fork_site, frame, fork_frames);
        hp_unlock();
    }
    hp_busy = 0;
    errno = saved;
}
