/* report_prom.c - --format prometheus: the Prometheus text exposition
 * format (version 0.0.4) for node_exporter's textfile collector. Gauges
 * only, every family's samples together, no timestamps on samples (the
 * collector refuses them); the per-address family streams, the others
 * follow at the end. */
#include "report_mon.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rdc_prom {
    /* 64-bit FNV-1a hashes of the series written (by ip, or by input for
     * a result without an address), in an
     * open-addressing set (0 marks a free slot), so a target listed twice
     * does not write the same series twice (a duplicate series makes the
     * textfile collector drop it with an error) */
    uint64_t *seen;
    size_t nseen, cap;
    rdc_buf_t domains; /* rdnscheck_domain_verdict samples, for the end */
    char shard[32]; /* --shard "I/N", a label of every sample; "" without */
    bool failed;
};

rdc_prom_t *rdc_prom_new(unsigned shard_index, unsigned shard_count)
{
    rdc_prom_t *p = calloc(1, sizeof(rdc_prom_t));
    if (p && shard_count > 1)
        snprintf(p->shard, sizeof p->shard, "%u/%u", shard_index + 1, shard_count);
    return p;
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

/* Writes `name{label="value",...,shard="I/N"} value\n` into b: labels and
 * values alternate in lv, NULL ends them; the shard label only with
 * --shard; no braces when there is no label. */
static void sample(rdc_buf_t *b, const rdc_prom_t *p, const char *name, const char *const *lv,
                   const char *value)
{
    static const char *const none[] = {NULL};
    const char *const *all[] = {lv ? lv : none, none};
    const char *shard[] = {"shard", p ? p->shard : "", NULL};
    if (p && p->shard[0])
        all[1] = shard;
    bool any = false;
    rdc_buf_puts(b, name);
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; all[k][i]; i += 2) {
            rdc_buf_puts(b, any ? "," : "{");
            rdc_buf_puts(b, all[k][i]);
            rdc_buf_puts(b, "=\"");
            rdc_prom_label_value(b, all[k][i + 1]);
            rdc_buf_puts(b, "\"");
            any = true;
        }
    rdc_buf_puts(b, any ? "} " : " ");
    rdc_buf_puts(b, value);
    rdc_buf_puts(b, "\n");
}

bool rdc_prom_add(rdc_prom_t *p, FILE *f, const rdc_result_t *r)
{
    char ip[RDC_ADDR_TEXT_MAX] = "";
    const char *input = r->input ? r->input : "";
    if (r->kind == RDC_RESULT_DOMAIN) {
        const char *lv[] = {
            "domain", input, "mode", r->domain.mode, "verdict", rdc_verdict_name(r->verdict), NULL};
        sample(&p->domains, p, "rdnscheck_domain_verdict", lv, "1");
        p->failed = p->failed || p->domains.failed;
        return !p->failed;
    }
    /* an address is its own series, {ip, verdict}, whichever target it
     * came from (the first result wins when two targets name it); a
     * result without an address is {input, verdict} */
    bool addr = r->kind == RDC_RESULT_ADDRESS;
    if (addr)
        rdc_addr_format(&r->addr, ip);
    const char *key = addr ? ip : input;
    uint64_t h = fnv1a(UINT64_C(14695981039346656037), addr ? "a" : "i", 2);
    if (!first_time(p, fnv1a(h, key, strlen(key))))
        return !p->failed;
    const char *lv[] = {addr ? "ip" : "input", key, "verdict", rdc_verdict_name(r->verdict), NULL};
    rdc_buf_t b = {0};
    sample(&b, p, "rdnscheck_verdict", lv, "1");
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
    rdc_buf_t b = {0};
    char v[64];
    rdc_buf_puts(&b, "# HELP rdnscheck_results Addresses and bad targets of the last run by "
                     "verdict (domains: rdnscheck_domain_verdict).\n"
                     "# TYPE rdnscheck_results gauge\n");
    for (size_t i = 0; i < sizeof verdicts / sizeof verdicts[0]; i++) {
        const char *lv[] = {"verdict", rdc_verdict_name(verdicts[i]), NULL};
        snprintf(v, sizeof v, "%lu", c->n[verdicts[i]]);
        sample(&b, p, "rdnscheck_results", lv, v);
    }
    rdc_buf_puts(&b, "# HELP rdnscheck_problems Problems found in the last run by code.\n"
                     "# TYPE rdnscheck_problems gauge\n");
    for (int k = 0; k < RDC_CODE_COUNT; k++) {
        const char *lv[] = {"code", rdc_code_name((rdc_code_t)k), NULL};
        snprintf(v, sizeof v, "%lu", c->codes[k]);
        sample(&b, p, "rdnscheck_problems", lv, v);
    }
    rdc_buf_puts(&b, "# HELP rdnscheck_run_duration_seconds How long the last run took.\n"
                     "# TYPE rdnscheck_run_duration_seconds gauge\n");
    snprintf(v, sizeof v, "%.3f", duration < 0 ? 0.0 : duration);
    sample(&b, p, "rdnscheck_run_duration_seconds", NULL, v);
    rdc_buf_puts(&b, "# HELP rdnscheck_last_run_timestamp_seconds When the last run ended, in "
                     "seconds since the Unix epoch.\n"
                     "# TYPE rdnscheck_last_run_timestamp_seconds gauge\n");
    snprintf(v, sizeof v, "%.3f", timestamp);
    sample(&b, p, "rdnscheck_last_run_timestamp_seconds", NULL, v);
    if (b.failed)
        fputs("# out of memory\n", f);
    else
        fwrite(b.s, 1, b.len, f);
    rdc_buf_free(&b);
}
