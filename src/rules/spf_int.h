/* spf_int.h - what the files of the SPF module share, and no other module
 * sees: the questions, the parsed records (nodes and terms) and the state
 * of one expansion. spf.c holds the API, the questions and their answers;
 * spf_parse.c the record syntax; spf_walk.c the evaluation walk (its parts
 * share spf_walk.h). */
#ifndef RDC_SPF_INT_H
#define RDC_SPF_INT_H

#include "spf_defs.h"

#define MAX_NODES 256 /* include/redirect targets expanded */
#define MAX_ADDRS 1024 /* addresses kept from one A or AAAA answer */
#define TREE_ADDRS 8 /* addresses listed on one tree line */
#define TERM_TEXT_MAX 600 /* escaped term text kept (valid terms are shorter) */
#define RECORD_TEXT_MAX 4096 /* escaped record text shown in the tree */

typedef enum qstate { Q_NEW = 0, Q_SENT, Q_DONE } qstate_t;

/* One DNS question and, once answered, what the walk needs of the answer. */
typedef struct spf_q {
    unsigned id;
    char name[256];
    uint16_t type;
    qstate_t state;
    unsigned mark; /* generation of the last walk that needed it */
    rdc_dns_status_t status; /* OK only with usable records */
    /* TXT: the number of v=spf1 records and the first one (raw bytes) */
    unsigned nspf;
    char *rec;
    size_t reclen;
    /* A/AAAA */
    rdc_addr_t *addrs;
    size_t naddrs;
    /* MX: the exchanges that are host names, by preference (kept only when
     * there are at most RDC_SPF_MAX_MX), their count, and the others */
    char (*mx)[256];
    size_t nmx, nbad;
    char *bad; /* escaped first name that is no host name */
} spf_q_t;

typedef enum kind {
    K_ALL,
    K_INCLUDE,
    K_A,
    K_MX,
    K_PTR,
    K_IP4,
    K_IP6,
    K_EXISTS,
    K_REDIRECT,
    K_EXP,
    K_UNKNOWN /* unknown modifier: ignored (§6) */
} kind_t;

struct spf_node;

typedef struct spf_term {
    kind_t kind;
    char qual; /* '+', '-', '~', '?' */
    char *text; /* as written, escaped */
    char domain[256]; /* target; "" means the current domain */
    bool macro; /* the domain-spec holds a macro: not evaluated */
    char *mspec; /* with macro: the domain-spec as written (raw, owned) */
    bool expanded; /* its macros (d and o only) were expanded into domain */
    unsigned c4, c6; /* a/mx CIDR lengths */
    rdc_cidr_t cidr; /* ip4/ip6 */
    struct spf_node *child; /* include/redirect target, once reached */
} spf_term_t;

/* One check_host() of a domain: the record it finds and its terms. */
typedef struct spf_node {
    char domain[256];
    struct spf_node *parent;
    bool parsed;
    rdc_code_t errcode; /* RDC_SPF_SYNTAX or RDC_SPF_TOO_MANY_TERMS, when err */
    char *err; /* the message for errcode, or NULL: the record is good */
    char *rtext; /* the record, escaped */
    spf_term_t *terms;
    size_t nterms;
    size_t all_at; /* index of the first "all", or nterms */
    size_t redirect_at; /* index of redirect=, or nterms */
    unsigned after_all; /* mechanisms after the first "all" */
} spf_node_t;

struct rdc_spf {
    char domain[256];
    spf_node_t *top;
    spf_q_t **qs;
    size_t nq, capq;
    spf_node_t **nodes;
    size_t nnodes, capn;
    unsigned gen;
    bool final_walk; /* the walk under way is the final one */
    bool done, oom;
    rdc_spf_result_t result;
    rdc_spf_range_t *ranges;
    size_t nranges, capr, dropped;
    rdc_spf_problem_t *problems;
    size_t nprob, capp;
    unsigned lookups, voids;
    char *tree;
};

/* spf_parse.c: record syntax (RFC 7208 §4.5, §4.6, §5, §6, §7.1) and the
 * text helpers it shares; each is described where it is defined. */
char *spf_escape_dup(const char *p, size_t len, size_t cap);
bool spf_host_name(const char *p, size_t len, char *out, const char **why);
void spf_clear_host_bits(rdc_addr_t *a, unsigned prefix);
bool spf_is_record(const char *t, size_t len);
bool spf_is_mechanism(kind_t k);
/* Sets n->errcode and n->err on a syntax error; false on allocation failure. */
bool spf_parse_record(spf_node_t *n, const char *rec, size_t len);
/* Expands a domain-spec whose macros need only d (the current domain) and o
 * (the sender's domain) into out[256]; false when it needs another letter
 * (the sender's address, local part or HELO name) or is no host name. */
bool spf_expand_static(const char *spec, const char *d, const char *o, char *out);

/* spf.c: the questions (created and marked by the walk) and the nodes. */
spf_q_t *spf_need(rdc_spf_t *s, const char *name, uint16_t type);
spf_node_t *spf_new_node(rdc_spf_t *s, const char *dom, spf_node_t *parent);

/* spf_walk.c: the evaluation walk; spf_result.c: clearing the results of
 * the final one. */
void spf_run_walk(rdc_spf_t *s, bool final);
void spf_clear_results(rdc_spf_t *s);

#endif
