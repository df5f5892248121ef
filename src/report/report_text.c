/* report_text.c - the human report: one line per address with a verdict
 * mark, then for anything but a pass the reason and what to do. */
#include "report.h"

#include <string.h>

#include "idn.h"
#include "trace.h"

static const char *const marks_ascii[] = {"+", "!", "?", "x", "x"};
static const char *const marks_utf8[] = {"\u2714", "\u26a0", "\u21bb", "\u2718", "\u2718"};
static const char *const colors[] = {"\033[32m", "\033[33m", "\033[35m", "\033[31m", "\033[1;31m"};

/* Columns of " and M more". */
static size_t more_len(size_t m)
{
    size_t digits = 1;
    while (m >= 10) {
        m /= 10;
        digits++;
    }
    return 5 + digits + 5;
}

size_t rdc_text_names_fit(const rdc_name_result_t *names, size_t n, size_t avail)
{
    size_t all = 0;
    for (size_t i = 0; i < n; i++)
        all += (i ? 2 : 0) + strlen(names[i].name);
    if (avail == 0 || all <= avail)
        return n;
    size_t used = 0, k = 0;
    for (; k + 1 < n; k++) {
        size_t next = used + (k ? 2 : 0) + strlen(names[k].name);
        if (next + more_len(n - k - 1) > avail)
            break;
        used = next;
    }
    return k ? k : 1;
}

/* An address's PTR names, shortened to the line's width unless -v: the
 * line has "M verdict  " (11 columns), the address, two spaces, the names,
 * then `tail`. */
static void ptr_names(FILE *f, const rdc_result_t *r, const rdc_report_opts_t *o, const char *ip,
                      size_t tail)
{
    size_t shown = r->nnames, used = 11 + strlen(ip) + 2 + tail;
    if (!o->verbose && o->width > 0)
        shown = rdc_text_names_fit(r->names, r->nnames, o->width > used ? o->width - used : 1);
    char u[RDC_NAME_TEXT_MAX];
    for (size_t i = 0; i < shown; i++) {
        const char *name = r->names[i].name;
        if (o->idn && rdc_idn_to_display(name, u, sizeof u))
            name = u;
        fprintf(f, "%s%s", i ? ", " : "", name);
    }
    if (shown < r->nnames)
        fprintf(f, " and %zu more", r->nnames - shown);
}

/* A host name typed in Unicode: as typed and by its A-labels on a UTF-8
 * output, by its A-labels alone on any other; any other input as it is. */
static const char *idn_input(const char *input, bool utf8, char *buf, size_t cap)
{
    char ascii[RDC_NAME_TEXT_MAX];
    if (!rdc_idn_has_unicode(input, strlen(input)) ||
        !rdc_idn_to_ascii(input, strlen(input), ascii, sizeof ascii, NULL))
        return input;
    if (utf8)
        snprintf(buf, cap, "%s, %s", input, ascii);
    else
        snprintf(buf, cap, "%s", ascii);
    return buf;
}

