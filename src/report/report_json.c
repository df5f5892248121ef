/* report_json.c - JSON Lines output: one compact object per address, keys in
 * a fixed order, always valid UTF-8 (in fact ASCII: names arrive escaped).
 * Every record opens with its type and the schema version (schema/, README
 * "JSON output"). */
#include "report.h"

#include <string.h>

#include "dnsmsg.h"
#include "idn.h"

static void problems(FILE *f, const rdc_result_t *r)
{
    fputs(",\"problems\":[", f);
    for (size_t i = 0; i < r->nproblems; i++) {
        const rdc_problem_t *p = &r->problems[i];
        fputs(i ? ",{\"code\":" : "{\"code\":", f);
        rdc_json_string(f, rdc_problem_name(p));
        fputs(",\"severity\":", f);
        rdc_json_string(f, rdc_severity_name(p->severity));
        fputs(",\"message\":", f);
        rdc_json_string(f, p->message);
        if (p->fix) {
            fputs(",\"fix\":", f);
            rdc_json_string(f, p->fix);
        }
        putc('}', f);
    }
    putc(']', f);
}

static void addr_list(FILE *f, const rdc_addr_t *a, size_t n)
{
    char ip[RDC_ADDR_TEXT_MAX];
    putc('[', f);
    for (size_t k = 0; k < n; k++) {
        if (k)
            putc(',', f);
        rdc_json_string(f, rdc_addr_format(&a[k], ip));
    }
    putc(']', f);
}

/* "helo":{"name":...,"result":"pass|warn|fail|tempfail","addresses":[...]} */
static void helo(FILE *f, const rdc_result_t *r)
{
    const char *result = rdc_verdict_name(r->helo_verdict);
    fputs(",\"helo\":{\"name\":", f);
    rdc_json_string(f, r->helo->name);
    fprintf(f, ",\"result\":\"%s\",\"addresses\":", result);
    addr_list(f, r->helo->addrs, r->helo->naddrs);
    putc('}', f);
}

/* "dnsbl":[{"zone":...,"result":"clean|listed|error","codes":[...],"reason":...}] */
static void dnsbl(FILE *f, const rdc_result_t *r)
{
    static const char *const state[] = {"clean", "listed", "error", "error"};
    fputs(",\"dnsbl\":[", f);
    for (size_t i = 0; i < r->ndnsbl; i++) {
        const rdc_dnsbl_result_t *d = &r->dnsbl[i];
        fputs(i ? ",{\"zone\":" : "{\"zone\":", f);
        rdc_json_string(f, d->zone);
        fprintf(f, ",\"result\":\"%s\",\"codes\":", state[d->state]);
        addr_list(f, d->codes, d->ncodes);
        if (d->reason) {
            fputs(",\"reason\":", f);
            rdc_json_string(f, d->reason);
        }
        putc('}', f);
    }
    putc(']', f);
}

/* "smtp":{"port":25,"result":"pass|warn|fail|tempfail","greeting":...,
 *  "greeting_host":...,"ehlo_host":...,"detail":...,"elapsed_ms":N} */
static void smtp(FILE *f, const rdc_smtp_result_t *s)
{
    fprintf(f, ",\"smtp\":{\"port\":%u,\"result\":\"%s\"", s->port,
            rdc_verdict_name(s->banner_verdict));
    if (s->greeting) {
        fputs(",\"greeting\":", f);
        rdc_json_string(f, s->greeting);
    }
    if (s->outcome == RDC_PROBE_OK) {
        fputs(",\"greeting_host\":", f);
        if (s->banner.kind == RDC_NAME_INVALID)
            fputs("null", f);
        else
            rdc_json_string(f, s->banner.name);
    }
    if (s->ehlo_host) {
        fprintf(f, ",\"ehlo_code\":%u,\"ehlo_host\":", s->ehlo_code);
        rdc_json_string(f, s->ehlo_host);
    }
    if (s->detail) {
        fputs(",\"detail\":", f);
        rdc_json_string(f, s->detail);
    }
    fprintf(f, ",\"elapsed_ms\":%u}", s->elapsed_ms);
}

/* -v: "trace":[{"event":"query","type":"PTR","name":...,"server":...,
 * "result":"NOERROR","error":...,"ms":N},{"event":"record","text":...},
 * {"event":"note","text":...},{"event":"smtp","dir":">","text":...}]
 * ("server", "error" and "dir" only when there is one). */
static void trace(FILE *f, const rdc_trace_t *t)
{
    char tb[16];
    fputs(",\"trace\":[", f);
    for (size_t i = 0; i < t->n; i++) {
        const rdc_event_t *ev = &t->events[i];
        fprintf(f, "%s{\"event\":\"%s\"", i ? "," : "", rdc_event_kind_name(ev->kind));
        if (ev->kind == RDC_EV_QUERY) {
            fputs(",\"type\":", f);
            rdc_json_string(f, rdc_type_name(ev->qtype, tb));
            fputs(",\"name\":", f);
            rdc_json_string(f, ev->name);
            if (ev->server) {
                fputs(",\"server\":", f);
                rdc_json_string(f, ev->server);
            }
            fputs(",\"result\":", f);
            rdc_json_string(f, ev->result);
            if (ev->error) {
                fputs(",\"error\":", f);
                rdc_json_string(f, ev->error);
            }
            fprintf(f, ",\"ms\":%u}", ev->ms);
            continue;
        }
        if (ev->kind == RDC_EV_SMTP && ev->dir) {
            char dir[2] = {ev->dir, '\0'};
            fputs(",\"dir\":", f);
            rdc_json_string(f, dir);
        }
        fputs(",\"text\":", f);
        rdc_json_string(f, ev->text);
        putc('}', f);
    }
    putc(']', f);
}

