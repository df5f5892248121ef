/* report_auth.c - what --authority found, for both reporters: the JSON
 * "authority" object and the text lines under an address. */
#include "report.h"

#include <string.h>

#include "authcheck.h"
#include "dnsmsg.h"

static const char *status_word(rdc_dns_status_t s)
{
    static const char *const words[] = {"ok",       "nodata",  "nxdomain",    "timeout",
                                        "servfail", "refused", "unreachable", "error"};
    return (unsigned)s < sizeof words / sizeof words[0] ? words[s] : "error";
}

static void json_strings(FILE *f, char *const *s, size_t n)
{
    putc('[', f);
    for (size_t i = 0; i < n; i++) {
        if (i)
            putc(',', f);
        rdc_json_string(f, s[i]);
    }
    putc(']', f);
}

static void json_opt_string(FILE *f, const char *key, const char *s)
{
    fprintf(f, ",\"%s\":", key);
    if (s)
        rdc_json_string(f, s);
    else
        fputs("null", f);
}

/* {"status":...,"answers":[...]} and, for the resolver's, "ttl" (its
 * remaining TTL, null when unknown) */
static void json_answer(FILE *f, const rdc_auth_answer_t *a, bool with_ttl, uint32_t ttl)
{
    fprintf(f, "{\"status\":\"%s\",\"answers\":", status_word(a->status));
    json_strings(f, a->data, a->n);
    if (with_ttl && ttl == RDC_TTL_UNKNOWN)
        fputs(",\"ttl\":null", f);
    else if (with_ttl)
        fprintf(f, ",\"ttl\":%lu", (unsigned long)ttl);
    putc('}', f);
}

/* The zone's SOA facts: its name, the parent's, MNAME, the contacts, the
 * serial and negative TTL. */
static void json_zone(FILE *f, const rdc_auth_question_t *q)
{
    json_opt_string(f, "zone", q->zone);
    json_opt_string(f, "parent_zone", q->parent_zone);
    json_opt_string(f, "mname", q->mname);
    json_opt_string(f, "contact", q->contact);
    fprintf(f, ",\"contact_undeliverable\":%s", q->contact_undeliverable ? "true" : "false");
    json_opt_string(f, "parent_contact", q->parent_contact);
    /* a zone known only from its parent's delegation has no SOA */
    if (q->zone && q->mname)
        fprintf(f, ",\"serial\":%lu,\"serials_differ\":%s,\"negative_ttl\":%lu",
                (unsigned long)q->serial, q->serials_differ ? "true" : "false",
                (unsigned long)q->negative_ttl);
    else
        fputs(",\"serial\":null,\"serials_differ\":false,\"negative_ttl\":null", f);
}

/* ,"key":[...]: the NS names whose ns_info has flag */
static void json_ns_flagged(FILE *f, const char *key, const rdc_auth_question_t *q, unsigned flag)
{
    fprintf(f, ",\"%s\":[", key);
    for (size_t i = 0, k = 0; q->ns_info && i < q->nns; i++)
        if (q->ns_info[i].flags & flag) {
            if (k++)
                putc(',', f);
            rdc_json_string(f, q->ns[i]);
        }
    putc(']', f);
}

/* The NS names, then those without an address, on one side of the
 * delegation only, and those that are aliases. */
static void json_ns(FILE *f, const rdc_auth_question_t *q)
{
    fputs(",\"ns\":", f);
    json_strings(f, q->ns, q->nns);
    json_ns_flagged(f, "ns_without_address", q, RDC_AUTH_NSF_NO_ADDRESS);
    json_ns_flagged(f, "ns_parent_only", q, RDC_AUTH_NSF_PARENT_ONLY);
    json_ns_flagged(f, "ns_zone_only", q, RDC_AUTH_NSF_CHILD_ONLY);
    fputs(",\"ns_aliases\":[", f);
    for (size_t i = 0, k = 0; q->ns_info && i < q->nns; i++)
        if (q->ns_info[i].flags & RDC_AUTH_NSF_CNAME) {
            fputs(k++ ? ",{\"ns\":" : "{\"ns\":", f);
            rdc_json_string(f, q->ns[i]);
            json_opt_string(f, "alias_of", q->ns_info[i].alias_of);
            putc('}', f);
        }
    putc(']', f);
}

/* One server asked directly: its name, address, state, serial and answer. */
static void json_server(FILE *f, const rdc_auth_server_t *s)
{
    char ip[RDC_ADDR_TEXT_MAX];
    fputs("{\"ns\":", f);
    rdc_json_string(f, s->ns ? s->ns : "");
    fputs(",\"address\":", f);
    rdc_json_string(f, rdc_addr_format(&s->addr, ip));
    fprintf(f, ",\"state\":\"%s\"", rdc_auth_state_name(s->state));
    if (s->has_serial)
        fprintf(f, ",\"serial\":%lu", (unsigned long)s->serial);
    else
        fputs(",\"serial\":null", f);
    if (s->asked && s->state == RDC_AUTH_S_OK) {
        fprintf(f, ",\"status\":\"%s\",\"answers\":", status_word(s->answer.status));
        json_strings(f, s->answer.data, s->answer.n);
    } else {
        fputs(",\"status\":null,\"answers\":[]", f);
    }
    putc('}', f);
}

