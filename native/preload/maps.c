/*
 * /proc/self/maps, read with raw syscalls into static tables (no stdio, no malloc):
 *  - the executable file-backed mappings (MODULES records, and the unwinder's test that a return
 *    address is plausible), with a generation that increases when they change (dlopen);
 *  - the read-only file-backed ranges, which tell a literal format string (in .rodata) from one in
 *    writable memory; readers on the printf hot path use them lock-free under a sequence counter;
 *  - the bounds of the mapping that holds a given stack address (the unwinder's stack bounds).
 * Everything but hp_readonly_contains runs with the slow-path lock held.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>

#include "preload.h"

struct module {
    uint64_t start, end, offset;
    uint32_t path_at;
    uint16_t path_len;
};
#define MODULES_MAX 1024
static struct module modules[MODULES_MAX];
static unsigned n_modules;
static char module_paths[1 << 16];
static unsigned paths_used;
static uint32_t generation;
static uint64_t modules_sum;
static int sent_pid;
static uint32_t sent_generation;

struct range {
    uint64_t start, end;
};
#define RANGES_MAX 2048
static struct range readonly[RANGES_MAX];
static unsigned n_readonly;
static unsigned readonly_seq; /* 0: never loaded; odd: being rewritten */

static char chunk[8192];

static uint64_t hex(const char **p) {
    uint64_t v = 0;
    for (;; (*p)++) {
        char c = **p;
        if (c >= '0' && c <= '9') v = v * 16 + (uint64_t)(c - '0');
        else if (c >= 'a' && c <= 'f') v = v * 16 + (uint64_t)(c - 'a' + 10);
        else return v;
    }
}

static void skip_field(const char **p, const char *end) {
    while (*p < end && **p != ' ') (*p)++;
    while (*p < end && **p == ' ') (*p)++;
}

struct scan {
    uint64_t sum;
    uintptr_t stack_addr, stack_lo, stack_hi;
};

/* One maps line: "start-end perms offset dev inode   path" */
static void take_line(struct scan *s, const char *p, const char *end) {
    uint64_t start = hex(&p);
    if (*p++ != '-') return;
    uint64_t stop = hex(&p);
    if (*p++ != ' ' || end - p < 5) return;
    char r = p[0], w = p[1], x = p[2];
    p += 5;
    uint64_t offset = hex(&p);
    while (p < end && *p == ' ') p++;
    skip_field(&p, end); /* dev */
    skip_field(&p, end); /* inode */
    const char *path = p;
    size_t path_len = (size_t)(end - p);

    if (s->stack_addr >= start && s->stack_addr < stop) {
        s->stack_lo = start;
        s->stack_hi = stop;
    }
    int file_backed = path_len > 0 && path[0] == '/';
    if (x == 'x' && (file_backed || (path_len == 6 && memcmp(path, "[vdso]", 6) == 0)) && n_modules < MODULES_MAX) {
        if (path_len > 2048) path_len = 2048;
        if (paths_used + path_len > sizeof module_paths) return;
        struct module *m = &modules[n_modules++];
        m->start = start;
        m->end = stop;
        m->offset = offset;
        m->path_at = paths_used;
        m->path_len = (uint16_t)path_len;
        memcpy(module_paths + paths_used, path, path_len);
        paths_used += (unsigned)path_len;
        s->sum = (s->sum ^ start ^ (stop << 1) ^ (offset << 2) ^ path_len) * 0x100000001B3ULL;
    }
    if (r == 'r' && w != 'w' && file_backed) {
        unsigned n = n_readonly;
        if (n > 0 && readonly[n - 1].end == start) __atomic_store_n(&readonly[n - 1].end, stop, __ATOMIC_RELAXED);
        else if (n < RANGES_MAX) {
            __atomic_store_n(&readonly[n].start, start, __ATOMIC_RELAXED);
            __atomic_store_n(&readonly[n].end, stop, __ATOMIC_RELAXED);
            __atomic_store_n(&n_readonly, n + 1, __ATOMIC_RELAXED);
        }
    }
}

