/* spf_set.c - the address sets of the SPF walk: disjoint CIDR blocks, or a
 * whole family less such blocks (the undecided addresses of a lane), and
 * the one operation the walk needs, from -= m (the part of a set that a
 * match takes), with the union of two lanes' sets. The IPv4-mapped block
 * ::ffff:0:0/96 holds no sender (RFC 7208 §5). Work is counted, so that
 * a hostile record cannot make a walk endless. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spf_walk.h"

#define WORK_MAX 4000000UL /* block operations in one walk (hostile records) */

static int addr_cmp(const rdc_addr_t *x, const rdc_addr_t *y)
{
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    return memcmp(x->b, y->b, sizeof x->b);
}

static unsigned fam_bits(uint8_t fam)
{
    return fam == 4 ? 32u : 128u;
}

static bool bit_at(const rdc_addr_t *a, unsigned bit)
{
    return (a->b[bit / 8] & (0x80u >> (bit % 8))) != 0;
}

/* The last address of block c. */
static rdc_addr_t cidr_last(const rdc_cidr_t *c)
{
    rdc_addr_t a = c->base;
    for (unsigned bit = c->prefix; bit < fam_bits(a.family); bit++)
        a.b[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
    return a;
}

/* Does block outer hold block inner? */
bool spf_cidr_in(const rdc_cidr_t *outer, const rdc_cidr_t *inner)
{
    if (outer->base.family != inner->base.family || outer->prefix > inner->prefix)
        return false;
    for (unsigned bit = 0; bit < outer->prefix; bit++)
        if (bit_at(&outer->base, bit) != bit_at(&inner->base, bit))
            return false;
    return true;
}

/* Is every address of x below every address of y? */
static bool cidr_before(const rdc_cidr_t *x, const rdc_cidr_t *y)
{
    rdc_addr_t last = cidr_last(x);
    return addr_cmp(&last, &y->base) < 0;
}

/* ::ffff:0:0/96, the IPv4-mapped IPv6 addresses: IPv4 senders (§5). */
rdc_cidr_t spf_mapped_block(void)
{
    rdc_cidr_t c;
    memset(&c, 0, sizeof c);
    c.base.family = 6;
    c.base.b[10] = c.base.b[11] = 0xff;
    c.prefix = 96;
    return c;
}

/* Addresses in block c, at most UINT64_MAX. */
uint64_t spf_block_size(const rdc_cidr_t *c)
{
    unsigned host = fam_bits(c->base.family) - c->prefix;
    return host >= 64 ? UINT64_MAX : (uint64_t)1 << host;
}

bool spf_pset_push(walk_t *w, pset_t *p, const rdc_cidr_t *c, char *via, uint64_t seq)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;
        piece_t *v = realloc(p->v, cap * sizeof *v);
        if (v == NULL) {
            free(via);
            w->s->oom = true;
            w->abort = true;
            return false;
        }
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n].c = *c;
    p->v[p->n].via = via;
    p->v[p->n].seq = seq;
    p->n++;
    return true;
}

void spf_pset_clear_vias(pset_t *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].via);
        p->v[i].via = NULL;
    }
}

void spf_pset_free(pset_t *p)
{
    spf_pset_clear_vias(p);
    free(p->v);
    memset(p, 0, sizeof *p);
}

static void pset_positive(walk_t *w, pset_t *p);

/* Moves every piece of src to dst (which then needs sorting). */
void spf_pset_move_all(walk_t *w, pset_t *dst, pset_t *src)
{
    pset_positive(w, src);
    for (size_t i = 0; i < src->n; i++) {
        spf_pset_push(w, dst, &src->v[i].c, src->v[i].via,
                      src->v[i].seq); /* frees via on failure */
        src->v[i].via = NULL;
    }
    spf_pset_free(src);
}

static int piece_cmp(const void *x, const void *y)
{
    const piece_t *a = x, *b = y;
    int c = addr_cmp(&a->c.base, &b->c.base);
    if (c != 0)
        return c;
    if (a->c.prefix != b->c.prefix)
        return a->c.prefix < b->c.prefix ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void spf_pset_sort(pset_t *p)
{
    if (p->n > 1)
        qsort(p->v, p->n, sizeof *p->v, piece_cmp);
}

static int seq_cmp(const void *x, const void *y)
{
    const piece_t *a = x, *b = y;
    if (a->seq != b->seq)
        return a->seq < b->seq ? -1 : 1;
    return piece_cmp(x, y);
}

/* Sorts p by sequence number: the order in which its blocks were decided. */
void spf_pset_sort_seq(pset_t *p)
{
    if (p->n > 1)
        qsort(p->v, p->n, sizeof *p->v, seq_cmp);
}

/* Sorts p and drops blocks held by an earlier one (the first match wins). */
void spf_pset_normalise(pset_t *p)
{
    spf_pset_sort(p);
    size_t k = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (k > 0 && spf_cidr_in(&p->v[k - 1].c, &p->v[i].c)) {
            free(p->v[i].via);
            continue;
        }
        p->v[k++] = p->v[i];
    }
    p->n = k;
}

