/* report_self.c - --self's summary in every format: the text block "this
 * host sends mail as ...", the JSON Lines object {"self":{...}}, a GitHub
 * notice, and Prometheus gauges. The addresses' own results are reported
 * like any other (their via says where each address came from). */
#include "report_self.h"

#include <string.h>

#include "report_ci.h"
#include "report.h"
#include "report_mon.h"

static const char *fam_key(const rdc_self_family_t *f)
{
    return f->family == 6 ? "ipv6" : "ipv4";
}

void rdc_report_self_text(FILE *f, const rdc_self_t *s)
{
    char t[RDC_ADDR_TEXT_MAX];
    fputs("\nthis host (--self):\n", f);
    for (int k = 0; k < 2; k++) {
        const rdc_self_family_t *x = &s->fam[k];
        const char *fam = rdc_self_family_name(x->family);
        if (x->state == RDC_SELF_S_SKIPPED) {
            fprintf(f, "  %s  skipped: %s\n", fam, x->why);
            continue;
        }
        if (x->state == RDC_SELF_S_UNKNOWN) {
            fprintf(f, "  %s  unknown: %s\n", fam, x->why);
            continue;
        }
        fprintf(f, "  %s  %s  %s", fam, rdc_addr_format(&x->addr, t),
                x->checked ? rdc_verdict_name(x->verdict) : "not checked");
        if (x->helo_checked)
            fprintf(f, ", HELO %s", x->helo_verdict == RDC_PASS ? "matches" : "does not match");
        fprintf(f, "\n        from: %s\n", x->source);
        if (x->public_via[0])
            fprintf(f, "        %s\n", x->public_via);
    }
    fprintf(f, "  HELO  %s (%s)\n", s->helo[0] ? s->helo : "(none found)", s->helo_source);
    fprintf(f, "  sources: %s\n", s->sources);
    fprintf(f, "%s\n", s->summary);
}

static void json_kv(FILE *f, const char *key, const char *value, bool comma)
{
    fprintf(f, "%s\"%s\":", comma ? "," : "", key);
    rdc_json_string(f, value);
}

void rdc_report_self_json(FILE *f, const rdc_self_t *s)
{
    char t[RDC_ADDR_TEXT_MAX];
    rdc_json_record_start(f, "self");
    fputs(",\"self\":{", f);
    json_kv(f, "verdict", rdc_verdict_name(s->verdict), false);
    json_kv(f, "summary", s->summary, true);
    json_kv(f, "helo", s->helo, true);
    json_kv(f, "helo_source", s->helo_source, true);
    json_kv(f, "mta", rdc_mta_name(s->mta), true);
    json_kv(f, "sources", s->sources, true);
    fputs(",\"families\":[", f);
    for (int k = 0; k < 2; k++) {
        const rdc_self_family_t *x = &s->fam[k];
        fprintf(f, "%s{", k ? "," : "");
        json_kv(f, "family", fam_key(x), false);
        json_kv(f, "state", rdc_self_state_name(x->state), true);
        if (x->state != RDC_SELF_S_SKIPPED && x->has_local) {
            json_kv(f, "local", rdc_addr_format(&x->local, t), true);
            json_kv(f, "source", x->source, true);
            fprintf(f, ",\"nat\":%s", x->nat ? "true" : "false");
        }
        if (x->state == RDC_SELF_S_CHECK) {
            json_kv(f, "address", rdc_addr_format(&x->addr, t), true);
            if (x->public_via[0])
                json_kv(f, "public_via", x->public_via, true);
            if (x->checked) {
                json_kv(f, "verdict", rdc_verdict_name(x->verdict), true);
                json_kv(f, "names", x->names, true);
            }
            if (x->helo_checked)
                fprintf(f, ",\"helo_match\":%s", x->helo_verdict == RDC_PASS ? "true" : "false");
        } else {
            json_kv(f, "reason", x->why, true);
        }
        fputc('}', f);
    }
    fputs("]}}\n", f);
}

void rdc_report_self_github(FILE *f, const rdc_self_t *s)
{
    fputs(s->verdict == RDC_PASS   ? "::notice title=rdnscheck --self::"
          : s->verdict == RDC_WARN ? "::warning title=rdnscheck --self::"
                                   : "::error title=rdnscheck --self::",
          f);
    rdc_github_escape_data(f, s->summary);
    fputc('\n', f);
}

static void prom_line(FILE *f, const char *name, const char *const *lv, const char *value)
{
    rdc_buf_t b = {0};
    rdc_buf_puts(&b, name);
    for (size_t i = 0; lv[i]; i += 2) {
        rdc_buf_printf(&b, "%s%s=\"", i ? "," : "{", lv[i]);
        rdc_prom_label_value(&b, lv[i + 1]);
        rdc_buf_puts(&b, "\"");
    }
    rdc_buf_printf(&b, "} %s\n", value);
    if (!b.failed)
        fwrite(b.s, 1, b.len, f);
    rdc_buf_free(&b);
}

void rdc_prom_self(FILE *f, const rdc_self_t *s)
{
    char t[RDC_ADDR_TEXT_MAX], l[RDC_ADDR_TEXT_MAX];
    fputs("# HELP rdnscheck_self_family What --self found for each family of this host: 1 for "
          "its state, address and source.\n"
          "# TYPE rdnscheck_self_family gauge\n",
          f);
    for (int k = 0; k < 2; k++) {
        const rdc_self_family_t *x = &s->fam[k];
        bool has = x->state == RDC_SELF_S_CHECK;
        const char *lv[] = {"family",  fam_key(x),
                            "state",   rdc_self_state_name(x->state),
                            "ip",      has ? rdc_addr_format(&x->addr, t) : "",
                            "local",   x->has_local ? rdc_addr_format(&x->local, l) : "",
                            "verdict", has && x->checked ? rdc_verdict_name(x->verdict) : "",
                            NULL};
        prom_line(f, "rdnscheck_self_family", lv, "1");
    }
    fputs("# HELP rdnscheck_self_verdict The verdict of this host's mail (--self), 1 for the "
          "verdict it has.\n"
          "# TYPE rdnscheck_self_verdict gauge\n",
          f);
    const char *lv[] = {"verdict", rdc_verdict_name(s->verdict), "helo", s->helo, NULL};
    prom_line(f, "rdnscheck_self_verdict", lv, "1");
}
