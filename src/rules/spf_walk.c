/* spf_walk.c - the SPF evaluation walk: check_host() (RFC 7208 §4) of the
 * top domain for every sender address at once. The addresses still
 * undecided are carried as sets of CIDR blocks ("lanes": one per address
 * family and evaluation state) through the terms in record order (§4.6.2:
 * the first match decides): a mechanism moves the part of a lane it matches
 * into "pass" (qualifier '+') or into the record's other results ('-', '~',
 * '?'); include: evaluates its target on the set it is given and matches
 * where that gives pass (§5.2); redirect= takes what no mechanism matched
 * (§6.1). DNS-querying terms and void lookups are counted per lane, so per
 * address family as a receiver would count them for one sender (§4.6.4, §5.3:
 * an IPv4 sender asks only A, an IPv6 sender only AAAA). IPv4-mapped IPv6
 * addresses are IPv4 senders (§5, §5.6): ip6: ranges and AAAA answers never
 * match them. Macros of d and o only are expanded (§7.3); exists: and
 * domain-specs with any other macro, and ptr, depend on the sender and are
 * not evaluated: whatever they could change is reported as undecided, never
 * as authorised. spf.c says when to walk. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spf_int.h"
#include "util.h"

#define WORK_MAX 4000000UL /* block operations in one walk (hostile records) */
#define UNDECIDED_SHOWN 64 /* undecided blocks listed in the message */

/* One CIDR block of a set; via (owned) only for blocks that pass. */
typedef struct piece {
    rdc_cidr_t c;
    char *via;
    uint64_t seq; /* order: of the match that decided it, then in its answer */
} piece_t;

/* A set of addresses: disjoint blocks sorted by family, then address; or,
 * with neg, every address of family fam except those blocks (a lane's
 * undecided addresses, so that taking out many small ranges costs one block
 * each instead of a split of the whole address space). */
typedef struct pset {
    piece_t *v;
    size_t n, cap;
    bool neg;
    uint8_t fam;
} pset_t;

/* Addresses that share one evaluation state: their family, the DNS-querying
 * terms and void lookups counted on their way (vmax > vmin where a term that
 * depends on the sender may have found nothing), and maybe: bit L set when,
 * at include depth L, an earlier term that depends on the sender may already
 * have matched with the effect "pass". */
typedef struct lane {
    pset_t set;
    uint8_t fam;
    unsigned lookups, vmin, vmax;
    uint32_t maybe;
} lane_t;

typedef struct lanes {
    lane_t *v;
    size_t n, cap;
} lanes_t;

/* The state of one walk. */
typedef struct walk {
    rdc_spf_t *s;
    bool final; /* record ranges, problems and the tree */
    bool abort; /* too much work or no memory: nothing more is evaluated */
    unsigned lookups, voids; /* the most any lane counted */
    uint64_t seq; /* matches applied so far */
    unsigned long work;
    pset_t undecided; /* addresses whose outcome depends on the sender */
    /* the first error (it decides the result and the fatal problem) */
    bool err;
    rdc_code_t err_code;
    unsigned err_fams, err_term; /* families failing at err_term */
    unsigned fail_fams; /* families with any error */
    unsigned term; /* the terms evaluated so far */
    rdc_buf_t tree;
    rdc_buf_t via; /* "spf include:a.example redirect=b.example" */
    rdc_buf_t where; /* scratch for where() */
} walk_t;

/* ---------------------------------------------------------------- address sets */

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
static bool cidr_in(const rdc_cidr_t *outer, const rdc_cidr_t *inner)
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
static rdc_cidr_t mapped_block(void)
{
    rdc_cidr_t c;
    memset(&c, 0, sizeof c);
    c.base.family = 6;
    c.base.b[10] = c.base.b[11] = 0xff;
    c.prefix = 96;
    return c;
}

static bool pset_push(walk_t *w, pset_t *p, const rdc_cidr_t *c, char *via, uint64_t seq)
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

static void pset_clear_vias(pset_t *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].via);
        p->v[i].via = NULL;
    }
}

static void pset_free(pset_t *p)
{
    pset_clear_vias(p);
    free(p->v);
    memset(p, 0, sizeof *p);
}

static void pset_positive(walk_t *w, pset_t *p);

/* Moves every piece of src to dst (which then needs sorting). */
static void pset_move_all(walk_t *w, pset_t *dst, pset_t *src)
{
    pset_positive(w, src);
    for (size_t i = 0; i < src->n; i++) {
        pset_push(w, dst, &src->v[i].c, src->v[i].via, src->v[i].seq); /* frees via on failure */
        src->v[i].via = NULL;
    }
    pset_free(src);
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

static void pset_sort(pset_t *p)
{
    if (p->n > 1)
        qsort(p->v, p->n, sizeof *p->v, piece_cmp);
}

/* Sorts p and drops blocks held by an earlier one (the first match wins). */
static void pset_normalise(pset_t *p)
{
    pset_sort(p);
    size_t k = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (k > 0 && cidr_in(&p->v[k - 1].c, &p->v[i].c)) {
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
            pset_push(w, &keep, &p.c, p.via, p.seq);
            continue;
        }
        const piece_t *mp = &m->v[j];
        if (cidr_in(&mp->c, &p.c)) {
            free(p.via);
            pset_push(w, taken, &p.c, w->final ? rdc_strdup(mp->via) : NULL, tseq + mp->seq);
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
                pset_push(w, &keep, &sib, NULL, 0);
        }
        for (unsigned l = p.c.prefix; l < mp->c.prefix; l++) {
            rdc_cidr_t sib;
            sib.base = mp->c.base;
            sib.base.b[l / 8] ^= (uint8_t)(0x80u >> (l % 8));
            spf_clear_host_bits(&sib.base, l + 1);
            sib.prefix = l + 1;
            if (!bit_at(&mp->c.base, l))
                pset_push(w, &st, &sib, NULL, 0);
        }
        pset_push(w, taken, &mp->c, w->final ? rdc_strdup(mp->via) : NULL, tseq + mp->seq);
    }
    /* what is left after an abort stays in from */
    while (st.n > 0) {
        st.n--;
        pset_push(w, &keep, &st.v[st.n].c, NULL, 0);
    }
    for (; i < from->n; i++)
        pset_push(w, &keep, &from->v[i].c, from->v[i].via, from->v[i].seq);
    free(st.v);
    free(from->v);
    *from = keep;
    if (w->abort)
        pset_sort(from);
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
            if (bit_at(&a->base, l) || !bit_at(&b->base, l) || !cidr_in(&parent, b))
                break;
            *a = parent;
            k--;
        }
    }
    p->n = k;
}

