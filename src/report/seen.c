/* seen.c - the reporters' set of hashed names with counts (seen.h): open
 * addressing, linear probing, kept at most half full. */
#include "seen.h"

#include <stdlib.h>

struct rdc_seen_slot {
    uint64_t key; /* 0 marks a free slot; a key 0 is stored as 1 */
    unsigned long count;
};

uint64_t rdc_hash64(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

static rdc_seen_slot_t *find(const rdc_seen_t *s, uint64_t key)
{
    size_t j = (size_t)(key & (s->cap - 1));
    while (s->slots[j].key && s->slots[j].key != key)
        j = (j + 1) & (s->cap - 1);
    return &s->slots[j];
}

static int grow(rdc_seen_t *s)
{
    size_t cap = s->cap ? 2 * s->cap : 1024;
    rdc_seen_t t = {calloc(cap, sizeof(rdc_seen_slot_t)), s->n, cap};
    if (t.slots == NULL)
        return 0;
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i].key)
            *find(&t, s->slots[i].key) = s->slots[i];
    free(s->slots);
    *s = t;
    return 1;
}

unsigned long rdc_seen_add(rdc_seen_t *s, uint64_t key)
{
    key = key ? key : 1;
    if (2 * (s->n + 1) > s->cap && !grow(s))
        return 0;
    rdc_seen_slot_t *slot = find(s, key);
    if (slot->key == 0) {
        slot->key = key;
        s->n++;
    }
    return ++slot->count;
}

unsigned long rdc_seen_count(const rdc_seen_t *s, uint64_t key)
{
    key = key ? key : 1;
    return s->cap ? find(s, key)->count : 0;
}

void rdc_seen_clear(rdc_seen_t *s)
{
    free(s->slots);
    s->slots = NULL;
    s->n = s->cap = 0;
}
