/* selfplan.h - --self: which address this host's mail leaves from, per
 * family, and why (selfplan.c). Pure decisions over facts gathered by the
 * caller: the MTA's configuration (mtaconf.h), the kernel's source address
 * toward the internet, whether the MTA's bind address is on this host, and
 * a whoami answer behind NAT. Then the checked results are folded into one
 * "this host sends mail as ..." verdict. Internal. */
#ifndef RDC_SELFPLAN_H
#define RDC_SELFPLAN_H

#include "mtaconf.h"
#include "rdnscheck.h"

typedef enum rdc_self_state {
    RDC_SELF_S_CHECK = 0, /* an address to check (addr) */
    RDC_SELF_S_SKIPPED, /* the MTA does not use the family, -4/-6, or no route */
    RDC_SELF_S_UNKNOWN /* behind NAT, and no whoami service answered: undecided */
} rdc_self_state_t;

#define RDC_SELF_TEXT 384

typedef struct rdc_self_family {
    int family; /* 4 or 6 */
    rdc_self_state_t state;
    bool has_local;
    rdc_addr_t local; /* the address this host sends from */
    rdc_addr_t addr; /* the address receivers see: local, or the whoami answer */
    bool nat; /* local is not globally reachable: addr came from whoami */
    char source[RDC_SELF_TEXT]; /* where local came from */
    char public_via[RDC_SELF_TEXT]; /* how addr was found behind NAT, or "" */
    char why[RDC_SELF_TEXT]; /* SKIPPED / UNKNOWN: the reason */
    /* a problem of the MTA's binding (RDC_SELF_BIND), added to the result */
    bool has_problem;
    rdc_severity_t problem_sev;
    char problem[RDC_SELF_TEXT], fix[RDC_SELF_TEXT];
    /* after the check (rdc_self_note) */
    bool checked;
    rdc_verdict_t verdict;
    bool helo_checked;
    rdc_verdict_t helo_verdict;
    char names[RDC_SELF_TEXT]; /* the PTR names, ", "-separated */
} rdc_self_family_t;

typedef struct rdc_self {
    rdc_self_family_t fam[2]; /* [0] IPv4, [1] IPv6 */
    char helo[RDC_NAME_TEXT_MAX]; /* the HELO name checked, "" none */
    char helo_source[128]; /* "Postfix smtp_helo_name", "--helo", "system FQDN" */
    char sources[RDC_SELF_TEXT]; /* what was read: "kernel routes, Postfix (postconf)" */
    rdc_mta_kind_t mta;
    rdc_verdict_t verdict; /* rdc_self_finish: the worst of the families */
    char summary[2 * RDC_SELF_TEXT]; /* rdc_self_finish: "this host sends mail as ..." */
} rdc_self_t;

/* The kernel's answer for one family: the source address of a UDP socket
 * connect()ed toward `toward` (no packet sent). */
typedef struct rdc_self_route {
    bool ok;
    rdc_addr_t src;
    rdc_addr_t toward;
    bool via_given; /* toward came from --self-via */
    char err[128]; /* !ok: why ("Network is unreachable") */
} rdc_self_route_t;

typedef struct rdc_self_in {
    const rdc_mta_conf_t *mta; /* kind NONE: no MTA found */
    bool want[2]; /* -4/-6: the families asked for */
    rdc_self_route_t route[2];
    /* the MTA's bind address of the family (mta->bind[k], valid) is an
     * address of this host (a bind() to it works); bind_err: why not */
    bool bind_local[2];
    char bind_err[2][128];
} rdc_self_in_t;

/* Decides each family's address and source, or why it is skipped (as
 * Postfix does: a family not in inet_protocols is not used; a bind
 * address that is not on the host is a warning and the kernel's address
 * is used, or with smtp_bind_address_enforce the mail is deferred, a
 * failure; Exim defers too). out->helo and sources are the caller's. */
void rdc_self_plan(const rdc_self_in_t *in, rdc_self_t *out);

/* Behind NAT: the whoami answer (addr) from `how` ("whoami NAME at
 * SERVER"), or (addr NULL) that none answered, tried saying what was
 * asked and why each failed. */
void rdc_self_nat(rdc_self_family_t *f, const rdc_addr_t *addr, const char *how, const char *tried);

/* Folds a checked result of family f in (verdict, HELO verdict, names). */
void rdc_self_note(rdc_self_family_t *f, const rdc_result_t *r);

/* The overall verdict and the summary line, once every family is noted:
 * the worst verdict of the checked families, UNKNOWN ones as tempfail,
 * tempfail when no family had an address at all. */
void rdc_self_finish(rdc_self_t *s);

/* "IPv4" / "IPv6". */
const char *rdc_self_family_name(int family);

/* "checked", "skipped", "unknown". */
const char *rdc_self_state_name(rdc_self_state_t s);

#endif