static bool pset_empty(const pset_t *p)
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
    pset_push(w, &one, &c, NULL, 0);
    p->neg = false;
    if (p->n > 0)
        pos_take(w, &one, p, &gone, 0);
    pset_free(&gone);
    pset_free(p);
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
            pset_push(w, &nd, &from->v[i++].c, NULL, 0);
        if (i < from->n && cidr_in(&from->v[i].c, &mp->c))
            continue; /* decided already */
        size_t k = i;
        while (k < from->n && cidr_in(&mp->c, &from->v[k].c))
            k++;
        pset_t one = {0}, gone = {0};
        pset_push(w, &one, &mp->c, NULL, 0);
        if (k > i) {
            pset_t sub = {from->v + i, k - i, 0, false, from->fam};
            pos_take(w, &one, &sub, &gone, 0);
        }
        for (size_t x = 0; x < one.n; x++)
            pset_push(w, taken, &one.v[x].c, w->final ? rdc_strdup(mp->via) : NULL, tseq + mp->seq);
        pset_free(&one);
        pset_free(&gone);
        pset_push(w, &nd, &mp->c, NULL, 0);
        i = k;
    }
    for (; i < from->n; i++)
        pset_push(w, &nd, &from->v[i].c, NULL, 0);
    free(from->v);
    from->v = nd.v;
    from->n = nd.n;
    from->cap = nd.cap;
    if (w->abort)
        pset_sort(from);
    pset_coalesce(from);
    if (w->work > WORK_MAX)
        w->abort = true;
}

static void pset_take(walk_t *w, pset_t *from, const pset_t *m, pset_t *taken, uint64_t tseq)
{
    if (from->neg)
        neg_take(w, from, m, taken, tseq);
    else
        pos_take(w, from, m, taken, tseq);
}

/* A set with at least one address that can be a sender: IPv6 blocks inside
 * ::ffff:0:0/96 cannot (such a sender is an IPv4 sender). */
static bool pset_live(const pset_t *p)
{
    if (p->neg)
        return !pset_empty(p);
    rdc_cidr_t m = mapped_block();
    for (size_t i = 0; i < p->n; i++)
        if (!cidr_in(&m, &p->v[i].c))
            return true;
    return false;
}

/* Drops the blocks of a match set that lie inside ::ffff:0:0/96: they match
 * no sender (§5: such a sender is an IPv4 sender). The IPv6 lanes keep those
 * addresses, never a sender, so that a block around them stays whole. */
static void pset_drop_mapped(pset_t *p)
{
    rdc_cidr_t mb = mapped_block();
    size_t k = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (cidr_in(&mb, &p->v[i].c)) {
            free(p->v[i].via);
            continue;
        }
        p->v[k++] = p->v[i];
    }
    p->n = k;
}

/* ---------------------------------------------------------------- lanes */

static void lanes_free(lanes_t *ls)
{
    for (size_t i = 0; i < ls->n; i++)
        pset_free(&ls->v[i].set);
    free(ls->v);
    memset(ls, 0, sizeof *ls);
}

/* y |= x, x is freed. The two sets are disjoint (lanes partition the
 * addresses), so a neg set's blocks hold the other set's. */
static void lanes_merge(walk_t *w, pset_t *y, pset_t *x)
{
    if (!y->neg && !x->neg) {
        pset_move_all(w, y, x);
        pset_sort(y);
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
        pset_clear_vias(x);
        pset_sort(x);
        pos_take(w, y, x, &gone, 0); /* (U - D) | X = U - (D - X) */
    } else {
        pset_t inter = {0};
        pos_take(w, y, x, &inter, 0); /* (U - D1) | (U - D2) = U - (D1 & D2) */
        pset_clear_vias(&inter);
        pset_free(y);
        *y = inter;
    }
    pset_coalesce(y);
    y->neg = true;
    y->fam = fam;
    pset_free(&gone);
    pset_free(x);
}

/* Adds lane x (its set moved) to ls, merged into a lane of the same state. */
static void lanes_add(walk_t *w, lanes_t *ls, lane_t *x)
{
    if (pset_empty(&x->set)) {
        pset_free(&x->set);
        return;
    }
    for (size_t i = 0; i < ls->n; i++) {
        lane_t *y = &ls->v[i];
        if (y->fam == x->fam && y->lookups == x->lookups && y->vmin == x->vmin &&
            y->vmax == x->vmax && y->maybe == x->maybe) {
            lanes_merge(w, &y->set, &x->set);
            return;
        }
    }
    if (ls->n == ls->cap) {
        size_t cap = ls->cap ? ls->cap * 2 : 4;
        lane_t *v = realloc(ls->v, cap * sizeof *v);
        if (v == NULL) {
            pset_free(&x->set);
            w->s->oom = true;
            w->abort = true;
            return;
        }
        ls->v = v;
        ls->cap = cap;
    }
    ls->v[ls->n++] = *x;
    memset(&x->set, 0, sizeof x->set);
}

static void lanes_move_all(walk_t *w, lanes_t *dst, lanes_t *src)
{
    for (size_t i = 0; i < src->n; i++)
        lanes_add(w, dst, &src->v[i]);
    free(src->v);
    memset(src, 0, sizeof *src);
}

/* The families of ls's lanes that hold a possible sender: bit 1 IPv4, 2 IPv6. */
static unsigned lanes_fams(const lanes_t *ls)
{
    unsigned f = 0;
    for (size_t i = 0; i < ls->n; i++)
        if (pset_live(&ls->v[i].set))
            f |= ls->v[i].fam == 4 ? 1u : 2u;
    return f;
}

/* ---------------------------------------------------------------- text */

static bool is_temporary(rdc_dns_status_t st)
{
    return st != RDC_DNS_OK && st != RDC_DNS_NODATA && st != RDC_DNS_NXDOMAIN;
}

static const char *status_text(rdc_dns_status_t st)
{
    switch (st) {
    case RDC_DNS_OK:
        return "answered";
    case RDC_DNS_NODATA:
        return "found no record (NODATA)";
    case RDC_DNS_NXDOMAIN:
        return "found no such domain (NXDOMAIN)";
    case RDC_DNS_S_TIMEOUT:
        return "timed out";
    case RDC_DNS_S_SERVFAIL:
        return "failed with SERVFAIL";
    case RDC_DNS_S_REFUSED:
        return "was refused";
    case RDC_DNS_S_UNREACHABLE:
        return "reached no DNS server";
    case RDC_DNS_S_ERROR:
        return "got an unusable answer";
    }
    return "failed";
}

static const char *type_name(uint16_t t)
{
    switch (t) {
    case RDC_SPF_TYPE_A:
        return "A";
    case RDC_SPF_TYPE_AAAA:
        return "AAAA";
    case RDC_SPF_TYPE_MX:
        return "MX";
    default:
        return "TXT";
    }
}

/* "16 addresses", "1 address", "2^64 addresses". */
static void size_text(const rdc_cidr_t *c, char *buf, size_t cap)
{
    unsigned host = (c->base.family == 4 ? 32u : 128u) - c->prefix;
    if (host >= 64)
        snprintf(buf, cap, "2^%u addresses", host);
    else if (host == 0)
        snprintf(buf, cap, "1 address");
    else
        snprintf(buf, cap, "%llu addresses", (unsigned long long)((uint64_t)1 << host));
}

/* "192.0.2.1" for a full-length block, "192.0.2.0/24" otherwise. */
static void cidr_text(const rdc_cidr_t *c, char *buf, size_t cap)
{
    char a[RDC_ADDR_TEXT_MAX];
    rdc_addr_format(&c->base, a);
    if (c->prefix == (c->base.family == 4 ? 32u : 128u))
        snprintf(buf, cap, "%s", a);
    else
        snprintf(buf, cap, "%s/%u", a, c->prefix);
}

/* ---------------------------------------------------------------- problems */

