/* eharness.c - the engine harness of the unit tests (eharness.h). */
#define _POSIX_C_SOURCE 200809L
#include "unit.h"

#include "eharness.h"

#include "dnsmsg.h"
#include "verdict.h"

volatile unsigned eh_alloc_paused;

char *eh_xstrdup(const char *s)
{
    char *d = strdup(s ? s : "");
    assert_non_null(d);
    return d;
}

static const char *kind_tag(rdc_name_kind_t k)
{
    switch (k) {
    case RDC_NAME_CHECKED:
        return "c";
    case RDC_NAME_INVALID:
        return "i";
    case RDC_NAME_RELATIVE:
        return "r";
    case RDC_NAME_SKIPPED:
        return "s";
    case RDC_NAME_LITERAL:
        return "l";
    }
    return "?";
}

static const char *status_tag(rdc_dns_status_t s)
{
    static const char *const tags[] = {"OK",       "NODATA",  "NXDOMAIN",    "TIMEOUT",
                                       "SERVFAIL", "REFUSED", "UNREACHABLE", "ERROR"};
    return s <= RDC_DNS_S_ERROR ? tags[s] : "?";
}

/* "STATUS[data,data]" */
static void render_answer(rdc_buf_t *b, const rdc_auth_answer_t *a)
{
    rdc_buf_printf(b, "%s[", status_tag(a->status));
    for (size_t i = 0; i < a->n; i++)
        rdc_buf_printf(b, "%s%s", i ? "," : "", a->data[i]);
    rdc_buf_puts(b, "]");
}

static void render_ns(rdc_buf_t *b, const rdc_auth_question_t *q)
{
    for (size_t i = 0; i < q->nns; i++) {
        rdc_buf_printf(b, "%s%s", i ? "," : "", q->ns[i]);
        unsigned fl = q->ns_info ? q->ns_info[i].flags : 0;
        if (fl & RDC_AUTH_NSF_NO_ADDRESS)
            rdc_buf_puts(b, "!noaddr");
        if (fl & RDC_AUTH_NSF_CNAME)
            rdc_buf_printf(b, "!alias=%s", q->ns_info[i].alias_of);
        if (fl & RDC_AUTH_NSF_PARENT_ONLY)
            rdc_buf_puts(b, "!parentonly");
        if (fl & RDC_AUTH_NSF_CHILD_ONLY)
            rdc_buf_puts(b, "!zoneonly");
    }
}

static void render_server(rdc_buf_t *b, const rdc_auth_server_t *s)
{
    char ip[RDC_ADDR_TEXT_MAX];
    rdc_buf_printf(b, "  %s %s %s serial=", s->ns ? s->ns : "(null)", rdc_addr_format(&s->addr, ip),
                   rdc_auth_state_name(s->state));
    if (s->has_serial)
        rdc_buf_printf(b, "%lu", (unsigned long)s->serial);
    else
        rdc_buf_puts(b, "-");
    rdc_buf_printf(b, " asked=%d", s->asked);
    if (s->asked && s->state == RDC_AUTH_S_OK) {
        rdc_buf_puts(b, " answer=");
        render_answer(b, &s->answer);
    }
    rdc_buf_puts(b, "\n");
}