/* from -= m; taken gets from's part of m, each block with the via of the
 * block of m it is in (final walk) and the sequence number tseq + that
 * block's. from (not neg) and m are sorted and disjoint; from stays so. */
static void pos_take(walk_t *w, pset_t *from, const pset_t *m, pset_t *taken, uint64_t tseq)
{
    pset_t keep = {0}, st = {0}; /* st: pending pieces, smallest on top */
    size_t i = 0, j = 0;
    for (;;) {
        if (w->abort)
            break;
        piece_t p;
        if (st.n > 0)
            p = st.v[--st.n];
        else if (i < from->n)
            p = from->v[i++];
        else
            break;
        w->work++;
        while (j < m->n && cidr_before(&m->v[j].c, &p.c))
            j++;
        if (j == m->n || cidr_before(&p.c, &m->v[j].c)) {
            spf_pset_push(w, &keep, &p.c, p.via, p.seq);
            continue;
        }
        const piece_t *mp = &m->v[j];
        if (spf_cidr_in(&mp->c, &p.c)) {
            free(p.via);
            spf_pset_push(w, taken, &p.c, w->final ? rdc_strdup(mp->via) : NULL, tseq + mp->seq);
            continue;
        }
        /* mp lies strictly inside p: p's other parts are its siblings on the
         * way down to mp, lower ones kept at once, higher ones pending */
        free(p.via);
        for (unsigned l = p.c.prefix; l < mp->c.prefix; l++) {
            rdc_cidr_t sib;
            sib.base = mp->c.base;
            sib.base.b[l / 8] ^= (uint8_t)(0x80u >> (l % 8));
            spf_clear_host_bits(&sib.base, l + 1);
            sib.prefix = l + 1;
            if (bit_at(&mp->c.base, l))
                spf_pset_push(w, &keep, &sib, NULL, 0);
        }
        for (unsigned l = p.c.prefix; l < mp->c.prefix; l++) {
            rdc_cidr_t sib;
            sib.base = mp->c.base;
            sib.base.b[l / 8] ^= (uint8_t)(0x80u >> (l % 8));
            spf_clear_host_bits(&sib.base, l + 1);
            sib.prefix = l + 1;
            if (!bit_at(&mp->c.base, l))
                spf_pset_push(w, &st, &sib, NULL, 0);
        }
        spf_pset_push(w, taken, &mp->c, w->final ? rdc_strdup(mp->via) : NULL, tseq + mp->seq);
    }
    /* what is left after an abort stays in from */
    while (st.n > 0) {
        st.n--;
        spf_pset_push(w, &keep, &st.v[st.n].c, NULL, 0);
    }
    for (; i < from->n; i++)
        spf_pset_push(w, &keep, &from->v[i].c, from->v[i].via, from->v[i].seq);
    free(st.v);
    free(from->v);
    *from = keep;
    if (w->abort)
        spf_pset_sort(from);
    if (w->work > WORK_MAX)
        w->abort = true;
}

/* The whole address space of family fam, as a block. */
static rdc_cidr_t all_block(uint8_t fam)
{
    rdc_cidr_t c;
    memset(&c, 0, sizeof c);
    c.base.family = fam;
    return c;
}

/* Joins sibling blocks into their parent (sorted, disjoint blocks without
 * vias), so that a neg set that has lost every address says so. */
static void pset_coalesce(pset_t *p)
{
    size_t k = 0;
    for (size_t i = 0; i < p->n; i++) {
        p->v[k++] = p->v[i];
        while (k >= 2) {
            rdc_cidr_t *a = &p->v[k - 2].c, *b = &p->v[k - 1].c;
            if (a->prefix != b->prefix || a->prefix == 0 || a->base.family != b->base.family)
                break;
            unsigned l = a->prefix - 1;
            rdc_cidr_t parent = *a;
            parent.prefix = l;
            spf_clear_host_bits(&parent.base, l);
            if (bit_at(&a->base, l) || !bit_at(&b->base, l) || !spf_cidr_in(&parent, b))
                break;
            *a = parent;
            k--;
        }
    }
    p->n = k;
}

bool spf_pset_empty(const pset_t *p)
{
    return p->neg ? p->n == 1 && p->v[0].c.prefix == 0 : p->n == 0;
}

