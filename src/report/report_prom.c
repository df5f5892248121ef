/* report_prom.c - --format prometheus: the Prometheus text exposition
 * format (version 0.0.4) for node_exporter's textfile collector. Gauges
 * only, every family's samples together, no timestamps on samples (the
 * collector refuses them); the per-address family streams, the others
 * follow at the end. */
#include "report_mon.h"
#include "seen.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rdc_prom {
    /* hashes of the series written (by ip, or by input for a result
     * without an address), so a target listed twice does not write the
     * same series twice (a duplicate series makes the textfile collector
     * drop it with an error) */
    rdc_seen_t seen;
    rdc_buf_t domains; /* rdnscheck_domain_verdict samples, for the end */
    char shard[32]; /* --shard "I/N", a label of every sample; "" without */
    rdc_buf_t labels; /* --label: name="value",... rendered, for every sample */
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
    rdc_seen_clear(&p->seen);
    rdc_buf_free(&p->domains);
    rdc_buf_free(&p->labels);
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

/* The labels every sample of rdnscheck has: a --label may not take them. */
static const char *const own_labels[] = {"ip",   "input", "verdict", "domain",
                                         "mode", "code",  "shard"};

/* Length of the valid UTF-8 sequence at s (not NUL), 0 when it is not one
 * (overlong forms, surrogates and code points above U+10FFFF refused). */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0], cp, n;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    for (unsigned i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

const char *rdc_prom_label_check(const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (eq == NULL)
        return "needs NAME=VALUE";
    size_t n = (size_t)(eq - arg);
    if (n == 0)
        return "the label name is empty";
    for (size_t i = 0; i < n; i++) {
        char c = arg[i];
        bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        if (!letter && !(i > 0 && c >= '0' && c <= '9'))
            return "a label name is letters, digits and '_', not starting with a digit "
                   "([a-zA-Z_][a-zA-Z0-9_]*)";
    }
    if (n >= 2 && arg[0] == '_' && arg[1] == '_')
        return "label names starting with '__' are reserved for Prometheus itself";
    for (size_t i = 0; i < sizeof own_labels / sizeof own_labels[0]; i++)
        if (strlen(own_labels[i]) == n && strncmp(arg, own_labels[i], n) == 0)
            return "rdnscheck sets this label itself (ip, input, verdict, domain, mode, code, "
                   "shard)";
    if (eq[1] == '\0')
        return "the value is empty (an empty label value is the same as no label)";
    for (const unsigned char *v = (const unsigned char *)eq + 1; *v;) {
        if ((*v < 0x20 && *v != '\n' && *v != '\t') || *v == 0x7f)
            return "the value has a control character";
        size_t k = utf8_len(v);
        if (k == 0)
            return "the value is not UTF-8";
        v += k;
    }
    return NULL;
}

bool rdc_prom_add_label(rdc_prom_t *p, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (eq == NULL || rdc_prom_label_check(arg) != NULL)
        return false;
    if (p->labels.len)
        rdc_buf_puts(&p->labels, ",");
    rdc_buf_append(&p->labels, arg, (size_t)(eq - arg));
    rdc_buf_puts(&p->labels, "=\"");
    rdc_prom_label_value(&p->labels, eq + 1);
    rdc_buf_puts(&p->labels, "\"");
    return !p->labels.failed;
}

/* True when key was not in the set (and is now); false when it was, or
 * without memory (p->failed). */
static bool first_time(rdc_prom_t *p, uint64_t key)
{
    unsigned long n = rdc_seen_add(&p->seen, key);
    if (n == 0)
        p->failed = true;
    return n == 1;
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

/* Writes `name{label="value",...,shard="I/N",L="V"} value\n` into b:
 * labels and values alternate in lv, NULL ends them; the shard label only
 * with --shard; then the --label labels; no braces when there is no
 * label. */
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
    if (p && p->labels.len) {
        rdc_buf_puts(b, any ? "," : "{");
        rdc_buf_append(b, p->labels.s, p->labels.len);
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
    uint64_t h = rdc_hash64(RDC_HASH64_INIT, addr ? "a" : "i", 2);
    if (!first_time(p, rdc_hash64(h, key, strlen(key))))
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
    rdc_buf_puts(&b, "# HELP rdnscheck_input_errors Bad targets in the last run: lines of FILE "
                     "that are no address, block or host name (each is also a rdnscheck_verdict "
                     "sample with verdict error).\n"
                     "# TYPE rdnscheck_input_errors gauge\n");
    snprintf(v, sizeof v, "%lu", c->n[RDC_ERROR]);
    sample(&b, p, "rdnscheck_input_errors", NULL, v);
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