void eh_render_question(rdc_buf_t *b, const rdc_auth_question_t *q)
{
    rdc_buf_printf(b, "%s %s zone=%s mname=%s contact=%s serial=%lu min=%lu ns=",
                   q->type == RDC_TYPE_PTR ? "PTR"
                   : q->type == RDC_TYPE_A ? "A"
                                           : "AAAA",
                   q->name ? q->name : "(null)", q->zone ? q->zone : "-", q->mname ? q->mname : "-",
                   q->contact ? q->contact : "-", (unsigned long)q->serial,
                   (unsigned long)q->minimum);
    render_ns(b, q);
    rdc_buf_printf(b, "%s consistent=%d source=", q->nns ? "" : "-", q->consistent);
    if (q->has_source)
        render_answer(b, &q->source);
    else
        rdc_buf_puts(b, "-");
    rdc_buf_printf(b, " stale=%d resolver=", q->stale);
    render_answer(b, &q->resolver);
    if (q->resolver_ttl == RDC_TTL_UNKNOWN)
        rdc_buf_puts(b, " ttl=-");
    else
        rdc_buf_printf(b, " ttl=%lu", (unsigned long)q->resolver_ttl);
    rdc_buf_printf(b, " error=%s", q->error ? q->error : "-");
    /* only when they say something: min(SOA TTL, MINIMUM) other than
     * MINIMUM, serials that differ, a locally served zone */
    if (q->zone && q->negative_ttl != q->minimum)
        rdc_buf_printf(b, " neg=%lu", (unsigned long)q->negative_ttl);
    if (q->serials_differ)
        rdc_buf_puts(b, " serials=differ");
    if (q->local)
        rdc_buf_puts(b, " local=1");
    if (q->parent_zone)
        rdc_buf_printf(b, " parent=%s", q->parent_zone);
    rdc_buf_puts(b, "\n");
    for (size_t i = 0; i < q->nservers; i++)
        render_server(b, &q->servers[i]);
}

/* The verdict line: "IP VERDICT CODE:SEV ...". */
static char *render_line(const rdc_result_t *r)
{
    rdc_buf_t line = {0};
    char ip[RDC_ADDR_TEXT_MAX];
    bool domain = r->kind == RDC_RESULT_DOMAIN;
    rdc_buf_printf(&line, "%s %s",
                   r->kind == RDC_RESULT_ADDRESS ? rdc_addr_format(&r->addr, ip) : "-",
                   rdc_verdict_name(domain ? r->domain.own : r->verdict));
    if (domain && r->verdict != r->domain.own)
        rdc_buf_printf(&line, " =%s", rdc_verdict_name(r->verdict));
    for (size_t i = 0; i < r->nproblems; i++) {
        const rdc_problem_t *p = &r->problems[i];
        rdc_buf_printf(&line, " %s:%s", rdc_problem_name(p), rdc_severity_name(p->severity));
    }
    char *s = rdc_buf_take(&line);
    assert_non_null(s);
    return s;
}

static void render_names(rdc_buf_t *text, const rdc_result_t *r)
{
    if (r->nnames) {
        rdc_buf_puts(text, "names:");
        for (size_t i = 0; i < r->nnames; i++)
            rdc_buf_printf(text, " %s[%s%s%s]", r->names[i].name, kind_tag(r->names[i].kind),
                           r->names[i].confirmed ? "+" : "", r->names[i].via_cname ? "~" : "");
        rdc_buf_puts(text, "\n");
    }
    if (r->helo)
        rdc_buf_printf(text, "helo: %s[%s%s] %s\n", r->helo->name, kind_tag(r->helo->kind),
                       r->helo->confirmed ? "+" : "", rdc_verdict_name(r->helo_verdict));
}

/* Problems, input, via, names, HELO, DNSBL, domain, tree, then the trace. */
static char *render_text(const rdc_result_t *r, const char *trace)
{
    rdc_buf_t text = {0};
    for (size_t i = 0; i < r->nproblems; i++) {
        const rdc_problem_t *p = &r->problems[i];
        assert_true(unit_printable(p->message));
        rdc_buf_printf(&text, "%s: %s\n", rdc_problem_name(p), p->message);
        if (p->fix)
            rdc_buf_printf(&text, "fix: %s\n", p->fix);
    }
    rdc_buf_printf(&text, "input: %s\n", r->input ? r->input : "(null)");
    if (r->via)
        rdc_buf_printf(&text, "via: %s\n", r->via);
    render_names(&text, r);
    for (size_t i = 0; i < r->ndnsbl; i++)
        rdc_buf_printf(&text, "dnsbl: %s state=%d codes=%zu reason=%s\n", r->dnsbl[i].zone,
                       (int)r->dnsbl[i].state, r->dnsbl[i].ncodes,
                       r->dnsbl[i].reason ? r->dnsbl[i].reason : "-");
    if (r->kind == RDC_RESULT_DOMAIN)
        rdc_buf_printf(&text, "domain: %s addresses=%lu lookups=%u\n", r->domain.mode,
                       r->domain.addresses, r->domain.lookups);
    if (r->domain.tree)
        rdc_buf_printf(&text, "tree:\n%s", r->domain.tree);
    if (trace)
        rdc_buf_printf(&text, "trace:\n%s", trace);
    char *s = rdc_buf_take(&text);
    return s ? s : eh_xstrdup("");
}

