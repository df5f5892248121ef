/* report_prom.c - --format prometheus: the Prometheus text exposition
 * format (version 0.0.4) for node_exporter's textfile collector. Gauges
 * only, every family's samples together, no timestamps on samples (the
 * collector refuses them); the per-address family streams, the others
 * follow at the end. */
#include "report_mon.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct rdc_prom {
    /* 64-bit FNV-1a hashes of the (input, ip) series written, in an
     * open-addressing set (0 marks a free slot), so a target listed twice
     * does not write the same series twice (a duplicate series makes the
     * textfile collector drop it with an error) */
    uint64_t *seen;
    size_t nseen, cap;
    rdc_buf_t domains; /* rdnscheck_domain_verdict samples, for the end */
    bool failed;
};

rdc_prom_t *rdc_prom_new(void)
{
    return calloc(1, sizeof(rdc_prom_t));
}

void rdc_prom_free(rdc_prom_t *p)
{
    if (p == NULL)
        return;
    free(p->seen);
    rdc_buf_free(&p->domains);
    free(p);
}

void rdc_prom_label_value(rdc_buf_t *b, const char *s)
{
    for (const char *q = s; *q;) {
        size_t run = strcspn(q, "\\\"\n");
        rdc_buf_append(b, q, run);
        q += run;
        if (*q == '\\')
            rdc_buf_append(b, "\\\\", 2);
        else if (*q == '"')
            rdc_buf_append(b, "\\\"", 2);
        else if (*q == '\n')
            rdc_buf_append(b, "\\n", 2);
        if (*q)
            q++;
    }
}

static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

/* True when key was not in the set (and is now); false when it was, or
 * without memory (p->failed). */
static bool first_time(rdc_prom_t *p, uint64_t key)
{
    key = key ? key : 1; /* 0 marks a free slot */
    if (2 * (p->nseen + 1) > p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 1024;
        uint64_t *t = calloc(cap, sizeof *t);
        if (t == NULL) {
            p->failed = true;
            return false;
        }
        for (size_t i = 0; i < p->cap; i++) {
            if (p->seen[i] == 0)
                continue;
            size_t j = (size_t)(p->seen[i] & (cap - 1));
            while (t[j])
                j = (j + 1) & (cap - 1);
            t[j] = p->seen[i];
        }
        free(p->seen);
        p->seen = t;
        p->cap = cap;
    }
    size_t j = (size_t)(key & (p->cap - 1));
    while (p->seen[j]) {
        if (p->seen[j] == key)
            return false;
        j = (j + 1) & (p->cap - 1);
    }
    p->seen[j] = key;
    p->nseen++;
    return true;
}

static void family(FILE *f, const char *name, const char *help)
{
    fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

void rdc_prom_begin(FILE *f)
{
    family(f, "rdnscheck_verdict",
           "Verdict of each address checked in the last run (pass, warn, tempfail, fail; "
           "error for a bad target), 1 for the verdict it has.");
}

/* Writes `name{label="value",...} 1\n` into b; labels and values alternate,
 * NULL ends them. */
static void sample(rdc_buf_t *b, const char *name, const char *const *lv)
{
    rdc_buf_puts(b, name);
    for (size_t i = 0; lv[i]; i += 2) {
        rdc_buf_puts(b, i ? "," : "{");
        rdc_buf_puts(b, lv[i]);
        rdc_buf_puts(b, "=\"");
        rdc_prom_label_value(b, lv[i + 1]);
        rdc_buf_puts(b, "\"");
    }
    rdc_buf_puts(b, "} 1\n");
}

bool rdc_prom_add(rdc_prom_t *p, FILE *f, const rdc_result_t *r)
{
    char ip[RDC_ADDR_TEXT_MAX] = "";
    const char *input = r->input ? r->input : "";
    if (r->kind == RDC_RESULT_DOMAIN) {
        const char *lv[] = {
            "domain", input, "mode", r->domain.mode, "verdict", rdc_verdict_name(r->verdict), NULL};
        sample(&p->domains, "rdnscheck_domain_verdict", lv);
        p->failed = p->failed || p->domains.failed;
        return !p->failed;
    }
    if (r->kind == RDC_RESULT_ADDRESS)
        rdc_addr_format(&r->addr, ip);
    uint64_t h = fnv1a(UINT64_C(14695981039346656037), input, strlen(input) + 1);
    if (!first_time(p, fnv1a(h, ip, strlen(ip))))
        return !p->failed;
    const char *lv[] = {"input", input, "ip", ip, "verdict", rdc_verdict_name(r->verdict), NULL};
    rdc_buf_t b = {0};
    sample(&b, "rdnscheck_verdict", lv);
    if (b.failed)
        p->failed = true;
    else
        fwrite(b.s, 1, b.len, f);
    rdc_buf_free(&b);
    return !p->failed;
}

void rdc_prom_finish(const rdc_prom_t *p, FILE *f, const rdc_counts_t *c, double duration,
                     double timestamp)
{
    static const rdc_verdict_t verdicts[] = {RDC_PASS, RDC_WARN, RDC_TEMPFAIL, RDC_FAIL, RDC_ERROR};
    family(f, "rdnscheck_domain_verdict",
           "Verdict of each --mx/--spf domain in the last run, 1 for the verdict it has.");
    if (p && p->domains.len)
        fwrite(p->domains.s, 1, p->domains.len, f);
    family(f, "rdnscheck_results", "Results of the last run by verdict.");
    for (size_t i = 0; i < sizeof verdicts / sizeof verdicts[0]; i++)
        fprintf(f, "rdnscheck_results{verdict=\"%s\"} %lu\n", rdc_verdict_name(verdicts[i]),
                c->n[verdicts[i]]);
    family(f, "rdnscheck_problems", "Problems found in the last run by code.");
    for (int k = 0; k < RDC_CODE_COUNT; k++)
        fprintf(f, "rdnscheck_problems{code=\"%s\"} %lu\n", rdc_code_name((rdc_code_t)k),
                c->codes[k]);
    family(f, "rdnscheck_run_duration_seconds", "How long the last run took.");
    fprintf(f, "rdnscheck_run_duration_seconds %.3f\n", duration < 0 ? 0.0 : duration);
    family(f, "rdnscheck_last_run_timestamp_seconds",
           "When the last run ended, in seconds since the Unix epoch.");
    fprintf(f, "rdnscheck_last_run_timestamp_seconds %.3f\n", timestamp);
}
