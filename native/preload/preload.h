/*
 * Internals of libharrier_preload.so shared by its source files (all hidden: only the interposed
 * libc functions are exported). PROTOCOL.md defines the records; report.c explains the unwinder.
 * Rules for everything here: no malloc, no stdio, no locks on the hot path (lock.c's spin lock
 * only guards first reports), the program's errno and return values untouched.
 */
#ifndef HARRIER_PRELOAD_H
#define HARRIER_PRELOAD_H

#include <stddef.h>
#include <stdint.h>

#define HP_EXPORT __attribute__((visibility("default")))
#define HP_TLS __thread __attribute__((tls_model("initial-exec")))

enum hp_risk {
    HP_COPY = 1,
    HP_GETS = 2,
    HP_FORMAT = 3,
    HP_RANDOM = 4,
    HP_SHELL = 5,
    HP_FORK_SECRET = 6,
    HP_TEMPFILE = 7,
    HP_IOCTL = 8,
};

enum hp_record { HP_HELLO = 1, HP_MODULES = 2, HP_RISK = 3, HP_COUNTS = 4, HP_DROPS = 5 };

#define HP_RECORD_MAX 4096
#define HP_FRAMES_MAX 64

/* init.c: set once the constructor found HARRIER_LIBC_FIFO and the FIFO took HELLO. */
extern int hp_enabled;
/* Set while this thread runs the interposer's own code: nested or signal-handler calls forward only. */
extern HP_TLS int hp_busy;
/* The pid this image's state belongs to (updated in a fork child; a vfork child shares it). */
extern int hp_pid;

static inline int hp_active(void) { return __atomic_load_n(&hp_enabled, __ATOMIC_RELAXED) && !hp_busy; }

/* init.c */
void *hp_resolve(const char *name);
void hp_finish(void);             /* COUNTS/DROPS and the fork-with-secrets check at exit */
void hp_after_fork_child(uint64_t fork_site, const void *frame);
extern uint64_t hp_vfork_site;    /* written by the vfork trampoline */
const char *hp_secret(void);      /* "env:NAME" / "file:/path", or NULL */
void hp_note_open(const char *path);

/* sites.c: the deduplicating site table */
struct hp_site {
    uint64_t key;  /* call site | class << 56; 0 = free */
    uint64_t hits; /* this process's hits, once pid says the entry is this process's */
    int pid;       /* the process the hits belong to: a fork child claims entries lazily */
    int reserved;
};
#ifndef HP_SITES
#define HP_SITES 8192 /* a power of two; -DHP_SITES=64 builds a table that fills up (tests) */
#endif
extern struct hp_site hp_sites[HP_SITES];
extern uint64_t hp_untracked;
/* Slots in use, in order of first use (slot + 1; 0 = being written): COUNTS walks this list, not
 * the whole table, so a process with few sites touches few pages at exit. */
extern uint16_t hp_used[HP_SITES];
extern unsigned hp_used_count;

static inline void hp_site_used(unsigned slot) {
    unsigned n = __atomic_fetch_add(&hp_used_count, 1, __ATOMIC_RELAXED);
    if (n < HP_SITES) __atomic_store_n(&hp_used[n], (uint16_t)(slot + 1), __ATOMIC_RELEASE);
}

static inline uint64_t hp_site_key(uint64_t site, unsigned cls) { return (site & 0x00ffffffffffffffULL) | ((uint64_t)cls << 56); }
static inline unsigned hp_site_slot(uint64_t key) { return (unsigned)((key * 0x9E3779B97F4A7C15ULL) >> 51) & (HP_SITES - 1); }

/* glibc's own flag (2.32+): true until the process first creates a thread. */
extern char __libc_single_threaded;

/* One more hit. While the process has a single thread, x86's plain read-modify-write add (atomic
 * with respect to signal handlers, which run between instructions) does it without the locked
 * instruction's cost. */
static inline void hp_hit(uint64_t *hits) {
#if defined(__x86_64__)
    if (__libc_single_threaded) {
        __asm__ volatile("addq $1, %0" : "+m"(*hits));
        return;
    }
#endif
    __atomic_fetch_add(hits, 1, __ATOMIC_RELAXED);
}

/* A fork child inherits the parent's entries with the parent's hits; resetting them all in the
 * child would touch (and copy) the whole table in every child, most of which exec at once. The
 * first hit in a process claims the entry instead and takes away what was inherited. */
void hp_site_claim(struct hp_site *s);

static inline void hp_site_hit(struct hp_site *s) {
    if (__builtin_expect(__atomic_load_n(&s->pid, __ATOMIC_RELAXED) != hp_pid, 0)) hp_site_claim(s);
    hp_hit(&s->hits);
}