static void keep_authority(eh_got_t *g, const rdc_result_t *r)
{
    g->src_checked = g->src_confirms = -1;
    if (r->authority == NULL)
        return;
    rdc_buf_t all = {0}, ptr = {0};
    eh_render_question(&ptr, &r->authority->ptr);
    eh_render_question(&all, &r->authority->ptr);
    for (size_t i = 0; i < r->authority->nforward; i++)
        eh_render_question(&all, &r->authority->forward[i]);
    g->auth = rdc_buf_take(&all);
    g->ptr = rdc_buf_take(&ptr);
    assert_non_null(g->auth);
    assert_non_null(g->ptr);
    g->nforward = r->authority->nforward;
    g->src_checked = r->authority->ptr.source_checked;
    g->src_confirms = r->authority->ptr.source_confirms;
}

/* A wait (emit with NULL): the idle hook and the stop conditions. */
static bool on_idle(eh_t *h)
{
    if (h->stop_when_idle)
        h->stop = 1;
    if (h->stop_when_held && sdns_held(h->s) > 0 && sdns_pending(h->s) == sdns_held(h->s))
        h->stop = 1;
    if (h->idle)
        h->idle(h);
    return !h->fail_idle;
}

static bool collect_(eh_t *h, const rdc_result_t *r)
{
    if (r == NULL)
        return on_idle(h);
    if (h->fail_emit_at >= 0 && (long)h->n == h->fail_emit_at)
        return false;
    if (h->n == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 16;
        h->got = realloc(h->got, h->cap * sizeof *h->got);
        assert_non_null(h->got);
    }
    eh_got_t *g = &h->got[h->n++];
    memset(g, 0, sizeof *g);
    rdc_buf_t trace = {0};
    rdc_trace_render(&r->trace, &trace);
    g->trace = rdc_buf_take(&trace);
    g->line = render_line(r);
    g->text = render_text(r, g->trace);
    /* a trace that lost an event (allocation failures) copies as failed */
    assert_true(rdc_trace_copy(&g->events, &r->trace) || r->trace.failed);
    g->has_addr = r->kind == RDC_RESULT_ADDRESS;
    g->ptr_ttl = r->ptr_ttl;
    keep_authority(g, r);
    return true;
}

bool eh_collect(void *ctx, const rdc_result_t *r)
{
    eh_alloc_paused++;
    bool ok = collect_(ctx, r);
    eh_alloc_paused--;
    return ok;
}

void eh_progress(void *ctx, const rdc_engine_stats_t *s, bool input_done)
{
    eh_t *h = ctx;
    h->progress_calls++;
    h->progress_input_done = input_done;
    h->progress_last_done = s->done;
}

rdc_engine_opts_t eh_opts(void)
{
    rdc_engine_opts_t o = {0};
    o.concurrency = 16;
    o.max_names = 16;
    o.tries = 2;
    /* the RTO never exceeds the timeout, and an early duplicate is only
     * sent while the pass is shorter than the timeout minus the RTO (at
     * least 100 ms): with 100, never, so counts do not depend on speed */
    o.try_timeout_ms = 100;
    o.want4 = o.want6 = true;
    o.max_expand = 65536;
    return o;
}