void rdc_json_record_start(FILE *f, const char *type)
{
    char at[32];
    rdc_rfc3339_ms(at, sizeof at, rdc_wall_ms());
    fprintf(f, "{\"type\":\"%s\",\"schema\":%d,\"time\":\"%s\"", type, RDC_JSON_SCHEMA, at);
}

/* The summary of a --mx/--spf domain, before its addresses. */
static void domain_summary(FILE *f, const rdc_result_t *r)
{
    rdc_json_record_start(f, "domain");
    fputs(",\"domain\":", f);
    rdc_json_string(f, r->input ? r->input : "");
    const unsigned long *n = r->domain.verdicts;
    fprintf(f,
            ",\"mode\":\"%s\",\"verdict\":\"%s\",\"addresses\":%lu,\"lookups\":%u,"
            "\"own_verdict\":\"%s\",\"address_verdicts\":{\"pass\":%lu,\"warn\":%lu,\"fail\":%lu,"
            "\"tempfail\":%lu}",
            r->domain.mode, rdc_verdict_name(r->verdict), r->domain.addresses, r->domain.lookups,
            rdc_verdict_name(r->domain.own), n[RDC_PASS], n[RDC_WARN], n[RDC_FAIL],
            n[RDC_TEMPFAIL]);
    problems(f, r);
    fputs("}\n", f);
}

/* "ptr" (every PTR name), "confirmed" (those that confirm) and "forward"
 * (each checked name's addresses). */
static void names(FILE *f, const rdc_result_t *r)
{
    char ip[RDC_ADDR_TEXT_MAX];
    fputs(",\"ptr\":[", f);
    for (size_t i = 0; i < r->nnames; i++) {
        if (i)
            putc(',', f);
        rdc_json_string(f, r->names[i].name);
    }
    fputs("],\"confirmed\":[", f);
    bool first = true;
    for (size_t i = 0; i < r->nnames; i++) {
        if (!r->names[i].confirmed)
            continue;
        if (!first)
            putc(',', f);
        first = false;
        rdc_json_string(f, r->names[i].name);
    }
    fputs("],\"forward\":{", f);
    first = true;
    for (size_t i = 0; i < r->nnames; i++) {
        const rdc_name_result_t *n = &r->names[i];
        if (n->kind != RDC_NAME_CHECKED)
            continue;
        if (!first)
            putc(',', f);
        first = false;
        rdc_json_string(f, n->name);
        putc(':', f);
        putc('[', f);
        for (size_t k = 0; k < n->naddrs; k++) {
            if (k)
                putc(',', f);
            rdc_json_string(f, rdc_addr_format(&n->addrs[k], ip));
        }
        putc(']', f);
    }
    putc('}', f);
}

void rdc_report_json(FILE *f, const rdc_result_t *r, const rdc_report_opts_t *o)
{
    char ip[RDC_ADDR_TEXT_MAX];
    if (r->kind == RDC_RESULT_DOMAIN) {
        domain_summary(f, r);
        return;
    }
    rdc_json_record_start(f, r->verdict == RDC_ERROR ? "input-error" : "address");
    fputs(",\"input\":", f);
    rdc_json_string(f, r->input ? r->input : "");
    char ascii[RDC_NAME_TEXT_MAX];
    if (r->verdict != RDC_ERROR && r->input && rdc_idn_has_unicode(r->input, strlen(r->input)) &&
        rdc_idn_to_ascii(r->input, strlen(r->input), ascii, sizeof ascii, NULL)) {
        fputs(",\"input_ascii\":", f); /* a host name typed in Unicode: what was looked up */
        rdc_json_string(f, ascii);
    }
    if (r->verdict == RDC_ERROR) {
        fprintf(f, ",\"line\":%lu,\"verdict\":\"error\"", r->line);
        problems(f, r);
        fputs("}\n", f);
        return;
    }
    fputs(",\"ip\":", f);
    if (r->kind == RDC_RESULT_ADDRESS)
        rdc_json_string(f, rdc_addr_format(&r->addr, ip));
    else
        fputs("null", f);
    if (r->via) {
        fputs(",\"via\":", f);
        rdc_json_string(f, r->via);
    }
    fprintf(f, ",\"verdict\":\"%s\"", rdc_verdict_name(r->verdict));
    names(f, r);
    if (r->helo)
        helo(f, r);
    if (r->ndnsbl)
        dnsbl(f, r);
    if (r->smtp)
        smtp(f, r->smtp);
    if (r->authority)
        rdc_report_json_authority(f, r->authority);
    problems(f, r);
    fprintf(f, ",\"elapsed_ms\":%u", r->elapsed_ms);
    if (o && o->verbose)
        trace(f, &r->trace);
    fputs("}\n", f);
}