/* Counts one hit of (site, class). Returns 1 when the call is the site's first (the caller
 * reports it), 0 otherwise. Lock-free: CAS to claim a slot, atomic add to count. */
static inline int hp_count(uint64_t site, unsigned cls) {
    uint64_t key = hp_site_key(site, cls);
    unsigned i = hp_site_slot(key);
    for (unsigned probe = 0; probe < 64; probe++, i = (i + 1) & (HP_SITES - 1)) {
        struct hp_site *s = &hp_sites[i];
        uint64_t k = __atomic_load_n(&s->key, __ATOMIC_RELAXED);
        if (k == 0) {
            uint64_t expected = 0;
            if (__atomic_compare_exchange_n(&s->key, &expected, key, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
                hp_site_used(i);
                hp_site_hit(s);
                return 1;
            }
            k = expected;
        }
        if (k == key) {
            hp_site_hit(s);
            return 0;
        }
    }
    __atomic_fetch_add(&hp_untracked, 1, __ATOMIC_RELAXED);
    return 0;
}

/* Counts a hit only if the site is already known (1), else leaves the table alone (0). */
int hp_count_if_known(uint64_t site, unsigned cls);
void hp_sites_reset_after_fork(void);
void hp_send_counts(void);  /* caller holds the lock */
void hp_send_drops(void);   /* caller holds the lock */

/* lock.c: one spin lock for the slow path (records, maps tables). Bounded: gives up rather than hang. */
int hp_lock(void);
void hp_unlock(void);
void hp_lock_reset_after_fork(void);

/* transport.c */
int hp_fifo_init(const char *path);
int hp_emit(const void *record, size_t len); /* caller holds the lock */
extern uint64_t hp_drops;
uint8_t *hp_record_buffer(void);             /* static, HP_RECORD_MAX bytes, caller holds the lock */
void hp_header(uint8_t *rec, unsigned type, size_t len);
extern int hp_uncached_ids; /* set in a vfork child: its pid and tid are not this memory's */
void hp_forget_tid(void);
static inline void hp_put16(uint8_t *p, uint16_t v) { __builtin_memcpy(p, &v, 2); }
static inline void hp_put32(uint8_t *p, uint32_t v) { __builtin_memcpy(p, &v, 4); }
static inline void hp_put64(uint8_t *p, uint64_t v) { __builtin_memcpy(p, &v, 8); }

/* maps.c: /proc/self/maps, read with raw syscalls into static tables */
int hp_maps_load(uintptr_t stack_addr, uintptr_t *stack_lo, uintptr_t *stack_hi); /* lock held */
int hp_module_contains(uint64_t addr);                                           /* lock held */
uint32_t hp_module_generation(void);
void hp_send_modules(void);                                                      /* lock held */
void hp_maps_invalidate(void);
int hp_readonly_contains(const void *p); /* lock-free: 1 yes, 0 no, -1 unknown (table busy/unloaded) */

/* report.c */
void hp_report(unsigned cls, const char *fn, uint64_t site, const void *frame, const char *detail, size_t detail_max);
void hp_report_format(const char *fn, uint64_t site, const void *frame, const char *fmt);
void hp_report_frames(unsigned cls, const char *fn, uint64_t site, const uint64_t *frames, unsigned n,
                      const char *detail, size_t detail_max); /* lock held */
unsigned hp_unwind(uint64_t site, const void *frame, uint64_t *frames); /* lock held */

/* raw syscalls: the interposer never calls an interposed (or stdio/malloc) function itself */
long hp_sys(long nr, long a, long b, long c, long d);

#define HP_SITE() ((uint64_t)(uintptr_t)__builtin_return_address(0))
#define HP_FRAME() __builtin_frame_address(0)

/* Reports (class, fn) for the current call site when the site is new. Must expand in the
 * exported function itself so that the return address is the program's call site. */
#define HP_NOTE(cls, fn, detail, max)                                                  \
    do {                                                                               \
        if (hp_active()) {                                                             \
            uint64_t site_ = HP_SITE();                                                \
            if (hp_count(site_, (cls))) hp_report((cls), (fn), site_, HP_FRAME(), (detail), (max)); \
        }                                                                              \
    } while (0)

#define HP_FORMAT_NOTE(fn, fmt)                                                                 \
    do {                                                                                        \
        if (hp_active() && (fmt) && hp_readonly_contains(fmt) != 1) hp_report_format((fn), HP_SITE(), HP_FRAME(), (fmt)); \
    } while (0)

/* Function pointers to the real libc functions: resolved in a constructor, or on first use when
 * a call arrives before it. */
#define HP_REAL(fn)                                                                        \
    ({                                                                                     \
        if (__builtin_expect(real_##fn == NULL, 0)) real_##fn = (__typeof__(real_##fn))hp_resolve(#fn); \
        real_##fn;                                                                         \
    })

#endif
