/* problem.c - the problem codes (names and severities, a stable
 * interface: README "Problem codes"), the names of verdicts and severities,
 * adding a problem to a result, and freeing a result. The rules
 * (verdict.c, authcheck.c, mailcheck.c) and the expanders build on it. */
#include "problem.h"
#include "authcheck.h"
#include "trace.h"
#include "util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    rdc_severity_t severity;
} codes[RDC_CODE_COUNT] = {
    [RDC_NO_PTR] = {"no-ptr", RDC_SEV_FAIL},
    [RDC_PTR_NO_ADDRESS] = {"ptr-no-address", RDC_SEV_FAIL},
    [RDC_PTR_MISMATCH] = {"ptr-mismatch", RDC_SEV_FAIL},
    [RDC_PTR_INVALID_NAME] = {"ptr-invalid-name", RDC_SEV_FAIL},
    [RDC_PTR_RELATIVE_NAME] = {"ptr-relative-name", RDC_SEV_FAIL},
    [RDC_PTR_PARTIAL] = {"ptr-partial", RDC_SEV_FAIL},
    [RDC_PTR_CNAME] = {"ptr-cname", RDC_SEV_WARN},
    [RDC_PTR_TOO_MANY] = {"ptr-too-many", RDC_SEV_WARN},
    [RDC_NO_ADDRESS] = {"no-address", RDC_SEV_FAIL},
    [RDC_DNS_TIMEOUT] = {"dns-timeout", RDC_SEV_TEMPFAIL},
    [RDC_DNS_SERVFAIL] = {"dns-servfail", RDC_SEV_TEMPFAIL},
    [RDC_DNS_REFUSED] = {"dns-refused", RDC_SEV_TEMPFAIL},
    [RDC_DNS_UNREACHABLE] = {"dns-unreachable", RDC_SEV_TEMPFAIL},
    [RDC_DNS_ERROR] = {"dns-error", RDC_SEV_TEMPFAIL},
    [RDC_INVALID_TARGET] = {"invalid-target", RDC_SEV_ERROR},
    [RDC_HELO_NOT_PTR] = {"helo-not-ptr", RDC_SEV_WARN},
    [RDC_HELO_MISMATCH] = {"helo-mismatch", RDC_SEV_FAIL},
    [RDC_HELO_INVALID] = {"helo-invalid", RDC_SEV_FAIL},
    [RDC_GENERIC_PTR] = {"generic-ptr", RDC_SEV_WARN},
    [RDC_DNSBL_LISTED] = {"dnsbl-listed", RDC_SEV_FAIL},
    [RDC_DNSBL_ERROR] = {"dnsbl-error", RDC_SEV_TEMPFAIL},
    [RDC_SMTP_UNREACHABLE] = {"smtp-unreachable", RDC_SEV_TEMPFAIL},
    [RDC_SMTP_TIMEOUT] = {"smtp-timeout", RDC_SEV_TEMPFAIL},
    [RDC_SMTP_REFUSED] = {"smtp-refused", RDC_SEV_TEMPFAIL},
    [RDC_SMTP_BAD_GREETING] = {"smtp-bad-greeting", RDC_SEV_TEMPFAIL},
    [RDC_BANNER_MISMATCH] = {"banner-mismatch", RDC_SEV_FAIL},
    [RDC_BANNER_NOT_PTR] = {"banner-not-ptr", RDC_SEV_WARN},
    [RDC_DOMAIN_NOT_FOUND] = {"domain-not-found", RDC_SEV_FAIL},
    [RDC_MX_NULL] = {"mx-null", RDC_SEV_INFO},
    [RDC_MX_IMPLICIT] = {"mx-implicit", RDC_SEV_INFO},
    [RDC_MX_CNAME] = {"mx-cname", RDC_SEV_WARN},
    [RDC_MX_IP_LITERAL] = {"mx-ip-literal", RDC_SEV_FAIL},
    [RDC_MX_NO_ADDRESS] = {"mx-no-address", RDC_SEV_FAIL},
    /* SPF: what decides a permerror (or NONE) fails, spf-temperror is
     * temporary, the rest are warnings (the SPF module's fatal flag agrees) */
    [RDC_SPF_NONE] = {"spf-none", RDC_SEV_FAIL},
    [RDC_SPF_MULTIPLE] = {"spf-multiple", RDC_SEV_FAIL},
    [RDC_SPF_SYNTAX] = {"spf-syntax", RDC_SEV_FAIL},
    [RDC_SPF_TOO_MANY_TERMS] = {"spf-too-many-terms", RDC_SEV_FAIL},
    [RDC_SPF_INCLUDE_NONE] = {"spf-include-none", RDC_SEV_FAIL},
    [RDC_SPF_REDIRECT_NONE] = {"spf-redirect-none", RDC_SEV_FAIL},
    [RDC_SPF_LOOP] = {"spf-loop", RDC_SEV_FAIL},
    [RDC_SPF_TOO_MANY_LOOKUPS] = {"spf-too-many-lookups", RDC_SEV_FAIL},
    [RDC_SPF_TOO_MANY_MX] = {"spf-too-many-mx", RDC_SEV_FAIL},
    [RDC_SPF_VOID_LOOKUPS] = {"spf-void-lookups", RDC_SEV_FAIL},
    [RDC_SPF_TOO_MUCH_WORK] = {"spf-too-much-work", RDC_SEV_FAIL},
    [RDC_SPF_TEMPERROR] = {"spf-temperror", RDC_SEV_TEMPFAIL},
    [RDC_SPF_PTR_DEPRECATED] = {"spf-ptr-deprecated", RDC_SEV_WARN},
    [RDC_SPF_UNSUPPORTED_MECHANISM] = {"spf-unsupported-mechanism", RDC_SEV_WARN},
    [RDC_SPF_PASS_ALL] = {"spf-pass-all", RDC_SEV_WARN},
    [RDC_SPF_IGNORED] = {"spf-ignored", RDC_SEV_WARN},
    [RDC_SPF_MX_INVALID] = {"spf-mx-invalid", RDC_SEV_WARN},
    [RDC_SPF_TOO_MANY_RANGES] = {"spf-too-many-ranges", RDC_SEV_WARN},
    [RDC_SPF_RANGE_TOO_LARGE] = {"spf-range-too-large", RDC_SEV_WARN},
    [RDC_AUTH_INCONSISTENT] = {"auth-inconsistent", RDC_SEV_WARN},
    [RDC_AUTH_LAME] = {"auth-lame", RDC_SEV_WARN},
    /* a note when the zone already has the fix, see authcheck.c */
    [RDC_STALE_CACHE] = {"stale-cache", RDC_SEV_WARN},
    [RDC_AUTH_NS_ADDRESS] = {"auth-ns-address", RDC_SEV_WARN},
    [RDC_AUTH_NS_CNAME] = {"auth-ns-cname", RDC_SEV_WARN},
    [RDC_AUTH_NS_MISMATCH] = {"auth-ns-mismatch", RDC_SEV_WARN},
    [RDC_AUTH_CONTACT] = {"auth-contact", RDC_SEV_WARN},
    /* a note: receivers never see such an address as a client */
    [RDC_NOT_PUBLIC] = {"not-public", RDC_SEV_INFO},
    /* --self: warn where Postfix falls back to the kernel's address (selfplan.c) */
    [RDC_SELF_BIND] = {"self-bind", RDC_SEV_FAIL},
    [RDC_SELF_UNKNOWN] = {"self-unknown", RDC_SEV_TEMPFAIL},
};

