/* report_nagios.c - --format nagios: one check result as the Monitoring
 * Plugins Development Guidelines define it (Nagios, Icinga, Naemon,
 * Shinken, Sensu): a status line with performance data, long output with
 * one line per address that is not a pass, and the state as exit status. */
#include "report_mon.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"

/* Addresses named per verdict in the status line; the rest are counted. */
#define NAMED_MAX 3

/* The verdicts in the status line, in this order. */
static const rdc_verdict_t order[] = {RDC_FAIL, RDC_TEMPFAIL, RDC_WARN, RDC_ERROR};
#define NORDER (sizeof order / sizeof order[0])

struct rdc_nagios {
    rdc_buf_t named[NORDER]; /* "192.0.2.49 no-ptr, ..." */
    unsigned long nnamed[NORDER];
    /* --mx/--spf domains by their own verdict (their addresses are named
     * above): "example.test (spf) spf-none, ..." */
    rdc_buf_t dnamed[NORDER];
    unsigned long ndnamed[NORDER];
    rdc_buf_t lines; /* the long output */
    rdc_buf_t lead; /* --self: "this host sends mail as ..." first */
    rdc_nagios_limits_t limits; /* what decides CRITICAL and WARNING */
    bool verbose; /* passes in the long output too */
};

const char *rdc_nagios_state_name(rdc_nagios_state_t s)
{
    static const char *const names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
    return (unsigned)s < 4 ? names[s] : "UNKNOWN";
}

rdc_nagios_state_t rdc_nagios_state(const rdc_counts_t *c, bool incomplete)
{
    unsigned long total = 0, n[RDC_ERROR + 1];
    for (int i = 0; i <= RDC_ERROR; i++) {
        n[i] = c->n[i] + c->domains[i];
        total += n[i];
    }
    if (n[RDC_FAIL])
        return RDC_NAGIOS_CRITICAL;
    if (n[RDC_WARN])
        return RDC_NAGIOS_WARNING;
    /* a tempfail is UNKNOWN, as for a check that could not decide: the
     * state of the monitored address is not known (issue 12's mapping) */
    if (n[RDC_TEMPFAIL] || n[RDC_ERROR] || total == 0 || incomplete)
        return RDC_NAGIOS_UNKNOWN;
    return RDC_NAGIOS_OK;
}

void rdc_nagios_default_limits(rdc_nagios_limits_t *l)
{
    const char *why;
    memset(l, 0, sizeof *l);
    rdc_range_parse("0", 1, &l->fail_crit, &why);
    rdc_range_parse("0", 1, &l->warn_warn, &why);
}

rdc_nagios_t *rdc_nagios_new(void)
{
    rdc_nagios_t *n = calloc(1, sizeof(rdc_nagios_t));
    if (n)
        rdc_nagios_default_limits(&n->limits);
    return n;
}

void rdc_nagios_set_limits(rdc_nagios_t *n, const rdc_nagios_limits_t *l)
{
    n->limits = *l;
}

void rdc_nagios_set_verbose(rdc_nagios_t *n, bool verbose)
{
    n->verbose = verbose;
}

/* The index of verdict v in order[] (NORDER when not there). */
static size_t order_index(rdc_verdict_t v)
{
    size_t k = 0;
    while (k < NORDER && order[k] != v)
        k++;
    return k;
}

/* The state by n's limits: the addresses that fail and warn against the
 * ranges, domains by their own verdict, then what leaves it UNKNOWN. */
static rdc_nagios_state_t state_by_limits(const rdc_nagios_t *n, const rdc_counts_t *c,
                                          bool incomplete)
{
    const rdc_nagios_limits_t *l = &n->limits;
    double fail = (double)c->n[RDC_FAIL], warn = (double)c->n[RDC_WARN];
    if (rdc_range_alerts(&l->fail_crit, fail) || rdc_range_alerts(&l->warn_crit, warn) ||
        n->ndnamed[order_index(RDC_FAIL)])
        return RDC_NAGIOS_CRITICAL;
    if (rdc_range_alerts(&l->fail_warn, fail) || rdc_range_alerts(&l->warn_warn, warn) ||
        n->ndnamed[order_index(RDC_WARN)])
        return RDC_NAGIOS_WARNING;
    unsigned long total = 0;
    for (int i = 0; i <= RDC_ERROR; i++)
        total += c->n[i] + c->domains[i];
    if (c->n[RDC_TEMPFAIL] || c->domains[RDC_TEMPFAIL] || c->n[RDC_ERROR] ||
        c->domains[RDC_ERROR] || total == 0 || incomplete)
        return RDC_NAGIOS_UNKNOWN;
    return RDC_NAGIOS_OK;
}