static void tree_line(walk_t *w, unsigned depth, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void tree_line(walk_t *w, unsigned depth, const char *fmt, ...)
{
    if (!w->final)
        return;
    for (unsigned i = 0; i < depth; i++)
        rdc_buf_append(&w->tree, "  ", 2);
    va_list ap;
    va_start(ap, fmt);
    rdc_buf_vprintf(&w->tree, fmt, ap);
    va_end(ap);
    rdc_buf_append(&w->tree, "\n", 1);
}

static void push_problem(walk_t *w, rdc_code_t code, bool fatal, char *msg)
{
    rdc_spf_t *s = w->s;
    if (msg == NULL) {
        s->oom = true;
        return;
    }
    if (s->nprob == s->capp) {
        size_t cap = s->capp ? s->capp * 2 : 8;
        rdc_spf_problem_t *p = realloc(s->problems, cap * sizeof *p);
        if (p == NULL) {
            free(msg);
            s->oom = true;
            return;
        }
        s->problems = p;
        s->capp = cap;
    }
    rdc_spf_problem_t *p = &s->problems[s->nprob++];
    memset(p, 0, sizeof *p);
    p->code = code;
    p->message = msg;
    p->fatal = fatal;
}

/* A finding that does not stop the evaluation (final walk only). */
static void note(walk_t *w, rdc_code_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void note(walk_t *w, rdc_code_t code, const char *fmt, ...)
{
    if (!w->final)
        return;
    rdc_buf_t b = {0};
    va_list ap;
    va_start(ap, fmt);
    rdc_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    push_problem(w, code, false, rdc_buf_take(&b));
}

/* A message for lane_fail (final walk only; NULL otherwise). */
static char *msgf(walk_t *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *msgf(walk_t *w, const char *fmt, ...)
{
    if (!w->final)
        return NULL;
    rdc_buf_t b = {0};
    va_list ap;
    va_start(ap, fmt);
    rdc_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *m = rdc_buf_take(&b);
    if (m == NULL)
        w->s->oom = true;
    return m;
}

/* Where the walk is, for messages: "example.com include:_spf.example.net"
 * (final walk only; the via chain without its "spf"). */
static const char *where(walk_t *w)
{
    rdc_buf_free(&w->where);
    rdc_buf_puts(&w->where, w->s->domain);
    if (w->via.s != NULL && w->via.len > 3)
        rdc_buf_puts(&w->where, w->via.s + 3);
    return w->where.s ? w->where.s : w->s->domain;
}

static void note_lookups(walk_t *w, const lane_t *ln)
{
    if (ln->lookups > w->lookups)
        w->lookups = ln->lookups;
    if (ln->vmin > w->voids)
        w->voids = ln->vmin;
}

/* The outcome of ln's addresses depends on the sender: undecided. */
static void lane_undecided(walk_t *w, lane_t *ln)
{
    note_lookups(w, ln);
    pset_clear_vias(&ln->set);
    pset_move_all(w, &w->undecided, &ln->set);
}

/* ln's evaluation ends with the error code (permerror, temperror or none):
 * its addresses are not authorised (undecided where an earlier term that
 * depends on the sender may have matched). The first error in evaluation
 * order makes the result and the fatal problem (msg, owned). */
static void lane_fail(walk_t *w, lane_t *ln, rdc_code_t code, const char *msg)
{
    if (pset_live(&ln->set)) {
        unsigned f = ln->fam == 4 ? 1u : 2u;
        note_lookups(w, ln);
        w->fail_fams |= f;
        if (!w->err) {
            w->err = true;
            w->err_code = code;
            w->err_term = w->term;
            w->err_fams = f;
            if (w->final)
                push_problem(w, code, true, rdc_strdup(msg ? msg : ""));
        } else if (w->err_term == w->term && w->err_code == code) {
            w->err_fams |= f;
        }
        if (ln->maybe != 0) {
            lane_undecided(w, ln);
            return;
        }
    }
    pset_free(&ln->set);
}

/* Every lane of cur fails with code; cur is left empty. */
static void fail_all(walk_t *w, lanes_t *cur, rdc_code_t code, char *msg)
{
    for (size_t i = 0; i < cur->n; i++)
        lane_fail(w, &cur->v[i], code, msg);
    lanes_free(cur);
    free(msg);
}

/* Drops the lanes left empty. */
static void lanes_compact(lanes_t *ls)
{
    size_t k = 0;
    for (size_t i = 0; i < ls->n; i++) {
        if (pset_empty(&ls->v[i].set)) {
            pset_free(&ls->v[i].set);
            continue;
        }
        ls->v[k++] = ls->v[i];
    }
    ls->n = k;
}

static void too_much_work(walk_t *w, lanes_t *cur)
{
    fail_all(
        w, cur, RDC_SPF_TOO_MUCH_WORK,
        msgf(w, "too many DNS questions (over %d): not evaluated further", RDC_SPF_MAX_QUERIES));
}

/* " (not authorised: ...)" for a term that authorises nothing. */
static const char *unauth_text(const spf_term_t *t, char pathq, char *buf, size_t cap)
{
    if (t->qual != '+')
        snprintf(buf, cap, ", not authorised (qualifier '%c')", t->qual);
    else if (pathq != '+')
        snprintf(buf, cap, ", not authorised (inside a '%c' include)", pathq);
    else
        buf[0] = '\0';
    return buf;
}

/* Counts a DNS-querying term in every lane (§4.6.4); a lane over the limit
 * ends with permerror. False when no lane is left. */
static bool count_lookup(walk_t *w, const spf_term_t *t, unsigned depth, lanes_t *cur)
{
    bool over = false;
    for (size_t i = 0; i < cur->n; i++) {
        lane_t *ln = &cur->v[i];
        ln->lookups++;
        note_lookups(w, ln);
        if (ln->lookups <= RDC_SPF_MAX_LOOKUPS)
            continue;
        if (!over)
            tree_line(w, depth, "%s -> not evaluated: DNS lookup limit exceeded", t->text);
        over = true;
        char *m = msgf(w,
                       "too many DNS lookups: '%s' at %s is DNS-querying term number %u; RFC "
                       "7208 section 4.6.4 allows %d (include, a, mx, ptr, exists, redirect) "
                       "in one evaluation",
                       t->text, where(w), ln->lookups, RDC_SPF_MAX_LOOKUPS);
        lane_fail(w, ln, RDC_SPF_TOO_MANY_LOOKUPS, m);
        free(m);
    }
    lanes_compact(cur);
    return cur->n > 0;
}

/* Counts a void lookup in lane ln (§4.6.4). False when ln ends here. */
static bool count_void(walk_t *w, lane_t *ln, const char *what)
{
    ln->vmin++;
    ln->vmax++;
    note_lookups(w, ln);
    if (ln->vmin > RDC_SPF_MAX_VOID) {
        char *m = msgf(w,
                       "too many void lookups: %s at %s found nothing, void lookup number %u "
                       "for IPv%u senders; RFC 7208 section 4.6.4 allows %d",
                       what, where(w), ln->vmin, ln->fam, RDC_SPF_MAX_VOID);
        lane_fail(w, ln, RDC_SPF_VOID_LOOKUPS, m);
        free(m);
        return false;
    }
    if (ln->vmax > RDC_SPF_MAX_VOID) {
        /* over the limit only for senders whose earlier lookups found nothing */
        lane_undecided(w, ln);
        return false;
    }
    return true;
}

/* Addresses in block c, at most UINT64_MAX. */
static uint64_t block_size(const rdc_cidr_t *c)
{
    unsigned host = fam_bits(c->base.family) - c->prefix;
    return host >= 64 ? UINT64_MAX : (uint64_t)1 << host;
}

/* The part of each lane in m (sorted, disjoint) matches term t at include
 * depth level: with '+' it passes, otherwise the record's result for it is
 * fail, softfail or neutral. True when some address was decided; *decided
 * (when not NULL) gets how many, at most UINT64_MAX. */
static bool apply(walk_t *w, unsigned level, char qual, lanes_t *cur, const pset_t *m,
                  lanes_t *pass, lanes_t *rest, uint64_t *decided)
{
    bool any = false;
    uint64_t count = 0;
    uint64_t tseq = ++w->seq << 24; /* a match's blocks are fewer than 2^24 */
    for (size_t i = 0; i < cur->n && !w->abort; i++) {
        lane_t x = cur->v[i];
        memset(&x.set, 0, sizeof x.set);
        pset_take(w, &cur->v[i].set, m, &x.set, tseq);
        if (x.set.n == 0) {
            pset_free(&x.set);
            continue;
        }
        any = any || pset_live(&x.set);
        for (size_t k = 0; k < x.set.n; k++) {
            uint64_t sz = block_size(&x.set.v[k].c);
            count = sz > UINT64_MAX - count ? UINT64_MAX : count + sz;
        }
        if (qual == '+') {
            x.maybe &= ~(1u << level);
            lanes_add(w, pass, &x);
        } else {
            pset_clear_vias(&x.set);
            lanes_add(w, rest, &x);
        }
    }
    lanes_compact(cur);
    if (decided != NULL)
        *decided = count;
    return any;
}

/* A term whose match depends on the sender (exists: with a macro, ptr, a
 * macro in a domain): with '+', a sender either passes there or goes on, so
 * the lanes go on with their maybe bit set and the void lookups it may cause
 * (extra) counted as possible; with another qualifier, or where the void
 * limit may be exceeded, every address reaching it is undecided. */
static void sender_dependent(walk_t *w, unsigned level, char qual, unsigned extra, lanes_t *cur)
{
    for (size_t i = 0; i < cur->n; i++) {
        lane_t *ln = &cur->v[i];
        ln->vmax += extra;
        if (qual != '+' || ln->vmax > RDC_SPF_MAX_VOID)
            lane_undecided(w, ln);
        else
            ln->maybe |= 1u << level;
    }
    lanes_compact(cur);
}

static void unsupported(walk_t *w, const spf_term_t *t, unsigned depth, const char *why)
{
    tree_line(w, depth, "%s -> not evaluated (%s)", t->text, why);
    note(w, RDC_SPF_UNSUPPORTED_MECHANISM,
         "'%s' at %s is not evaluated (%s): the addresses whose outcome depends on it are "
         "undecided and not listed",
         t->text, where(w), why);
}

/* ---------------------------------------------------------------- lookups */

/* What a DNS lookup of the walk comes to for the lanes it is made for. */
typedef enum answer {
    ANS_PENDING, /* not answered yet: the lanes stay as they are */
    ANS_ENDED, /* the lanes ended: too many questions, or temperror */
    ANS_VOID, /* no record: counted as a void lookup in the lanes */
    ANS_RECORDS /* records (or, where voids are not counted, any final answer) */
} answer_t;

/* The stored question (name, type), made or marked as needed by this walk.
 * NULL when too many questions were asked: every lane of cur ends. */
static spf_q_t *ask(walk_t *w, const char *name, uint16_t type, lanes_t *cur)
{
    spf_q_t *q = spf_need(w->s, name, type);
    if (q == NULL)
        too_much_work(w, cur);
    return q;
}

/* Does answer q hold nothing to match (a void lookup, §4.6.4)? */
static bool void_answer(const spf_q_t *q)
{
    return q->type == RDC_SPF_TYPE_MX ? q->status != RDC_DNS_OK : q->naddrs == 0;
}

/* Ends the lanes of cur of family fam (0: all of them) with code. */
static void fail_fam(walk_t *w, lanes_t *cur, uint8_t fam, rdc_code_t code, char *msg)
{
    if (fam == 0) {
        fail_all(w, cur, code, msg);
        return;
    }
    for (size_t i = 0; i < cur->n; i++)
        if (cur->v[i].fam == fam && !pset_empty(&cur->v[i].set))
            lane_fail(w, &cur->v[i], code, msg);
    free(msg);
    lanes_compact(cur);
}

/* Answer q (asked) for the lanes of cur of family fam (0: all of them): a
 * temporary failure ends them with temperror (§4.4), with a tree line for
 * term label unless it is NULL; with voids, an answer without records is a
 * void lookup in each of them. */
static answer_t take_answer(walk_t *w, const spf_q_t *q, const char *label, unsigned depth,
                            uint8_t fam, bool voids, lanes_t *cur)
{
    if (q->state != Q_DONE)
        return ANS_PENDING;
    if (is_temporary(q->status)) {
        if (label != NULL)
            tree_line(w, depth, "%s -> %s lookup of %s %s", label, type_name(q->type), q->name,
                      status_text(q->status));
        fail_fam(w, cur, fam, RDC_SPF_TEMPERROR,
                 msgf(w, "the %s lookup of %s %s (at %s): the SPF result is temperror",
                      type_name(q->type), q->name, status_text(q->status), where(w)));
        return ANS_ENDED;
    }
    if (!voids || !void_answer(q))
        return ANS_RECORDS;
    char what[300];
    snprintf(what, sizeof what, "the %s lookup of %s", type_name(q->type), q->name);
    for (size_t i = 0; i < cur->n; i++)
        if ((fam == 0 || cur->v[i].fam == fam) && !pset_empty(&cur->v[i].set))
            count_void(w, &cur->v[i], what);
    lanes_compact(cur);
    return ANS_VOID;
}

/* The one lookup (name, type) of term label (a record's TXT, mx's MX,
 * exists:'s A) for every lane of cur: ask, then take_answer. *qp gets the
 * question when the answer is known. */
static answer_t lookup(walk_t *w, const char *name, uint16_t type, const char *label,
                       unsigned depth, bool voids, lanes_t *cur, spf_q_t **qp)
{
    spf_q_t *q = ask(w, name, type, cur);
    if (q == NULL)
        return ANS_ENDED;
    *qp = q;
    return take_answer(w, q, label, depth, 0, voids, cur);
}

/* The A or AAAA answer q of name for the lanes of family fam in cur: a
 * temporary failure ends them, an empty answer is a void lookup. Adds the
 * blocks to m and the addresses to the tree line. */
static void addr_answer(walk_t *w, const spf_q_t *q, uint8_t fam, const spf_term_t *t,
                        const char *mxhost, lanes_t *cur, pset_t *m, rdc_buf_t *line, size_t *shown,
                        size_t *total)
{
    if (take_answer(w, q, NULL, 0, fam, true, cur) == ANS_ENDED) {
        rdc_buf_printf(line, "%s%s lookup %s", *total ? "; " : "", type_name(q->type),
                       status_text(q->status));
        (*total)++;
        return;
    }
    for (size_t i = 0; i < q->naddrs; i++) {
        rdc_cidr_t c;
        c.base = q->addrs[i];
        c.prefix = fam == 4 ? t->c4 : t->c6;
        spf_clear_host_bits(&c.base, c.prefix);
        char *via = NULL;
        if (w->final) {
            char at[RDC_ADDR_TEXT_MAX], ct[RDC_ADDR_TEXT_MAX + 8];
            rdc_addr_format(&q->addrs[i], at);
            rdc_buf_t b = {0};
            rdc_buf_puts(&b, w->via.s ? w->via.s : "spf");
            if (mxhost)
                rdc_buf_printf(&b, " %s %s %s", t->text, mxhost, at);
            else
                rdc_buf_printf(&b, " %s %s", t->text, at);
            via = rdc_buf_take(&b);
            if (via == NULL)
                w->s->oom = true;
            if (*shown < TREE_ADDRS) {
                cidr_text(&c, ct, sizeof ct);
                rdc_buf_printf(line, "%s%s", *shown ? ", " : "", ct);
                (*shown)++;
            }
        }
        (*total)++;
        pset_push(w, m, &c, via, (uint64_t)m->n);
    }
}

/* The A and AAAA lookups of name (an a term, or one exchange of an mx term
 * when mxhost is set) for the families that have lanes. False when an
 * answer is not known yet (the lanes stay as they are). */
static bool addr_lookups(walk_t *w, const char *name, const spf_term_t *t, const char *mxhost,
                         lanes_t *cur, pset_t *m, rdc_buf_t *line, size_t *shown)
{
    unsigned fams = lanes_fams(cur);
    spf_q_t *q4 = NULL, *q6 = NULL;
    if (fams & 1u)
        q4 = ask(w, name, RDC_SPF_TYPE_A, cur);
    if (fams & 2u)
        q6 = ask(w, name, RDC_SPF_TYPE_AAAA, cur);
    if (((fams & 1u) && q4 == NULL) || ((fams & 2u) && q6 == NULL))
        return false;
    /* both answers before either is used */
    if ((q4 && q4->state != Q_DONE) || (q6 && q6->state != Q_DONE))
        return false;
    size_t total = 0;
    if (q4)
        addr_answer(w, q4, 4, t, mxhost, cur, m, line, shown, &total);
    if (q6)
        addr_answer(w, q6, 6, t, mxhost, cur, m, line, shown, &total);
    if (w->final) {
        if (total > *shown)
            rdc_buf_printf(line, ", ... (%zu in all)", total);
        if (total == 0)
            rdc_buf_puts(line, "no address (void lookup)");
        else if (q4 && q6 && q4->naddrs == 0 && !is_temporary(q4->status))
            rdc_buf_puts(line, "; no A record (void lookup for IPv4 senders)");
        else if (q4 && q6 && q6->naddrs == 0 && !is_temporary(q6->status))
            rdc_buf_puts(line, "; no AAAA record (void lookup for IPv6 senders)");
    }
    lanes_compact(cur);
    return true;
}

/* Applies the blocks m of term t (their order is answer order) to cur. */
static void apply_blocks(walk_t *w, const spf_term_t *t, unsigned level, lanes_t *cur, pset_t *m,
                         lanes_t *pass, lanes_t *rest)
{
    pset_normalise(m);
    pset_drop_mapped(m);
    apply(w, level, t->qual, cur, m, pass, rest, NULL);
    pset_free(m);
}

static void eval_a(walk_t *w, const char *dom, const spf_term_t *t, unsigned level, unsigned depth,
                   char pathq, lanes_t *cur, lanes_t *pass, lanes_t *rest)
{
    pset_t m = {0};
    rdc_buf_t line = {0};
    size_t shown = 0;
    if (addr_lookups(w, dom, t, NULL, cur, &m, &line, &shown)) {
        char why[64];
        tree_line(w, depth, "%s -> %s%s", t->text, line.s ? line.s : "",
                  unauth_text(t, pathq, why, sizeof why));
        apply_blocks(w, t, level, cur, &m, pass, rest);
    }
    pset_free(&m);
    rdc_buf_free(&line);
}

static void eval_mx(walk_t *w, const char *dom, const spf_term_t *t, unsigned level, unsigned depth,
                    char pathq, lanes_t *cur, lanes_t *pass, lanes_t *rest)
{
    spf_q_t *q = NULL;
    answer_t a = lookup(w, dom, RDC_SPF_TYPE_MX, t->text, depth, true, cur, &q);
    if (a == ANS_VOID)
        tree_line(w, depth, "%s -> no MX record (void lookup)", t->text);
    if (a != ANS_RECORDS)
        return;
    if (q->nmx > RDC_SPF_MAX_MX) {
        tree_line(w, depth, "%s -> %zu exchanges: too many", t->text, q->nmx);
        fail_all(w, cur, RDC_SPF_TOO_MANY_MX,
                 msgf(w,
                      "'%s' at %s: %s has %zu MX host names; RFC 7208 section 4.6.4 allows %d "
                      "for one mx mechanism",
                      t->text, where(w), dom, q->nmx, RDC_SPF_MAX_MX));
        return;
    }
    if (q->nbad > 0)
        note(w, RDC_SPF_MX_INVALID,
             "'%s' at %s: %zu MX exchange name%s of %s %s no host name%s (first: '%s'): "
             "skipped",
             t->text, where(w), q->nbad, q->nbad == 1 ? "" : "s", dom, q->nbad == 1 ? "is" : "are",
             q->nbad == 1 ? "" : "s", q->bad ? q->bad : "");
    char why[64];
    tree_line(w, depth, "%s -> %zu exchange%s%s", t->text, q->nmx, q->nmx == 1 ? "" : "s",
              unauth_text(t, pathq, why, sizeof why));
    /* every exchange is looked up (and its void lookups counted) before the
     * addresses are matched (§5.4) */
    pset_t m = {0};
    bool known = true;
    for (size_t i = 0; i < q->nmx && cur->n > 0 && !w->abort; i++) {
        rdc_buf_t line = {0};
        size_t shown = 0;
        if (addr_lookups(w, q->mx[i], t, q->mx[i], cur, &m, &line, &shown))
            tree_line(w, depth + 1, "%s -> %s", q->mx[i], line.s ? line.s : "");
        else
            known = false;
        rdc_buf_free(&line);
    }
    if (known)
        apply_blocks(w, t, level, cur, &m, pass, rest);
    pset_free(&m);
}

static void eval_node(walk_t *w, spf_node_t *n, unsigned level, unsigned depth, char pathq,
                      const spf_term_t *via, lanes_t *in, lanes_t *pass, lanes_t *rest);

static bool on_path(const spf_node_t *n, const char *dom)
{
    for (; n != NULL; n = n->parent)
        if (strcmp(n->domain, dom) == 0)
            return true;
    return false;
}

/* include: (§5.2): the target's check_host() on cur, one include depth
 * (level) down. Where it passes, the include matches with t's qualifier;
 * where it gives fail, softfail or neutral, the record goes on with the
 * next term (and where the target may have passed, so may the include). */
static void eval_include(walk_t *w, spf_term_t *t, unsigned level, unsigned depth, char pathq,
                         lanes_t *cur, lanes_t *pass, lanes_t *rest)
{
    char q = pathq == '+' ? t->qual : pathq;
    lanes_t cpass = {0}, crest = {0};
    uint32_t bit = 1u << (level + 1), own = 1u << level;
    eval_node(w, t->child, level + 1, depth, q, t, cur, &cpass, &crest);
    /* pass in the target: the include matches (§5.2) */
    for (size_t i = 0; i < cpass.n; i++) {
        lane_t *ln = &cpass.v[i];
        ln->maybe &= ~bit;
        if (t->qual == '+') {
            ln->maybe &= ~own;
            lanes_add(w, pass, ln);
        } else {
            pset_clear_vias(&ln->set);
            lanes_add(w, rest, ln);
        }
    }
    /* fail, softfail or neutral there: no match, the record goes on; where
     * the target may have passed instead, so may the include */
    for (size_t i = 0; i < crest.n; i++) {
        lane_t *ln = &crest.v[i];
        bool maybe = (ln->maybe & bit) != 0;
        ln->maybe &= ~bit;
        if (maybe && t->qual != '+') {
            lane_undecided(w, ln);
            continue;
        }
        if (maybe)
            ln->maybe |= own;
        lanes_add(w, cur, ln);
    }
    free(cpass.v);
    free(crest.v);
}

/* include: or redirect= (§5.2, §6.1): the target's check_host() on cur. */
static void eval_sub(walk_t *w, spf_node_t *n, spf_term_t *t, unsigned level, unsigned depth,
                     char pathq, lanes_t *cur, lanes_t *pass, lanes_t *rest)
{
    if (t->macro) {
        unsupported(w, t, depth, "macros are not supported");
        sender_dependent(w, level, '-', 0, cur); /* its result may be anything */
        return;
    }
    if (on_path(n, t->domain)) {
        tree_line(w, depth, "%s -> loop: %s is already being evaluated", t->text, t->domain);
        fail_all(w, cur, RDC_SPF_LOOP,
                 msgf(w, "'%s' at %s leads back to %s, which is already being evaluated: a loop",
                      t->text, where(w), t->domain));
        return;
    }
    if (level >= 31) {
        too_much_work(w, cur);
        return;
    }
    if (t->child == NULL) {
        t->child = spf_new_node(w->s, t->domain, n);
        if (t->child == NULL) {
            fail_all(w, cur, RDC_SPF_TOO_MUCH_WORK,
                     msgf(w, "too many include/redirect targets (over %d)", MAX_NODES));
            return;
        }
    }
    size_t mark = w->via.len;
    if (w->final) {
        rdc_buf_printf(&w->via, " %s", t->text);
        if (w->via.failed)
            w->s->oom = true;
    }
    if (t->kind == K_REDIRECT) /* the target's result is the record's result (§6.1) */
        eval_node(w, t->child, level, depth, pathq, t, cur, pass, rest);
    else
        eval_include(w, t, level, depth, pathq, cur, pass, rest);
    if (w->final && w->via.s != NULL) {
        w->via.len = mark;
        w->via.s[mark] = '\0';
    }
}

/* "spf include:a.example ip4:192.0.2.0/24": how the top record reaches a
 * block that term t matches as a whole (final walk only; NULL otherwise). */
static char *term_via(walk_t *w, const spf_term_t *t)
{
    return msgf(w, "%s %s", w->via.s ? w->via.s : "spf", t->text);
}

/* m gets every address, 0.0.0.0/0 and ::/0, reached through term t. */
static void every_address(walk_t *w, const spf_term_t *t, pset_t *m)
{
    rdc_cidr_t c;
    memset(&c, 0, sizeof c);
    c.base.family = 4;
    pset_push(w, m, &c, term_via(w, t), 0);
    c.base.family = 6;
    pset_push(w, m, &c, term_via(w, t), 0);
}

/* ip4: and ip6: (§5.6): the block as written; an IPv4-mapped one matches
 * no sender (§5). */
static void eval_ip(walk_t *w, const spf_term_t *t, unsigned level, unsigned depth, char pathq,
                    lanes_t *cur, lanes_t *pass, lanes_t *rest)
{
    char why[64], size[48], extra[160] = "";
    pset_t m = {0};
    size_text(&t->cidr, size, sizeof size);
    pset_push(w, &m, &t->cidr, term_via(w, t), 0);
    pset_drop_mapped(&m);
    uint64_t decided = 0;
    bool any = apply(w, level, t->qual, cur, &m, pass, rest, &decided);
    rdc_cidr_t mb = mapped_block();
    if (t->kind == K_IP6 && cidr_in(&mb, &t->cidr))
        snprintf(extra, sizeof extra,
                 ", IPv4-mapped: matches no sender (an IPv4-mapped sender is an IPv4 "
                 "sender, RFC 7208 section 5)");
    else if (!any)
        snprintf(extra, sizeof extra, ", none of them still undecided here");
    else if (decided < block_size(&t->cidr))
        snprintf(extra, sizeof extra, ", %llu decided here (the rest by earlier terms)",
                 (unsigned long long)decided);
    tree_line(w, depth, "%s -> %s%s%s", t->text, size, unauth_text(t, pathq, why, sizeof why),
              extra);
    pset_free(&m);
}

/* all (§5.1): every address; "+all" authorises the whole Internet. */
static void eval_all(walk_t *w, const spf_term_t *t, unsigned level, unsigned depth, char pathq,
                     lanes_t *cur, lanes_t *pass, lanes_t *rest)
{
    char why[64];
    pset_t m = {0};
    every_address(w, t, &m);
    bool any = apply(w, level, t->qual, cur, &m, pass, rest, NULL);
    pset_free(&m);
    if (t->qual != '+')
        return;
    tree_line(w, depth, "%s -> every address%s", t->text, unauth_text(t, pathq, why, sizeof why));
    if (any && pathq == '+')
        note(w, RDC_SPF_PASS_ALL,
             "'%s' at %s authorises every address on the Internet to send mail for %s", t->text,
             where(w), w->s->domain);
}

/* ptr (§5.5): deprecated, and its match depends on the sender. */
static void eval_ptr(walk_t *w, const spf_term_t *t, unsigned level, unsigned depth, lanes_t *cur)
{
    tree_line(w, depth, "%s -> not evaluated (deprecated)", t->text);
    note(w, RDC_SPF_PTR_DEPRECATED,
         "'%s' at %s: the ptr mechanism is deprecated (RFC 7208 section 5.5: do not use it); it "
         "is slow and unreliable and is not evaluated here: list the addresses with ip4:/ip6: "
         "instead",
         t->text, where(w));
    /* the PTR lookup may be void (§4.6.4); the address lookups of the
     * names it finds are the sender's own reverse DNS, not counted */
    sender_dependent(w, level, t->qual, 1, cur);
}

/* exists: (§5.7): the same A lookup for every sender, IPv6 ones included;
 * any address matches every sender. With a macro it depends on the sender. */
static void eval_exists(walk_t *w, const char *dom, const spf_term_t *t, unsigned level,
                        unsigned depth, char pathq, lanes_t *cur, lanes_t *pass, lanes_t *rest)
{
    if (t->macro) {
        unsupported(w, t, depth, "exists: with a macro depends on the sender");
        sender_dependent(w, level, t->qual, 1, cur);
        return;
    }
    spf_q_t *q = NULL;
    answer_t a = lookup(w, dom, RDC_SPF_TYPE_A, t->text, depth, true, cur, &q);
    if (a == ANS_VOID)
        tree_line(w, depth, "%s -> no A record (void lookup): no match", t->text);
    if (a != ANS_RECORDS)
        return;
    char why[64];
    tree_line(w, depth, "%s -> exists: matches every sender%s", t->text,
              unauth_text(t, pathq, why, sizeof why));
    pset_t m = {0};
    every_address(w, t, &m);
    apply(w, level, t->qual, cur, &m, pass, rest, NULL);
    pset_free(&m);
}

/* Macros of the current domain (d) and the sender's domain (o, the domain
 * checked) are the same for every sender: t's are expanded when it has no
 * other (§7.3). */
static void expand_term(walk_t *w, const spf_node_t *n, spf_term_t *t, unsigned depth)
{
    if (t->macro && t->mspec != NULL && t->kind != K_PTR && t->kind != K_EXP &&
        spf_expand_static(t->mspec, n->domain, w->s->domain, t->domain)) {
        t->macro = false;
        t->expanded = true;
    }
    if (t->expanded)
        tree_line(w, depth, "%s: the macros expand to %s", t->text, t->domain);
}

/* The terms that query DNS, and count against the limit (§4.6.4). */
static bool queries_dns(kind_t k)
{
    return k == K_INCLUDE || k == K_REDIRECT || k == K_A || k == K_MX || k == K_PTR ||
           k == K_EXISTS;
}

/* Term t of node n for the lanes of cur (§4.6.2): the part a mechanism
 * matches leaves cur for pass or rest; the rest goes on to the next term. */
static void eval_term(walk_t *w, spf_node_t *n, spf_term_t *t, unsigned level, unsigned depth,
                      char pathq, lanes_t *cur, lanes_t *pass, lanes_t *rest)
{
    w->term++;
    expand_term(w, n, t, depth);
    const char *dom = t->domain[0] ? t->domain : n->domain;
    if (queries_dns(t->kind) && !count_lookup(w, t, depth, cur))
        return;
    switch (t->kind) {
    case K_IP4:
    case K_IP6:
        eval_ip(w, t, level, depth, pathq, cur, pass, rest);
        break;
    case K_ALL:
        eval_all(w, t, level, depth, pathq, cur, pass, rest);
        break;
    case K_INCLUDE:
    case K_REDIRECT:
        eval_sub(w, n, t, level, depth, pathq, cur, pass, rest);
        break;
    case K_A:
    case K_MX:
        if (t->macro) {
            unsupported(w, t, depth, "macros are not supported");
            /* the one lookup of the expanded name (a: A or AAAA; mx: MX) may be
             * void; an mx's exchanges are counted as found */
            sender_dependent(w, level, t->qual, 1, cur);
        } else if (t->kind == K_A) {
            eval_a(w, dom, t, level, depth, pathq, cur, pass, rest);
        } else {
            eval_mx(w, dom, t, level, depth, pathq, cur, pass, rest);
        }
        break;
    case K_PTR:
        eval_ptr(w, t, level, depth, cur);
        break;
    case K_EXISTS:
        eval_exists(w, dom, t, level, depth, pathq, cur, pass, rest);
        break;
    case K_EXP:
    case K_UNKNOWN:
        break;
    }
}

/* Node n has no SPF record: none at the top (§4.5), a permanent error
 * through include: (§5.2) or redirect= (§6.1). */
static void no_record(walk_t *w, const spf_node_t *n, const spf_q_t *q, const spf_term_t *via,
                      const char *label, unsigned depth, lanes_t *in)
{
    bool nx = q->status == RDC_DNS_NXDOMAIN;
    tree_line(w, depth, "%s: no SPF record%s", label, nx ? " (NXDOMAIN)" : "");
    if (via == NULL)
        fail_all(w, in, RDC_SPF_NONE,
                 msgf(w, "%s has no SPF record (%s)", n->domain,
                      nx ? "the domain does not exist" : "no TXT record starts with \"v=spf1\""));
    else if (via->kind == K_INCLUDE)
        fail_all(w, in, RDC_SPF_INCLUDE_NONE,
                 msgf(w,
                      "at %s: %s has no SPF record%s, which makes the include a permanent "
                      "error (RFC 7208 section 5.2)",
                      where(w), n->domain, nx ? " (it does not exist)" : ""));
    else
        fail_all(w, in, RDC_SPF_REDIRECT_NONE,
                 msgf(w,
                      "at %s: %s has no SPF record%s, which makes the redirect a permanent "
                      "error (RFC 7208 section 6.1)",
                      where(w), n->domain, nx ? " (it does not exist)" : ""));
}

/* The SPF record of node n from its TXT answer q: true when there is one
 * and it parses; otherwise the lanes of in end (none, permerror). */
static bool node_record(walk_t *w, spf_node_t *n, const spf_q_t *q, const spf_term_t *via,
                        unsigned depth, lanes_t *in)
{
    const char *label = via ? via->text : n->domain;
    if (q->nspf == 0) {
        no_record(w, n, q, via, label, depth, in);
        return false;
    }
    if (q->nspf > 1) {
        tree_line(w, depth, "%s: %u SPF records", label, q->nspf);
        fail_all(w, in, RDC_SPF_MULTIPLE,
                 msgf(w,
                      "%s has %u SPF records (TXT records starting with \"v=spf1\"); RFC 7208 "
                      "section 4.5 allows one: the result is permerror",
                      n->domain, q->nspf));
        return false;
    }
    if (!n->parsed && !spf_parse_record(n, q->rec, q->reclen)) {
        w->s->oom = true;
        w->abort = true;
        lanes_free(in);
        return false;
    }
    tree_line(w, depth, "%s: %s", label, n->rtext);
    if (n->err != NULL) {
        if (via == NULL)
            fail_all(w, in, n->errcode, msgf(w, "%s", n->err));
        else
            fail_all(w, in, n->errcode, msgf(w, "%s (reached at %s)", n->err, where(w)));
        return false;
    }
    return true;
}

/* The terms of n's record that are never evaluated (§5.1, §6.1). */
static void ignored_terms(walk_t *w, const spf_node_t *n)
{
    if (n->after_all > 0)
        note(w, RDC_SPF_IGNORED,
             "%u mechanism%s after 'all' in the SPF record of %s %s ignored (RFC 7208 section 5.1)",
             n->after_all, n->after_all == 1 ? "" : "s", n->domain,
             n->after_all == 1 ? "is" : "are");
    if (n->redirect_at < n->nterms && n->all_at < n->nterms)
        note(w, RDC_SPF_IGNORED,
             "'%s' in the SPF record of %s is ignored because the record has 'all' (RFC 7208 "
             "section 6.1)",
             n->terms[n->redirect_at].text, n->domain);
}

/* check_host() of node n (§4) for the addresses of in (consumed): those it
 * passes go to pass, those it gives fail, softfail or neutral to rest (with
 * their evaluation state), errors end their lanes. via is the term that led
 * here (NULL for the top domain). */
static void eval_node(walk_t *w, spf_node_t *n, unsigned level, unsigned depth, char pathq,
                      const spf_term_t *via, lanes_t *in, lanes_t *pass, lanes_t *rest)
{
    spf_q_t *q = NULL;
    answer_t a =
        lookup(w, n->domain, RDC_SPF_TYPE_TXT, via ? via->text : n->domain, depth, false, in, &q);
    if (a == ANS_PENDING)
        lanes_move_all(w, rest, in); /* not known yet: the walk goes on */
    if (a != ANS_RECORDS || !node_record(w, n, q, via, depth, in))
        return;
    ignored_terms(w, n);
    /* the terms in order; the first match decides (§4.6.2) */
    for (size_t i = 0; i < n->nterms && i <= n->all_at && in->n > 0 && !w->abort; i++)
        if (spf_is_mechanism(n->terms[i].kind))
            eval_term(w, n, &n->terms[i], level, depth + 1, pathq, in, pass, rest);
    /* redirect= takes what no mechanism matched, only without "all" (§6.1) */
    if (in->n > 0 && !w->abort && n->all_at == n->nterms && n->redirect_at < n->nterms)
        eval_term(w, n, &n->terms[n->redirect_at], level, depth + 1, pathq, in, pass, rest);
    /* no match: neutral (§4.7) */
    lanes_move_all(w, rest, in);
}

/* ---------------------------------------------------------------- results */

static void add_range(walk_t *w, const piece_t *p)
{
    rdc_spf_t *s = w->s;
    rdc_cidr_t m = mapped_block();
    if (cidr_in(&m, &p->c))
        return; /* no sender: an IPv4-mapped sender is an IPv4 sender */
    if (s->nranges >= RDC_SPF_MAX_RANGES) {
        s->dropped++;
        return;
    }
    if (s->nranges == s->capr) {
        size_t cap = s->capr ? s->capr * 2 : 16;
        rdc_spf_range_t *r = realloc(s->ranges, cap * sizeof *r);
        if (r == NULL) {
            s->oom = true;
            return;
        }
        s->ranges = r;
        s->capr = cap;
    }
    char *via = rdc_strdup(p->via ? p->via : "spf");
    if (via == NULL) {
        s->oom = true;
        return;
    }
    s->ranges[s->nranges].cidr = p->c;
    s->ranges[s->nranges].via = via;
    s->nranges++;
}

static int seq_cmp(const void *x, const void *y)
{
    const piece_t *a = x, *b = y;
    if (a->seq != b->seq)
        return a->seq < b->seq ? -1 : 1;
    return piece_cmp(x, y);
}

/* The final walk's results: the authorised ranges in the order they were
 * decided, the undecided ones, the error. */
static void finish(walk_t *w, lanes_t *pass, lanes_t *rest)
{
    rdc_spf_t *s = w->s;
    pset_t all = {0};
    for (size_t i = 0; i < pass->n; i++) {
        note_lookups(w, &pass->v[i]);
        pset_move_all(w, &all, &pass->v[i].set);
    }
    if (all.n > 1)
        qsort(all.v, all.n, sizeof *all.v, seq_cmp);
    for (size_t i = 0; i < all.n; i++)
        add_range(w, &all.v[i]);
    pset_free(&all);
    for (size_t i = 0; i < rest->n; i++) {
        note_lookups(w, &rest->v[i]);
        if (rest->v[i].maybe != 0)
            lane_undecided(w, &rest->v[i]);
    }
    if (s->dropped > 0)
        note(w, RDC_SPF_TOO_MANY_RANGES, "%zu more ranges are not listed (limit %d)", s->dropped,
             RDC_SPF_MAX_RANGES);
    pset_sort(&w->undecided);
    size_t nu = 0;
    rdc_buf_t b = {0};
    rdc_cidr_t mb = mapped_block();
    for (size_t i = 0; i < w->undecided.n; i++) {
        if (cidr_in(&mb, &w->undecided.v[i].c))
            continue;
        if (nu < UNDECIDED_SHOWN) {
            char ct[RDC_ADDR_TEXT_MAX + 8];
            cidr_text(&w->undecided.v[i].c, ct, sizeof ct);
            rdc_buf_printf(&b, "%s%s", nu ? ", " : "", ct);
        }
        nu++;
    }
    if (nu > UNDECIDED_SHOWN)
        rdc_buf_printf(&b, " and %zu more", nu - UNDECIDED_SHOWN);
    if (nu > 0)
        note(w, RDC_SPF_UNSUPPORTED_MECHANISM,
             "the outcome for these senders depends on a term evaluated per sender (exists:, "
             "ptr or a macro) and is not decided here; they are not listed: undecided: %s",
             b.s ? b.s : "");
    rdc_buf_free(&b);
    if (w->err) {
        s->result = w->err_code == RDC_SPF_NONE        ? RDC_SPF_RES_NONE
                    : w->err_code == RDC_SPF_TEMPERROR ? RDC_SPF_RES_TEMPERROR
                                                       : RDC_SPF_RES_PERMERROR;
        /* the fatal problem says when it is one family's result only */
        if (w->err_fams != 3u && w->fail_fams == w->err_fams) {
            for (size_t i = 0; i < s->nprob; i++) {
                if (!s->problems[i].fatal)
                    continue;
                rdc_buf_t m = {0};
                rdc_buf_printf(&m, "%s; this is the result for IPv%c senders only",
                               s->problems[i].message, w->err_fams == 1u ? '4' : '6');
                char *t = rdc_buf_take(&m);
                if (t == NULL) {
                    s->oom = true;
                    break;
                }
                free(s->problems[i].message);
                s->problems[i].message = t;
            }
        }
    }
}

/* Frees the results of a final walk (ranges, problems, tree). */
void spf_clear_results(rdc_spf_t *s)
{
    for (size_t i = 0; i < s->nranges; i++)
        free(s->ranges[i].via);
    s->nranges = 0;
    s->dropped = 0;
    for (size_t i = 0; i < s->nprob; i++)
        free(s->problems[i].message);
    s->nprob = 0;
    free(s->tree);
    s->tree = NULL;
}

/* Walks the evaluation: marks (and creates) the questions it needs, and in
 * the final walk records the results. Every sender starts undecided:
 * 0.0.0.0/0 and ::/0 (whose IPv4-mapped part is never matched). */
void spf_run_walk(rdc_spf_t *s, bool final)
{
    walk_t w;
    memset(&w, 0, sizeof w);
    w.s = s;
    w.final = final;
    s->final_walk = final;
    s->gen++;
    if (final) {
        spf_clear_results(s);
        s->result = RDC_SPF_RES_OK;
        rdc_buf_puts(&w.via, "spf");
    }
    lanes_t in = {0}, pass = {0}, rest = {0};
    for (uint8_t fam = 4; fam <= 6; fam = (uint8_t)(fam + 2)) {
        lane_t ln;
        memset(&ln, 0, sizeof ln);
        ln.fam = fam;
        ln.set.neg = true; /* every address of the family, less none */
        ln.set.fam = fam;
        lanes_add(&w, &in, &ln);
    }
    eval_node(&w, s->top, 0, 0, '+', NULL, &in, &pass, &rest);
    if (w.abort && !s->oom && !w.err) {
        w.err = true;
        w.err_code = RDC_SPF_TOO_MUCH_WORK;
        w.err_fams = w.fail_fams = 3u;
        if (final)
            push_problem(&w, RDC_SPF_TOO_MUCH_WORK, true,
                         rdc_strdup("the SPF record splits the address space into too many "
                                    "ranges: not evaluated further"));
    }
    if (final) {
        finish(&w, &pass, &rest);
        s->lookups = w.lookups;
        s->voids = w.voids;
        if (w.tree.failed || w.via.failed)
            s->oom = true;
        s->tree = rdc_buf_take(&w.tree);
    }
    if (w.where.failed)
        s->oom = true;
    s->final_walk = false;
    lanes_free(&in);
    lanes_free(&pass);
    lanes_free(&rest);
    pset_free(&w.undecided);
    rdc_buf_free(&w.tree);
    rdc_buf_free(&w.via);
    rdc_buf_free(&w.where);
}