const char *rdc_severity_name(rdc_severity_t s)
{
    static const char *const names[] = {"warn", "tempfail", "fail", "error", "info"};
    return s <= RDC_SEV_INFO ? names[s] : "error";
}

const char *rdc_problem_name(const rdc_problem_t *p)
{
    return rdc_code_name(p->code);
}

const char *rdc_code_name(rdc_code_t c)
{
    return c < RDC_CODE_COUNT ? codes[c].name : "unknown";
}

rdc_severity_t rdc_code_severity(rdc_code_t c)
{
    return c < RDC_CODE_COUNT ? codes[c].severity : RDC_SEV_ERROR;
}

const char *rdc_verdict_name(rdc_verdict_t v)
{
    static const char *const names[] = {"pass", "warn", "tempfail", "fail", "error"};
    return v <= RDC_ERROR ? names[v] : "error";
}

rdc_code_t rdc_dns_status_code(rdc_dns_status_t s)
{
    switch (s) {
    case RDC_DNS_S_TIMEOUT:
        return RDC_DNS_TIMEOUT;
    case RDC_DNS_S_SERVFAIL:
        return RDC_DNS_SERVFAIL;
    case RDC_DNS_S_REFUSED:
        return RDC_DNS_REFUSED;
    case RDC_DNS_S_UNREACHABLE:
        return RDC_DNS_UNREACHABLE;
    default:
        return RDC_DNS_ERROR;
    }
}