static void json_question(FILE *f, const rdc_auth_question_t *q)
{
    fputs("{\"name\":", f);
    rdc_json_string(f, q->name ? q->name : "");
    char tb[16];
    fprintf(f, ",\"type\":\"%s\"", rdc_type_name(q->type, tb));
    json_zone(f, q);
    fprintf(f, ",\"local\":%s", q->local ? "true" : "false");
    json_ns(f, q);
    fputs(",\"servers\":[", f);
    for (size_t i = 0; i < q->nservers; i++) {
        if (i)
            putc(',', f);
        json_server(f, &q->servers[i]);
    }
    fprintf(f, "],\"consistent\":%s,\"source\":", q->consistent ? "true" : "false");
    if (q->has_source)
        json_answer(f, &q->source, false, 0);
    else
        fputs("null", f);
    fputs(",\"resolver\":", f);
    json_answer(f, &q->resolver, true, q->resolver_ttl);
    fprintf(f, ",\"stale\":%s", q->stale ? "true" : "false");
    if (q->error) {
        fputs(",\"error\":", f);
        rdc_json_string(f, q->error);
    }
    putc('}', f);
}

void rdc_report_json_authority(FILE *f, const rdc_authority_t *a)
{
    fputs(",\"authority\":{\"ptr\":", f);
    json_question(f, &a->ptr);
    fputs(",\"forward\":[", f);
    for (size_t i = 0; i < a->nforward; i++) {
        if (i)
            putc(',', f);
        json_question(f, &a->forward[i]);
    }
    fputs("]}", f);
}

static void text_answer(FILE *f, const rdc_auth_answer_t *a)
{
    rdc_buf_t b = {0};
    rdc_auth_answer_text(&b, a);
    if (b.s && !b.failed)
        fputs(b.s, f);
    rdc_buf_free(&b);
}

/* "authority NAME TYPE: what the zone's servers answer", then the zone
 * (primary, contact, serial, servers), then each server when they
 * disagree, are stale or with verbose. */
static void text_question(FILE *f, const rdc_auth_question_t *q, bool verbose)
{
    char ip[RDC_ADDR_TEXT_MAX];
    char tb[16];
    fprintf(f, "    authority %s %s: ", q->name ? q->name : "?", rdc_type_name(q->type, tb));
    size_t nok = 0;
    for (size_t i = 0; i < q->nservers; i++)
        nok += q->servers[i].asked && q->servers[i].state == RDC_AUTH_S_OK;
    if (q->error)
        fprintf(f, "%s\n", q->error);
    else if (q->local)
        fputs("the resolver answers it itself (RFC 6303)\n", f);
    else if (q->has_source) {
        fprintf(f, "%zu of %zu servers answer ", nok, q->nservers);
        text_answer(f, &q->source);
        putc('\n', f);
    } else if (nok == 0) {
        fprintf(f, "none of its %zu servers answers with authority\n", q->nservers);
    } else {
        fputs("its servers disagree\n", f);
    }
    if (q->zone == NULL)
        return;
    if (q->local) {
        /* RFC 6303: its SOA names localhost and nobody.invalid, no contact */
        fprintf(f, "      zone %s: served by the resolver itself (RFC 6303), no public servers\n",
                q->zone);
        return;
    }
    if (q->mname == NULL) /* found from its parent's delegation: no SOA */
        fprintf(f, "      zone %s: no SOA (none of its servers answers for it)", q->zone);
    else
        fprintf(f, "      zone %s: primary %s, contact %s%s, serial %lu%s", q->zone, q->mname,
                q->contact && q->contact[0] ? q->contact : "?",
                q->contact_undeliverable ? " (mail to it bounces)" : "", (unsigned long)q->serial,
                q->serials_differ ? " (servers disagree)" : "");
    for (size_t i = 0; i < q->nns; i++) {
        fprintf(f, "%s%s", i ? ", " : ", servers ", q->ns[i]);
        unsigned fl = q->ns_info ? q->ns_info[i].flags : 0;
        if (fl & RDC_AUTH_NSF_NO_ADDRESS)
            fputs(" (no address)", f);
        if ((fl & RDC_AUTH_NSF_CNAME) && q->ns_info[i].alias_of)
            fprintf(f, " (alias of %s)", q->ns_info[i].alias_of);
        if (fl & RDC_AUTH_NSF_PARENT_ONLY)
            fputs(" (only in the parent's delegation)", f);
        if (fl & RDC_AUTH_NSF_CHILD_ONLY)
            fputs(" (only in the zone's NS set)", f);
    }
    if (q->parent_zone)
        fprintf(f, ", delegated by %s", q->parent_zone);
    putc('\n', f);
    if (!verbose && q->consistent && !q->stale)
        return;
    for (size_t i = 0; i < q->nservers; i++) {
        const rdc_auth_server_t *s = &q->servers[i];
        fprintf(f, "      %s (%s): %s", s->ns ? s->ns : "?", rdc_addr_format(&s->addr, ip),
                rdc_auth_state_name(s->state));
        if (s->has_serial)
            fprintf(f, ", serial %lu", (unsigned long)s->serial);
        if (s->asked && s->state == RDC_AUTH_S_OK) {
            fputs(", answers ", f);
            text_answer(f, &s->answer);
        }
        putc('\n', f);
    }
}

void rdc_report_text_authority(FILE *f, const rdc_authority_t *a, bool verbose)
{
    text_question(f, &a->ptr, verbose);
    for (size_t i = 0; i < a->nforward; i++)
        text_question(f, &a->forward[i], verbose);
}
