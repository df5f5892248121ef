/* authcheck.h - pure rules of --authority: agreement of a zone's servers,
 * the zone's answer, stale resolver caches (authcheck.c), and the problems
 * they give (authproblem.c). authority.c does the asking. Internal. */
#ifndef RDC_AUTHCHECK_H
#define RDC_AUTHCHECK_H

#include <time.h>

#include "rdnscheck.h"
#include "util.h"

/* Appends a copy of text to a; false without memory. */
bool rdc_auth_answer_add(rdc_auth_answer_t *a, const char *text);
void rdc_auth_answer_clear(rdc_auth_answer_t *a);

/* The answer's data, space-separated, or "NXDOMAIN" / "no record" when
 * it has none, appended to b. */
void rdc_auth_answer_text(rdc_buf_t *b, const rdc_auth_answer_t *a);

/* Whether x holds s (case-insensitive: names and canonical addresses). */
bool rdc_auth_answer_has(const rdc_auth_answer_t *x, const char *s);

/* The same answer for a receiver: the same set of data (case-insensitive,
 * any order), NXDOMAIN and NODATA being one "no record". */
bool rdc_auth_answer_same(const rdc_auth_answer_t *x, const rdc_auth_answer_t *y);

/* From q->servers and q->resolver, sets consistent (the servers that
 * answered with authority give one answer, and those whose SOA answered
 * one serial), has_source/source, and stale (the resolver's definite
 * answer is none of the servers' answers). False without memory. */
bool rdc_auth_evaluate(rdc_auth_question_t *q);

/* The SOA RNAME (wire) as a mail address: "john\.doe.example." is
 * john.doe@example (RFC 1035 §8). Escaped, into buf of cap >= 8 bytes. */
size_t rdc_rname_to_mail(const uint8_t *rname, char *buf, size_t cap);

/* "the operator of ZONE: contact C, servers A, B", or with paren
 * "the operator of ZONE (contact C; servers A, B)", appended to b. */
void rdc_auth_who(const rdc_auth_question_t *q, bool paren, rdc_buf_t *b);

/* Adds auth-lame (once per zone), auth-inconsistent and stale-cache for
 * r->authority (NULL: none). stale-cache is a warning when the zone's
 * answer would fail what the resolver's answer passes, else a note.
 * now: the time the expiry is counted from. False without memory. */
bool rdc_auth_problems(rdc_result_t *r, time_t now);

/* With --authority, the no-ptr fix into buf (cap bytes): who runs the
 * reverse zone, or that resolvers serve it themselves (RFC 6303, a
 * private range). False when the zone is not known. */
bool rdc_auth_no_ptr_fix(const rdc_result_t *r, char *buf, size_t cap);

void rdc_auth_question_clear(rdc_auth_question_t *q);
/* Frees a and what it owns; NULL: no-op. */
void rdc_authority_free(rdc_authority_t *a);

#endif
