/* report.h - writing results for people (text) and programs (JSON Lines).
 * Every string written is already printable ASCII (escaped upstream); the
 * JSON writer escapes again for JSON's own rules. Internal. */
#ifndef RDC_REPORT_H
#define RDC_REPORT_H

#include <stdio.h>

#include "rdnscheck.h"
#include "util.h"

typedef struct rdc_report_opts {
    bool color; /* ANSI colours on the verdict mark */
    bool unicode; /* UTF-8 marks instead of ASCII ones */
    bool verbose; /* the lookup chain: text lines, or the JSON "trace" array */
    bool idn; /* text: PTR names with A-labels in Unicode where safe (--idn
                 on a UTF-8 locale); a host name typed in Unicode is shown
                 as typed when unicode is set, else by its A-labels */
    unsigned width; /* text: columns of the line; a longer PTR list is shortened
                       (not with verbose); 0: no limit */
} rdc_report_opts_t;

/* One result as a text block: a verdict line, then reasons and fixes. */
void rdc_report_text(FILE *f, const rdc_result_t *r, const rdc_report_opts_t *o);

/* How many of the n PTR names the text report shows in avail columns:
 * all when "a, b, c" fits (or avail is 0), else the most k >= 1 for which
 * "a, b and M more" (M = n - k) fits; at least one name even when it alone
 * is too long. Names are printable ASCII, one column a byte. */
size_t rdc_text_names_fit(const rdc_name_result_t *names, size_t n, size_t avail);

/* The closing line "5 checked: 3 pass, 1 warn, 1 fail". */
void rdc_report_text_summary(FILE *f, const rdc_counts_t *c);

/* A --mx/--spf domain's addresses, as every report says them: "3
 * addresses", then the counts that did not pass: ", 1 warn, 2 fail". */
void rdc_domain_counts(rdc_buf_t *b, const rdc_result_t *r);

/* The JSON Lines schema version (schema/rdnscheck.schema.json): within one
 * version fields are only added, never renamed or removed. */
#define RDC_JSON_SCHEMA 1

/* Opens a JSON record: {"type":TYPE,"schema":1,"time":"<RFC 3339 UTC, ms>"
 * (no closing brace). TYPE is one of the schema's record types: "address",
 * "domain", "input-error", "self". Every JSON record starts with it. */
void rdc_json_record_start(FILE *f, const char *type);

/* One result as one JSON object on one line; with o->verbose (o may be
 * NULL: not verbose), an address's or host's object ends with "trace". */
void rdc_report_json(FILE *f, const rdc_result_t *r, const rdc_report_opts_t *o);

/* --authority (report_auth.c): the JSON ",\"authority\":{...}" member, and
 * the text lines under an address (every server's answer when they
 * disagree, or with verbose). */
void rdc_report_json_authority(FILE *f, const rdc_authority_t *a);
void rdc_report_text_authority(FILE *f, const rdc_authority_t *a, bool verbose);

#endif