int hp_maps_load(uintptr_t stack_addr, uintptr_t *stack_lo, uintptr_t *stack_hi) {
    int fd = (int)hp_sys(SYS_openat, AT_FDCWD, (long)"/proc/self/maps", O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct scan s = {.sum = 0xcbf29ce484222325ULL, .stack_addr = stack_addr};
    n_modules = 0;
    paths_used = 0;
    __atomic_store_n(&readonly_seq, readonly_seq | 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&n_readonly, 0, __ATOMIC_RELAXED);

    size_t have = 0;
    for (;;) {
        long got = hp_sys(SYS_read, fd, (long)(chunk + have), (long)(sizeof chunk - have), 0);
        if (got <= 0) break;
        have += (size_t)got;
        char *line = chunk, *nl;
        while ((nl = memchr(line, '\n', (size_t)(chunk + have - line))) != NULL) {
            take_line(&s, line, nl);
            line = nl + 1;
        }
        have = (size_t)(chunk + have - line);
        memmove(chunk, line, have);
        if (have == sizeof chunk) have = 0; /* a line longer than the buffer: drop it */
    }
    hp_sys(SYS_close, fd, 0, 0, 0);

    __atomic_store_n(&readonly_seq, (readonly_seq | 1) + 1, __ATOMIC_RELEASE);
    if (generation == 0 || s.sum != modules_sum) {
        generation++;
        modules_sum = s.sum;
    }
    if (stack_lo) *stack_lo = s.stack_lo;
    if (stack_hi) *stack_hi = s.stack_hi;
    return 0;
}

void hp_maps_invalidate(void) {
    n_modules = 0;
    __atomic_store_n(&readonly_seq, 0, __ATOMIC_RELEASE);
}

uint32_t hp_module_generation(void) { return generation; }

int hp_module_contains(uint64_t addr) {
    unsigned lo = 0, hi = n_modules;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (addr < modules[mid].start) hi = mid;
        else if (addr >= modules[mid].end) lo = mid + 1;
        else return 1;
    }
    return 0;
}

int hp_readonly_contains(const void *ptr) {
    uint64_t a = (uint64_t)(uintptr_t)ptr;
    unsigned seq = __atomic_load_n(&readonly_seq, __ATOMIC_ACQUIRE);
    if (seq == 0 || (seq & 1)) return -1;
    unsigned lo = 0, hi = __atomic_load_n(&n_readonly, __ATOMIC_RELAXED);
    int found = 0;
    if (hi > RANGES_MAX) return -1;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (a < __atomic_load_n(&readonly[mid].start, __ATOMIC_RELAXED)) hi = mid;
        else if (a >= __atomic_load_n(&readonly[mid].end, __ATOMIC_RELAXED)) lo = mid + 1;
        else {
            found = 1;
            break;
        }
    }
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    return __atomic_load_n(&readonly_seq, __ATOMIC_RELAXED) == seq ? found : -1;
}

#define ENTRY_FIXED 26
#define MODULES_HEAD 28

/* Sends this generation's table unless this process already has (a fork child sends its own). */
void hp_send_modules(void) {
    int pid = hp_uncached_ids ? (int)hp_sys(SYS_getpid, 0, 0, 0, 0) : hp_pid;
    if (n_modules == 0 || (sent_pid == pid && sent_generation == generation)) return;
    unsigned parts = 0;
    for (unsigned i = 0, used = HP_RECORD_MAX; i < n_modules; i++) {
        unsigned size = ENTRY_FIXED + modules[i].path_len;
        if (used + size > HP_RECORD_MAX) {
            parts++;
            used = MODULES_HEAD;
        }
        used += size;
    }
    uint8_t *rec = hp_record_buffer();
    unsigned i = 0;
    for (unsigned part = 0; part < parts; part++) {
        size_t len = MODULES_HEAD;
        unsigned count = 0;
        while (i < n_modules && len + ENTRY_FIXED + modules[i].path_len <= HP_RECORD_MAX) {
            const struct module *m = &modules[i++];
            uint8_t *e = rec + len;
            hp_put64(e, m->start);
            hp_put64(e + 8, m->end);
            hp_put64(e + 16, m->offset);
            hp_put16(e + 24, m->path_len);
            memcpy(e + ENTRY_FIXED, module_paths + m->path_at, m->path_len);
            len += ENTRY_FIXED + m->path_len;
            count++;
        }
        hp_header(rec, HP_MODULES, len);
        hp_put32(rec + 16, generation);
        hp_put16(rec + 20, (uint16_t)part);
        hp_put16(rec + 22, (uint16_t)parts);
        hp_put16(rec + 24, (uint16_t)count);
        hp_put16(rec + 26, 0);
        if (hp_emit(rec, len) != 0) return; /* not marked sent: the next report tries again */
    }
    sent_pid = pid;
    sent_generation = generation;
}
