/*
 * RISK records and the call stacks they carry.
 *
 * Unwinder: frame-pointer walking, chosen over libunwind (a dependency, and its first use per
 * thread allocates) and _Unwind_Backtrace (loads libgcc_s with dlopen and takes the loader's lock:
 * neither is safe in a signal handler or a fork child). Frame 0, the call site, is always exact:
 * it is the return address of the exported interposer itself (__builtin_return_address(0)), right
 * whatever the caller was compiled with. Deeper frames follow the saved frame-pointer chain, and
 * every link is checked before it is read: it must lie above the previous one, inside the mapping
 * that holds this thread's stack (found in /proc/self/maps once per thread and cached), be
 * aligned, and yield a return address inside an executable mapping. Code built without frame
 * pointers therefore gives a short (or skipping) stack, never a crash.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <time.h>

#include "preload.h"

static HP_TLS uintptr_t stack_lo, stack_hi;
static uint64_t frames_buf[HP_FRAMES_MAX];

static unsigned walk(uint64_t site, const void *frame, uint64_t *frames, int *unknown) {
    unsigned n = 0;
    frames[n++] = site;
    uintptr_t at = (uintptr_t)frame;
    if (at < stack_lo || at + 16 > stack_hi) return n;
    uintptr_t fp = *(const uintptr_t *)at; /* the caller's frame pointer, saved by our prologue */
    uintptr_t prev = at;
    while (n < HP_FRAMES_MAX) {
        if (fp <= prev || fp + 16 > stack_hi || (fp & 7) != 0) break;
        uint64_t ret = ((const uintptr_t *)fp)[1];
        uintptr_t next = ((const uintptr_t *)fp)[0];
        if (!hp_module_contains(ret)) {
            *unknown = 1;
            break;
        }
        frames[n++] = ret;
        prev = fp;
        fp = next;
    }
    return n;
}

/* A deeper frame outside every known module is usually a stale frame pointer in code built
 * without one, not new code: re-reading the maps for it each time would make every first report
 * cost a maps read. New code shows up as an unknown call site (frame 0), which always re-reads;
 * an unknown deeper frame re-reads at most every 50 ms. */
static int deep_reload_due(void) {
    static int64_t last_ns;
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) != 0) return 0;
    int64_t now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    if (last_ns != 0 && now - last_ns < 50000000) return 0;
    last_ns = now;
    return 1;
}

unsigned hp_unwind(uint64_t site, const void *frame, uint64_t *frames) {
    uintptr_t at = (uintptr_t)frame;
    int reloaded = 0;
    if (hp_module_generation() == 0 || !hp_module_contains(site) || at < stack_lo || at >= stack_hi) {
        uintptr_t lo = 0, hi = 0;
        hp_maps_load(at, &lo, &hi);
        stack_lo = lo;
        stack_hi = hi;
        reloaded = 1;
    }
    int unknown = 0;
    unsigned n = walk(site, frame, frames, &unknown);
    if (unknown && !reloaded && deep_reload_due()) { /* code mapped since (dlopen), or a bogus link */
        uintptr_t lo = 0, hi = 0;
        hp_maps_load(at, &lo, &hi);
        stack_lo = lo;
        stack_hi = hi;
        unknown = 0;
        n = walk(site, frame, frames, &unknown);
    }
    return n;
}

#define RISK_HEAD 72

void hp_report_frames(unsigned cls, const char *fn, uint64_t site, const uint64_t *frames, unsigned n,
                      const char *detail, size_t detail_max) {
    if (hp_module_generation() == 0) hp_maps_load(0, NULL, NULL); /* MODULES must precede every RISK */
    hp_send_modules();
    uint8_t *rec = hp_record_buffer();
    size_t room = HP_RECORD_MAX - RISK_HEAD - 8 * (size_t)n;
    if (detail_max > room) detail_max = room;
    size_t dlen = detail ? strnlen(detail, detail_max) : 0;
    size_t len = RISK_HEAD + 8 * (size_t)n + dlen;
    memset(rec + 16, 0, RISK_HEAD - 16);
    hp_put16(rec + 16, (uint16_t)cls);
    hp_put16(rec + 18, (uint16_t)n);
    hp_put32(rec + 20, hp_module_generation());
    hp_put64(rec + 24, site);
    strncpy((char *)rec + 32, fn, 31);
    hp_put16(rec + 64, (uint16_t)dlen);
    memcpy(rec + RISK_HEAD, frames, 8 * (size_t)n);
    if (dlen) memcpy(rec + RISK_HEAD + 8 * n, detail, dlen);
    hp_header(rec, HP_RISK, len);
    hp_emit(rec, len);
}

void hp_report(unsigned cls, const char *fn, uint64_t site, const void *frame, const char *detail, size_t detail_max) {
    int saved = errno;
    hp_busy = 1;
    if (hp_lock()) {
        unsigned n = hp_unwind(site, frame, frames_buf);
        hp_report_frames(cls, fn, site, frames_buf, n, detail, detail_max);
        hp_unlock();
    } else {
        __atomic_fetch_add(&hp_drops, 1, __ATOMIC_RELAXED); /* the lock stayed held: the RISK is lost */
    }
    hp_busy = 0;
    errno = saved;
}

/* A format outside the read-only table: a known site only counts; a new one re-reads the maps
 * once (the format may sit in a library mapped since) before it is reported. */
void hp_report_format(const char *fn, uint64_t site, const void *frame, const char *fmt) {
    int ro = hp_readonly_contains(fmt);
    if (ro == 1 || (ro == 0 && hp_count_if_known(site, HP_FORMAT))) return;
    int saved = errno;
    hp_busy = 1;
    if (hp_lock()) {
        /* Another thread may have re-read the maps while this one waited for the lock. */
        if (hp_readonly_contains(fmt) != 1) {
            uintptr_t lo = 0, hi = 0;
            hp_maps_load((uintptr_t)frame, &lo, &hi);
            stack_lo = lo;
            stack_hi = hi;
        }
        if (hp_readonly_contains(fmt) == 0 && hp_count(site, HP_FORMAT)) {
            unsigned n = hp_unwind(site, frame, frames_buf);
            hp_report_frames(HP_FORMAT, fn, site, frames_buf, n, fmt, 64);
        }
        hp_unlock();
    }
    hp_busy = 0;
    errno = saved;
}