static bool add_problem_v(rdc_result_t *r, rdc_code_t code, const char *fix, const char *fmt,
                          va_list ap) __attribute__((format(printf, 4, 0)));
static bool add_problem_v(rdc_result_t *r, rdc_code_t code, const char *fix, const char *fmt,
                          va_list ap)
{
    rdc_problem_t *p = realloc(r->problems, (r->nproblems + 1) * sizeof *p);
    if (p == NULL)
        return false;
    r->problems = p;
    rdc_buf_t b = {0};
    rdc_buf_vprintf(&b, fmt, ap);
    char *msg = rdc_buf_take(&b);
    char *fx = rdc_strdup(fix);
    if (msg == NULL || (fix != NULL && fx == NULL)) {
        free(msg);
        free(fx);
        return false;
    }
    p[r->nproblems].code = code;
    p[r->nproblems].severity = rdc_code_severity(code);
    p[r->nproblems].message = msg;
    p[r->nproblems].fix = fx;
    r->nproblems++;
    return true;
}

bool rdc_result_add_problem(rdc_result_t *r, rdc_code_t code, const char *fix, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = add_problem_v(r, code, fix, fmt, ap);
    va_end(ap);
    return ok;
}

void rdc_result_clear(rdc_result_t *r)
{
    if (r == NULL)
        return;
    free(r->input);
    for (size_t i = 0; i < r->nnames; i++) {
        free(r->names[i].name);
        free(r->names[i].addrs);
    }
    for (size_t i = 0; i < r->nnames; i++)
        free(r->names[i].generic);
    free(r->names);
    if (r->helo) {
        free(r->helo->name);
        free(r->helo->addrs);
        free(r->helo->generic);
        free(r->helo);
    }
    free(r->helo_why);
    for (size_t i = 0; i < r->ndnsbl; i++) {
        free(r->dnsbl[i].zone);
        free(r->dnsbl[i].reason);
    }
    free(r->dnsbl);
    if (r->smtp) {
        free(r->smtp->detail);
        free(r->smtp->greeting);
        free(r->smtp->ehlo_host);
        free(r->smtp->banner.name);
        free(r->smtp->banner.addrs);
        free(r->smtp->banner.generic);
        free(r->smtp->banner_why);
        free(r->smtp);
    }
    for (size_t i = 0; i < r->nproblems; i++) {
        free(r->problems[i].message);
        free(r->problems[i].fix);
    }
    free(r->via);
    free(r->domain.tree);
    rdc_authority_free(r->authority);
    free(r->problems);
    rdc_trace_free(&r->trace);
    memset(r, 0, sizeof *r);
}