void rdc_report_text(FILE *f, const rdc_result_t *r, const rdc_report_opts_t *o)
{
    char ip[RDC_ADDR_TEXT_MAX];
    const char *mark = (o->unicode ? marks_utf8 : marks_ascii)[r->verdict];
    if (o->color)
        fprintf(f, "%s%s %-8s\033[0m ", colors[r->verdict], mark, rdc_verdict_name(r->verdict));
    else
        fprintf(f, "%s %-8s ", mark, rdc_verdict_name(r->verdict));
    if (r->kind == RDC_RESULT_DOMAIN) {
        rdc_buf_t b = {0};
        rdc_domain_counts(&b, r);
        fprintf(f, "%s (%s: %s, %u lookup%s)\n", r->input, r->domain.mode, b.s ? b.s : "",
                r->domain.lookups, r->domain.lookups == 1 ? "" : "s");
        rdc_buf_free(&b);
    } else if (r->verdict == RDC_ERROR) {
        if (r->line)
            fprintf(f, "line %lu: ", r->line);
        fprintf(f, "%s\n", r->input ? r->input : "");
    } else {
        char shown[2 * RDC_NAME_TEXT_MAX + 8];
        fputs(r->kind == RDC_RESULT_ADDRESS ? rdc_addr_format(&r->addr, ip)
                                            : idn_input(r->input, o->unicode, shown, sizeof shown),
              f);
        if (r->kind == RDC_RESULT_ADDRESS) {
            /* a host name, block or domain: say where the address came from */
            const char *from = NULL, *open = "  (";
            char idn[2 * RDC_NAME_TEXT_MAX + 8];
            if (r->via)
                from = r->via;
            else if (r->input && strcmp(r->input, ip) != 0 && strchr(r->input, '/') == NULL)
                from = idn_input(r->input, o->unicode, idn, sizeof idn), open = "  (from ";
            fputs("  ", f);
            if (r->nnames == 0)
                fputs(rdc_dns_status_is_temporary(r->ptr_status) ? "(PTR unknown)" : "(no PTR)", f);
            ptr_names(f, r, o, ip, from ? strlen(open) + strlen(from) + 1 : 0);
            if (from)
                fprintf(f, "%s%s)", open, from);
        }
        putc('\n', f);
    }
    if (r->smtp && r->smtp->greeting)
        fprintf(f, "    smtp %u: %s\n", r->smtp->port, r->smtp->greeting);
    for (size_t i = 0; i < r->nproblems; i++) {
        const rdc_problem_t *p = &r->problems[i];
        fprintf(f, "    %s: %s\n", rdc_problem_name(p), p->message);
        if (p->fix)
            fprintf(f, "    fix: %s\n", p->fix);
    }
    if (r->authority)
        rdc_report_text_authority(f, r->authority, o->verbose);
    if (o->verbose && r->trace.n > 0) {
        rdc_buf_t line = {0};
        for (size_t i = 0; i < r->trace.n; i++) {
            line.len = 0;
            rdc_event_render(&r->trace.events[i], &line);
            if (line.s && !line.failed)
                fwrite(line.s, 1, line.len, f);
        }
        rdc_buf_free(&line);
    }
    if (o->verbose && r->domain.tree)
        fputs(r->domain.tree, f);
}

void rdc_domain_counts(rdc_buf_t *b, const rdc_result_t *r)
{
    /* the addresses that did not pass, in the summary line's order */
    static const rdc_verdict_t bad[] = {RDC_WARN, RDC_FAIL, RDC_TEMPFAIL};
    rdc_buf_printf(b, "%lu address%s", r->domain.addresses, r->domain.addresses == 1 ? "" : "es");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (r->domain.verdicts[bad[i]])
            rdc_buf_printf(b, ", %lu %s", r->domain.verdicts[bad[i]], rdc_verdict_name(bad[i]));
}

/* " 1 pass, 2 fail" for the non-zero counts, in the summary's order. */
static void verdict_counts(FILE *f, const unsigned long *n)
{
    static const rdc_verdict_t order[] = {RDC_PASS, RDC_WARN, RDC_FAIL, RDC_TEMPFAIL, RDC_ERROR};
    bool first = true;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (n[order[i]] == 0)
            continue;
        fprintf(f, "%s %lu %s", first ? "" : ",", n[order[i]], rdc_verdict_name(order[i]));
        first = false;
    }
}

void rdc_report_text_summary(FILE *f, const rdc_counts_t *c)
{
    unsigned long total = 0, domains = 0;
    for (int i = 0; i <= RDC_ERROR; i++) {
        total += c->n[i];
        domains += c->domains[i];
    }
    fprintf(f, "%lu checked%s", total, total ? ":" : "");
    verdict_counts(f, c->n);
    if (domains) {
        fprintf(f, "; %lu domain%s:", domains, domains == 1 ? "" : "s");
        verdict_counts(f, c->domains);
    }
    putc('\n', f);
}
