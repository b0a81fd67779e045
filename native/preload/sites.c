/*
 * The call-site table: fixed size, open addressing, keyed by (return address, risk class), filled
 * with CAS and counted with atomic adds (hp_count in preload.h is the hot path). A full
 * neighbourhood counts the call in hp_untracked (sent in DROPS) instead of tracking the site.
 */
#define _GNU_SOURCE
#include "preload.h"

struct hp_site hp_sites[HP_SITES];
uint64_t hp_untracked;
uint16_t hp_used[HP_SITES];
unsigned hp_used_count;

int hp_count_if_known(uint64_t site, unsigned cls) {
    uint64_t key = hp_site_key(site, cls);
    unsigned i = hp_site_slot(key);
    for (unsigned probe = 0; probe < 64; probe++, i = (i + 1) & (HP_SITES - 1)) {
        uint64_t k = __atomic_load_n(&hp_sites[i].key, __ATOMIC_RELAXED);
        if (k == 0) return 0;
        if (k == key) {
            hp_site_hit(&hp_sites[i]);
            return 1;
        }
    }
    return 0;
}

void hp_site_claim(struct hp_site *s) {
    int owner = __atomic_load_n(&s->pid, __ATOMIC_RELAXED);
    uint64_t inherited = __atomic_load_n(&s->hits, __ATOMIC_RELAXED);
    if (owner != hp_pid && __atomic_compare_exchange_n(&s->pid, &owner, hp_pid, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        __atomic_fetch_sub(&s->hits, inherited, __ATOMIC_RELAXED);
}

/* A fork child keeps the parent's sites (so it does not report them again) but counts only its
 * own hits (entries are claimed on first hit, see hp_site_claim): totals then add up across
 * processes. */
void hp_sites_reset_after_fork(void) { __atomic_store_n(&hp_untracked, 0, __ATOMIC_RELAXED); }

#define COUNTS_HEAD 24
#define COUNTS_ENTRY 24

void hp_send_counts(void) {
    uint8_t *rec = hp_record_buffer();
    size_t len = COUNTS_HEAD;
    unsigned count = 0;
    unsigned used = __atomic_load_n(&hp_used_count, __ATOMIC_RELAXED);
    if (used > HP_SITES) used = HP_SITES;
    for (unsigned u = 0; u <= used; u++) {
        if (u == used || len + COUNTS_ENTRY > HP_RECORD_MAX) {
            if (count > 0) {
                hp_header(rec, HP_COUNTS, len);
                hp_put16(rec + 16, (uint16_t)count);
                hp_put16(rec + 18, 0);
                hp_put32(rec + 20, 0);
                hp_emit(rec, len);
            }
            len = COUNTS_HEAD;
            count = 0;
            if (u == used) break;
        }
        unsigned slot1 = __atomic_load_n(&hp_used[u], __ATOMIC_ACQUIRE);
        if (slot1 == 0) continue;
        unsigned i = slot1 - 1;
        uint64_t key = __atomic_load_n(&hp_sites[i].key, __ATOMIC_RELAXED);
        uint64_t hits = __atomic_load_n(&hp_sites[i].hits, __ATOMIC_RELAXED);
        if (key == 0 || hits == 0 || __atomic_load_n(&hp_sites[i].pid, __ATOMIC_RELAXED) != hp_pid) continue;
        uint8_t *e = rec + len;
        hp_put64(e, key & 0x00ffffffffffffffULL);
        hp_put16(e + 8, (uint16_t)(key >> 56));
        hp_put16(e + 10, 0);
        hp_put32(e + 12, 0);
        hp_put64(e + 16, hits);
        len += COUNTS_ENTRY;
        count++;
    }
}

void hp_send_drops(void) {
    uint64_t untracked = __atomic_load_n(&hp_untracked, __ATOMIC_RELAXED);
    if (hp_drops == 0 && untracked == 0) return;
    uint8_t *rec = hp_record_buffer();
    hp_header(rec, HP_DROPS, 32);
    hp_put64(rec + 16, hp_drops);
    hp_put64(rec + 24, untracked);
    if (hp_emit(rec, 32) == 0) { /* DROPS add up: start again from zero */
        hp_drops = 0;
        __atomic_fetch_sub(&hp_untracked, untracked, __ATOMIC_RELAXED);
    }
}
