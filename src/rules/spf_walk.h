/* spf_walk.h - what the files of the SPF evaluation walk share, and nothing
 * else sees: the address sets, the lanes and the state of one walk, and the
 * functions of each file (each described where it is defined). The walk is
 * spf_walk.c (the driver); spf_set.c, spf_lane.c, spf_mech.c and
 * spf_result.c are its parts. Internal to src/rules/. */
#ifndef RDC_SPF_WALK_H
#define RDC_SPF_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spf_int.h"
#include "util.h"

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

/* The lanes at one point of the walk (each address in at most one). */
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
    rdc_buf_t where; /* scratch for spf_where() */
} walk_t;

/* What a DNS lookup of the walk comes to for the lanes it is made for. */
typedef enum answer {
    ANS_PENDING, /* not answered yet: the lanes stay as they are */
    ANS_ENDED, /* the lanes ended: too many questions, or temperror */
    ANS_VOID, /* no record: counted as a void lookup in the lanes */
    ANS_RECORDS /* records (or, where voids are not counted, any final answer) */
} answer_t;

/* spf_set.c: CIDR blocks and sets of them (pset_t); a set operation that
 * runs out of memory or work marks the walk (w->abort). */
bool spf_cidr_in(const rdc_cidr_t *outer, const rdc_cidr_t *inner);
rdc_cidr_t spf_mapped_block(void);
uint64_t spf_block_size(const rdc_cidr_t *c);
bool spf_pset_push(walk_t *w, pset_t *p, const rdc_cidr_t *c, char *via, uint64_t seq);
void spf_pset_clear_vias(pset_t *p);
void spf_pset_free(pset_t *p);
void spf_pset_move_all(walk_t *w, pset_t *dst, pset_t *src);
void spf_pset_sort(pset_t *p);
void spf_pset_sort_seq(pset_t *p);
void spf_pset_normalise(pset_t *p);
bool spf_pset_empty(const pset_t *p);
void spf_pset_take(walk_t *w, pset_t *from, const pset_t *m, pset_t *taken, uint64_t tseq);
bool spf_pset_live(const pset_t *p);
void spf_pset_drop_mapped(pset_t *p);
void spf_pset_merge(walk_t *w, pset_t *y, pset_t *x);

/* spf_lane.c: lanes and what happens to them: the limits counted per lane
 * (§4.6.4), errors, undecided addresses, and matches. */
void spf_lanes_free(lanes_t *ls);
void spf_lanes_add(walk_t *w, lanes_t *ls, lane_t *x);
void spf_lanes_move_all(walk_t *w, lanes_t *dst, lanes_t *src);
unsigned spf_lanes_fams(const lanes_t *ls);
void spf_lanes_compact(lanes_t *ls);
void spf_note_lookups(walk_t *w, const lane_t *ln);
void spf_lane_undecided(walk_t *w, lane_t *ln);
void spf_lane_fail(walk_t *w, lane_t *ln, rdc_code_t code, const char *msg);
void spf_fail_all(walk_t *w, lanes_t *cur, rdc_code_t code, char *msg);
void spf_too_much_work(walk_t *w, lanes_t *cur);
bool spf_count_lookup(walk_t *w, const spf_term_t *t, unsigned depth, lanes_t *cur);
bool spf_count_void(walk_t *w, lane_t *ln, const char *what);
bool spf_apply(walk_t *w, unsigned level, char qual, lanes_t *cur, const pset_t *m, lanes_t *pass,
               lanes_t *rest, uint64_t *decided);
void spf_sender_dependent(walk_t *w, unsigned level, char qual, unsigned extra, lanes_t *cur);

/* spf_mech.c: the lookup of a term, and the mechanisms that match
 * addresses (a, mx, ip4/ip6, all, ptr, exists:). */
answer_t spf_lookup(walk_t *w, const char *name, uint16_t type, const char *label, unsigned depth,
                    bool voids, lanes_t *cur, spf_q_t **qp);
void spf_eval_a(walk_t *w, const char *dom, const spf_term_t *t, unsigned level, unsigned depth,
                char pathq, lanes_t *cur, lanes_t *pass, lanes_t *rest);
void spf_eval_mx(walk_t *w, const char *dom, const spf_term_t *t, unsigned level, unsigned depth,
                 char pathq, lanes_t *cur, lanes_t *pass, lanes_t *rest);
void spf_eval_ip(walk_t *w, const spf_term_t *t, unsigned level, unsigned depth, char pathq,
                 lanes_t *cur, lanes_t *pass, lanes_t *rest);
void spf_eval_all(walk_t *w, const spf_term_t *t, unsigned level, unsigned depth, char pathq,
                  lanes_t *cur, lanes_t *pass, lanes_t *rest);
void spf_eval_ptr(walk_t *w, const spf_term_t *t, unsigned level, unsigned depth, lanes_t *cur);
void spf_eval_exists(walk_t *w, const char *dom, const spf_term_t *t, unsigned level,
                     unsigned depth, char pathq, lanes_t *cur, lanes_t *pass, lanes_t *rest);

/* spf_result.c: what a walk reports: the -v tree, problems and their
 * texts, and the results of the final walk (spf_clear_results is in
 * spf_int.h). */
void spf_cidr_text(const rdc_cidr_t *c, char *buf, size_t cap);
void spf_tree_line(walk_t *w, unsigned depth, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void spf_push_problem(walk_t *w, rdc_code_t code, bool fatal, char *msg);
void spf_note(walk_t *w, rdc_code_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
char *spf_msgf(walk_t *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *spf_where(walk_t *w);
const char *spf_unauth_text(const spf_term_t *t, char pathq, char *buf, size_t cap);
void spf_unsupported(walk_t *w, const spf_term_t *t, unsigned depth, const char *why);
void spf_finish_walk(walk_t *w, lanes_t *pass, lanes_t *rest);

#endif
