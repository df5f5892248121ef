/* seen.h - a set of 64-bit hashes with a count each, for the reporters
 * that must not write the same name twice: Prometheus series (a duplicate
 * makes the textfile collector drop the file) and JUnit suite and test
 * case names. 16 bytes a key; a hash collision (2^-64 a pair) only makes
 * two names look alike. Internal. */
#ifndef RDC_SEEN_H
#define RDC_SEEN_H

#include <stddef.h>
#include <stdint.h>

typedef struct rdc_seen_slot rdc_seen_slot_t;

/* A zeroed struct is an empty set. */
typedef struct rdc_seen {
    rdc_seen_slot_t *slots;
    size_t n, cap;
} rdc_seen_t;

/* The FNV-1a offset basis: the h of rdc_hash64's first call. */
#define RDC_HASH64_INIT UINT64_C(14695981039346656037)

/* 64-bit FNV-1a of n bytes of s, continuing from h (chain calls to hash
 * several parts). */
uint64_t rdc_hash64(uint64_t h, const char *s, size_t n);

/* Counts key once more; returns its count now (1: it is new), or 0
 * without memory (the set is unchanged). */
unsigned long rdc_seen_add(rdc_seen_t *s, uint64_t key);

/* key's count, 0 when it is not in the set. */
unsigned long rdc_seen_count(const rdc_seen_t *s, uint64_t key);

/* Empties the set and frees its memory; the struct stays usable. */
void rdc_seen_clear(rdc_seen_t *s);

#endif