void rdc_nagios_free(rdc_nagios_t *n)
{
    if (n == NULL)
        return;
    for (size_t i = 0; i < NORDER; i++) {
        rdc_buf_free(&n->named[i]);
        rdc_buf_free(&n->dnamed[i]);
    }
    rdc_buf_free(&n->lines);
    rdc_buf_free(&n->lead);
    free(n);
}

void rdc_nagios_text(rdc_buf_t *b, const char *s)
{
    for (const char *p = s; *p;) {
        size_t run = strcspn(p, "|");
        rdc_buf_append(b, p, run);
        p += run;
        if (*p == '|') {
            rdc_buf_append(b, "/", 1);
            p++;
        }
    }
}

void rdc_nagios_label(rdc_buf_t *b, const char *label)
{
    const char *p = label;
    while (*p && (strchr("_-.", *p) || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                  (*p >= '0' && *p <= '9')))
        p++;
    if (*p == '\0' && *label) {
        rdc_buf_puts(b, label);
        return;
    }
    rdc_buf_append(b, "'", 1);
    for (p = label; *p; p++) {
        if (*p == '\'')
            rdc_buf_append(b, "''", 2);
        else if (*p != '=')
            rdc_buf_append(b, p, 1);
    }
    rdc_buf_append(b, "'", 1);
}

/* What the result is about: the address (with the host name or domain
 * path it came from), a host name or domain, or a bad line. */
static void subject(rdc_buf_t *b, const rdc_result_t *r)
{
    char ip[RDC_ADDR_TEXT_MAX];
    if (r->kind == RDC_RESULT_ADDRESS) {
        rdc_buf_puts(b, rdc_addr_format(&r->addr, ip));
        if (r->via) {
            rdc_buf_puts(b, " (");
            rdc_nagios_text(b, r->via);
            rdc_buf_puts(b, ")");
        } else if (r->input && strcmp(r->input, ip) != 0 && strchr(r->input, '/') == NULL) {
            rdc_buf_puts(b, " (from ");
            rdc_nagios_text(b, r->input);
            rdc_buf_puts(b, ")");
        }
        return;
    }
    if (r->kind == RDC_RESULT_INVALID && r->line)
        rdc_buf_printf(b, "line %lu: ", r->line);
    rdc_nagios_text(b, r->input ? r->input : "");
    if (r->kind == RDC_RESULT_DOMAIN)
        rdc_buf_printf(b, " (%s)", r->domain.mode);
}

/* The distinct codes of r's problems, info notes aside: "no-ptr,generic-ptr". */
static void codes(rdc_buf_t *b, const rdc_result_t *r)
{
    bool any = false;
    for (size_t i = 0; i < r->nproblems; i++) {
        const rdc_problem_t *p = &r->problems[i];
        bool seen = p->severity == RDC_SEV_INFO;
        for (size_t k = 0; k < i && !seen; k++)
            seen = r->problems[k].code == p->code && r->problems[k].severity != RDC_SEV_INFO;
        if (seen)
            continue;
        if (any)
            rdc_buf_append(b, ",", 1);
        rdc_buf_puts(b, rdc_problem_name(p));
        any = true;
    }
    if (!any)
        rdc_buf_puts(b, rdc_verdict_name(r->verdict));
}

/* Names r in the status line's list for verdict v (addresses, or domains
 * by their own verdict), the first NAMED_MAX of each. */
