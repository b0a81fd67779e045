/*
 * The slow path's lock (first report of a site, maps tables, records at exit). A spin lock, not a
 * mutex: it is taken from signal handlers too. A thread never waits for itself (hp_busy keeps a
 * handler that interrupted the holder away), and waiting is bounded so that a lock left held by a
 * thread that vanished in fork costs a dropped report, never a hang.
 */
#define _GNU_SOURCE
#include <sys/syscall.h>

#include "preload.h"

static int lock_word;

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

int hp_lock(void) {
    for (unsigned i = 0; i < 100000; i++) {
        int expected = 0;
        if (__atomic_compare_exchange_n(&lock_word, &expected, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return 1;
        if (i < 64) cpu_relax();
        else hp_sys(SYS_sched_yield, 0, 0, 0, 0);
    }
    return 0;
}

void hp_unlock(void) { __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE); }

/* In a fork child only the forking thread survives: a lock another thread held is free now, but
 * the tables it guarded may be half written, so they are re-read. */
void hp_lock_reset_after_fork(void) {
    if (__atomic_load_n(&lock_word, __ATOMIC_RELAXED)) {
        __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
        hp_maps_invalidate();
    }
}