/* Turns a neg set into the blocks it holds. */
static void pset_positive(walk_t *w, pset_t *p)
{
    if (!p->neg)
        return;
    pset_t one = {0}, gone = {0};
    rdc_cidr_t c = all_block(p->fam);
    spf_pset_push(w, &one, &c, NULL, 0);
    p->neg = false;
    if (p->n > 0)
        pos_take(w, &one, p, &gone, 0);
    spf_pset_free(&gone);
    spf_pset_free(p);
    *p = one;
}

/* from (neg: the family less D) -= m, as pos_take. The blocks of m inside a
 * block of D take nothing; the others take themselves less the blocks of D
 * inside them, and replace those in D. */
static void neg_take(walk_t *w, pset_t *from, const pset_t *m, pset_t *taken, uint64_t tseq)
{
    pset_t nd = {0};
    size_t i = 0;
    for (size_t j = 0; j < m->n && !w->abort; j++) {
        const piece_t *mp = &m->v[j];
        if (mp->c.base.family != from->fam)
            continue;
        w->work++;
        while (i < from->n && cidr_before(&from->v[i].c, &mp->c))
            spf_pset_push(w, &nd, &from->v[i++].c, NULL, 0);
        if (i < from->n && spf_cidr_in(&from->v[i].c, &mp->c))
            continue; /* decided already */
        size_t k = i;
        while (k < from->n && spf_cidr_in(&mp->c, &from->v[k].c))
            k++;
        pset_t one = {0}, gone = {0};
        spf_pset_push(w, &one, &mp->c, NULL, 0);
        if (k > i) {
            pset_t sub = {from->v + i, k - i, 0, false, from->fam};
            pos_take(w, &one, &sub, &gone, 0);
        }
        for (size_t x = 0; x < one.n; x++)
            spf_pset_push(w, taken, &one.v[x].c, w->final ? rdc_strdup(mp->via) : NULL,
                          tseq + mp->seq);
        spf_pset_free(&one);
        spf_pset_free(&gone);
        spf_pset_push(w, &nd, &mp->c, NULL, 0);
        i = k;
    }
    for (; i < from->n; i++)
        spf_pset_push(w, &nd, &from->v[i].c, NULL, 0);
    free(from->v);
    from->v = nd.v;
    from->n = nd.n;
    from->cap = nd.cap;
    if (w->abort)
        spf_pset_sort(from);
    pset_coalesce(from);
    if (w->work > WORK_MAX)
        w->abort = true;
}

void spf_pset_take(walk_t *w, pset_t *from, const pset_t *m, pset_t *taken, uint64_t tseq)
{
    if (from->neg)
        neg_take(w, from, m, taken, tseq);
    else
        pos_take(w, from, m, taken, tseq);
}

/* A set with at least one address that can be a sender: IPv6 blocks inside
 * ::ffff:0:0/96 cannot (such a sender is an IPv4 sender). */
bool spf_pset_live(const pset_t *p)
{
    if (p->neg)
        return !spf_pset_empty(p);
    rdc_cidr_t m = spf_mapped_block();
    for (size_t i = 0; i < p->n; i++)
        if (!spf_cidr_in(&m, &p->v[i].c))
            return true;
    return false;
}

/* Drops the blocks of a match set that lie inside ::ffff:0:0/96: they match
 * no sender (§5: such a sender is an IPv4 sender). The IPv6 lanes keep those
 * addresses, never a sender, so that a block around them stays whole. */
void spf_pset_drop_mapped(pset_t *p)
{
    rdc_cidr_t mb = spf_mapped_block();
    size_t k = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (spf_cidr_in(&mb, &p->v[i].c)) {
            free(p->v[i].via);
            continue;
        }
        p->v[k++] = p->v[i];
    }
    p->n = k;
}

/* y |= x, x is freed. The two sets are disjoint (lanes partition the
 * addresses), so a neg set's blocks hold the other set's. */
void spf_pset_merge(walk_t *w, pset_t *y, pset_t *x)
{
    if (!y->neg && !x->neg) {
        spf_pset_move_all(w, y, x);
        spf_pset_sort(y);
        return;
    }
    if (!y->neg) {
        pset_t t = *y;
        *y = *x;
        *x = t;
    }
    pset_t gone = {0};
    uint8_t fam = y->fam;
    y->neg = false; /* on the blocks themselves */
    if (!x->neg) {
        spf_pset_clear_vias(x);
        spf_pset_sort(x);
        pos_take(w, y, x, &gone, 0); /* (U - D) | X = U - (D - X) */
    } else {
        pset_t inter = {0};
        pos_take(w, y, x, &inter, 0); /* (U - D1) | (U - D2) = U - (D1 & D2) */
        spf_pset_clear_vias(&inter);
        spf_pset_free(y);
        *y = inter;
    }
    pset_coalesce(y);
    y->neg = true;
    y->fam = fam;
    spf_pset_free(&gone);
    spf_pset_free(x);
}