static void name_in(rdc_buf_t *lists, unsigned long *counts, rdc_verdict_t v, const rdc_result_t *r)
{
    size_t k = order_index(v);
    if (k < NORDER && counts[k]++ < NAMED_MAX) {
        rdc_buf_t *b = &lists[k];
        if (b->len)
            rdc_buf_puts(b, ", ");
        subject(b, r);
        rdc_buf_append(b, " ", 1);
        codes(b, r);
    }
}

/* -v: a pass in the long output, with its confirming names (or, for a
 * domain, its addresses' counts). */
static void pass_line(rdc_buf_t *b, const rdc_result_t *r)
{
    subject(b, r);
    rdc_buf_puts(b, " pass");
    if (r->kind == RDC_RESULT_DOMAIN) {
        rdc_buf_puts(b, ": ");
        rdc_domain_counts(b, r);
    }
    const char *sep = ": ";
    for (size_t i = 0; i < r->nnames; i++) {
        if (!r->names[i].confirmed)
            continue;
        rdc_buf_puts(b, sep);
        rdc_nagios_text(b, r->names[i].name);
        sep = ", ";
    }
    rdc_buf_append(b, "\n", 1);
}

bool rdc_nagios_add(rdc_nagios_t *n, const rdc_result_t *r)
{
    if (r->verdict == RDC_PASS) {
        if (n->verbose)
            pass_line(&n->lines, r);
        return !n->lines.failed;
    }
    bool domain = r->kind == RDC_RESULT_DOMAIN;
    if (!domain)
        name_in(n->named, n->nnamed, r->verdict, r);
    else if (r->domain.own != RDC_PASS)
        name_in(n->dnamed, n->ndnamed, r->domain.own, r);
    /* long output: subject, verdict, codes, messages; a domain gives its
     * addresses' counts instead of codes when it has no problem itself */
    subject(&n->lines, r);
    rdc_buf_printf(&n->lines, " %s", rdc_verdict_name(r->verdict));
    if (domain) {
        rdc_buf_puts(&n->lines, ": ");
        rdc_domain_counts(&n->lines, r);
    }
    if (!domain || r->domain.own != RDC_PASS) {
        rdc_buf_puts(&n->lines, domain ? "; " : " ");
        codes(&n->lines, r);
    }
    for (size_t i = 0; i < r->nproblems; i++) {
        rdc_buf_puts(&n->lines, i ? "; " : ": ");
        rdc_nagios_text(&n->lines, r->problems[i].message);
    }
    rdc_buf_append(&n->lines, "\n", 1);
    bool failed = n->lines.failed;
    for (size_t i = 0; i < NORDER; i++)
        failed = failed || n->named[i].failed || n->dnamed[i].failed;
    return !failed;
}

/* The status line's text after "RDNS STATE - ": why the run is
 * incomplete, then per verdict how many and the first few addresses, then
 * the domains whose own lookups or policy did not pass. */
static void summary(rdc_buf_t *b, const rdc_nagios_t *n, const rdc_counts_t *c, unsigned long total,
                    const char *why)
{
    if (n && n->lead.len) {
        rdc_buf_append(b, n->lead.s, n->lead.len);
        rdc_buf_puts(b, "; ");
    }
    if (why) {
        rdc_nagios_text(b, why);
        rdc_buf_puts(b, total ? "; " : "");
    }
    bool first = true;
    for (size_t k = 0; k < NORDER; k++) {
        unsigned long cnt = c->n[order[k]];
        if (cnt == 0)
            continue;
        if (first)
            rdc_buf_printf(b, "%lu of %lu %s", cnt, total, rdc_verdict_name(order[k]));
        else
            rdc_buf_printf(b, "; %lu %s", cnt, rdc_verdict_name(order[k]));
        first = false;
        if (n && n->named[k].len) {
            rdc_buf_puts(b, ": ");
            rdc_buf_append(b, n->named[k].s, n->named[k].len);
            if (n->nnamed[k] > NAMED_MAX)
                rdc_buf_printf(b, " and %lu more", n->nnamed[k] - NAMED_MAX);
        }
    }
    if (first && total)
        rdc_buf_printf(b, "%lu of %lu pass", c->n[RDC_PASS], total);
    for (size_t k = 0; n && k < NORDER; k++) {
        if (n->ndnamed[k] == 0)
            continue;
        rdc_buf_printf(b, "%s%lu domain%s %s: ", first && !total ? "" : "; ", n->ndnamed[k],
                       n->ndnamed[k] == 1 ? "" : "s", rdc_verdict_name(order[k]));
        rdc_buf_append(b, n->dnamed[k].s, n->dnamed[k].len);
        if (n->ndnamed[k] > NAMED_MAX)
            rdc_buf_printf(b, " and %lu more", n->ndnamed[k] - NAMED_MAX);
        first = false;
    }
    if (first && !total && why == NULL)
        rdc_buf_puts(b, "nothing checked");
}