void eh_init(eh_t *h, size_t nservers)
{
    memset(h, 0, sizeof *h);
    h->s = sdns_new(nservers);
    assert_non_null(h->s);
    h->o = eh_opts();
    h->fail_emit_at = -1;
    h->released_after = -1;
}

static void add_domains(eh_t *h, rdc_item_kind_t kind, const char *const *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t wire[RDC_NAME_WIRE_MAX + 1];
        assert_true(rdc_name_from_text(d[i], strlen(d[i]), wire, NULL));
        assert_true(rdc_targets_add_domain(h->t, kind, wire));
    }
}

rdc_run_status_t eh_run_domains(eh_t *h, const char *const *targets, size_t ntargets,
                                const char *const *mx, size_t nmx, const char *const *spf,
                                size_t nspf)
{
    char err[256];
    h->loop = rdc_loop_new();
    assert_non_null(h->loop);
    if (h->src == NULL) {
        h->argv = calloc(ntargets + 1, sizeof *h->argv);
        assert_non_null(h->argv);
        for (size_t i = 0; i < ntargets; i++)
            h->argv[i] = (char *)targets[i];
        h->t = rdc_targets_new(h->argv, ntargets, NULL, h->o.max_expand, err, sizeof err);
        assert_non_null(h->t);
        add_domains(h, RDC_ITEM_MX, mx, nmx);
        add_domains(h, RDC_ITEM_SPF, spf, nspf);
        h->src = rdc_targets_next;
        h->sctx = h->t;
    }
    h->e = rdc_engine_new(h->loop, h->plain ? sdns_dns_plain(h->s) : sdns_dns(h->s), &h->o);
    assert_non_null(h->e);
    return rdc_engine_run(h->e, h->src, h->sctx, eh_collect, h, &h->stop);
}

rdc_run_status_t eh_run(eh_t *h, const char *const *targets, size_t ntargets)
{
    return eh_run_domains(h, targets, ntargets, NULL, 0, NULL, 0);
}

eh_got_t *eh_run1(eh_t *h, const char *target)
{
    const char *const t[] = {target};
    assert_int_equal(eh_run(h, t, 1), RDC_RUN_DONE);
    assert_int_equal(h->n, 1);
    return &h->got[0];
}

void eh_end(eh_t *h)
{
    sdns_free(h->s);
    rdc_engine_free(h->e);
    rdc_targets_free(h->t);
    free(h->argv);
    rdc_loop_free(h->loop);
    for (size_t i = 0; i < h->n; i++) {
        eh_got_t *g = &h->got[i];
        free(g->line);
        free(g->text);
        free(g->trace);
        free(g->auth);
        free(g->ptr);
        rdc_trace_free(&g->events);
    }
    free(h->got);
    memset(h, 0, sizeof *h);
}

const char *eh_qname(const char *q, char *buf)
{
    if (strncmp(q, "rev:", 4) != 0)
        return q;
    rdc_addr_t a;
    assert_true(rdc_addr_parse(q + 4, strlen(q + 4), &a));
    return rdc_addr_reverse_name(&a, buf);
}

void eh_rule(eh_t *h, int server, const char *q, uint16_t type, sdns_act_t act, unsigned rcode,
             const char *rrs)
{
    char rev[RDC_REVNAME_MAX];
    sdns_rule(h->s, server, eh_qname(q, rev), type, act, rcode, rrs);
}

unsigned long eh_count(eh_t *h, int server, const char *q, uint16_t type)
{
    char rev[RDC_REVNAME_MAX];
    return sdns_count(h->s, server, q ? eh_qname(q, rev) : NULL, type);
}

bool eh_has(const eh_t *h, const char *needle)
{
    for (size_t i = 0; i < h->n; i++)
        if (unit_contains(h->got[i].text, needle))
            return true;
    return false;
}

void eh_dump(const eh_t *h)
{
    for (size_t i = 0; i < h->n; i++)
        print_message("  [%zu] %s\n%s", i, h->got[i].line, h->got[i].text);
}