/* One count as performance data: 'label'=value;warn;crit;0;max. */
static void perf_count(rdc_buf_t *b, const char *label, unsigned long value, const rdc_range_t *w,
                       const rdc_range_t *c, unsigned long max)
{
    rdc_buf_printf(b, " '%s'=%lu;%s;%s;0;%lu", label, value, w && w->set ? w->text : "",
                   c && c->set ? c->text : "", max);
}

/* The performance data, after " |": the counts per verdict (warn and crit
 * of 'warn' and 'fail' by the limits; max: the addresses checked), the
 * run's time, the bad targets. */
static void perfdata(rdc_buf_t *b, const rdc_nagios_limits_t *l, const rdc_counts_t *c,
                     double seconds)
{
    unsigned long checked = 0;
    for (int i = 0; i < RDC_ERROR; i++)
        checked += c->n[i];
    rdc_buf_puts(b, " |");
    perf_count(b, "pass", c->n[RDC_PASS], NULL, NULL, checked);
    perf_count(b, "warn", c->n[RDC_WARN], &l->warn_warn, &l->warn_crit, checked);
    perf_count(b, "fail", c->n[RDC_FAIL], &l->fail_warn, &l->fail_crit, checked);
    perf_count(b, "tempfail", c->n[RDC_TEMPFAIL], NULL, NULL, checked);
    rdc_buf_printf(b, " time=%.3fs 'error'=%lu;;;0\n", seconds < 0 ? 0.0 : seconds,
                   c->n[RDC_ERROR]);
}

rdc_nagios_state_t rdc_nagios_write(FILE *f, const rdc_nagios_t *n, const rdc_counts_t *c,
                                    double seconds, const char *why)
{
    rdc_nagios_limits_t defaults;
    rdc_nagios_default_limits(&defaults);
    rdc_nagios_state_t st =
        n ? state_by_limits(n, c, why != NULL) : rdc_nagios_state(c, why != NULL);
    unsigned long total = 0;
    for (int i = 0; i <= RDC_ERROR; i++)
        total += c->n[i];
    rdc_buf_t b = {0};
    rdc_buf_printf(&b, "RDNS %s - ", rdc_nagios_state_name(st));
    summary(&b, n, c, total, why);
    perfdata(&b, n ? &n->limits : &defaults, c, seconds);
    if (b.failed) /* out of memory: the state line at least */
        fprintf(f, "RDNS %s - out of memory\n", rdc_nagios_state_name(st));
    else
        fwrite(b.s, 1, b.len, f);
    if (n && n->lines.len)
        fwrite(n->lines.s, 1, n->lines.len, f);
    rdc_buf_free(&b);
    return st;
}

void rdc_nagios_set_lead(rdc_nagios_t *n, const char *text)
{
    n->lead.len = 0;
    rdc_nagios_text(&n->lead, text);
}

void rdc_nagios_unknown(FILE *f, const char *why)
{
    rdc_buf_t b = {0};
    rdc_buf_puts(&b, "RDNS UNKNOWN - ");
    rdc_nagios_text(&b, why);
    rdc_buf_append(&b, "\n", 1);
    if (!b.failed)
        fwrite(b.s, 1, b.len, f);
    else
        fputs("RDNS UNKNOWN - out of memory\n", f);
    rdc_buf_free(&b);
}
