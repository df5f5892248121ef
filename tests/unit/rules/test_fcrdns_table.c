/* test_fcrdns_table.c - the FCrDNS decision table (README "Decision table",
 * man page VERDICTS), checked exhaustively against rdc_verdict_compute.
 *
 * Every row is a result built by hand: C confirming PTR names, D names that
 * definitely do not confirm (each D kind), T names whose forward lookup failed
 * temporarily (each temporary status), 0..2 of each, IPv4 and IPv6, with and
 * without --strict and --iprev, optionally with one more problem source of
 * fixed severity; plus the rows decided by the PTR lookup itself.
 *
 * The expected outcome is computed here from the general rule, independently
 * of verdict.c: evaluate the row as if every T name had confirmed (best) and
 * as if none had (worst); equal means that verdict, different means
 * tempfail. By default one D name fails the set (Postfix checks the first
 * name the resolver gives, and resolvers rotate them); with --iprev one C
 * name passes it, and any T name leaves it open (Exim defers on it). Each row then checks the
 * verdict, the exact multiset of (code, severity) pairs, which problem names which PTR name, and
 * that rdc_verdict_from_problems reproduces the verdict.
 *
 * A failing row is printed, not asserted on the spot, so that one run lists
 * every row that disagrees (grouped by class at the end of each test). */
#include "unit.h"
#include "unit_result.h"

#include "mailcheck.h"
#include "rdnscheck.h"
#include "verdict.h"

#include <stdbool.h>

/* ------------------------------------------------------------ the model */

typedef enum d_kind {
    D_MISMATCH = 0, /* resolves to other addresses */
    D_NXDOMAIN, /* the name does not exist */
    D_NODATA, /* the name has no A/AAAA */
    D_INVALID, /* not a host name: never looked up */
    D_RELATIVE, /* ends in in-addr.arpa / ip6.arpa */
    D_KINDS
} d_kind_t;

static const char *const d_kind_names[D_KINDS] = {"mismatch", "nxdomain", "nodata", "invalid",
                                                  "relative"};

static const rdc_dns_status_t t_statuses[] = {RDC_DNS_S_TIMEOUT, RDC_DNS_S_SERVFAIL,
                                              RDC_DNS_S_REFUSED, RDC_DNS_S_UNREACHABLE,
                                              RDC_DNS_S_ERROR};
#define T_KINDS ((int)ARRAY_LEN(t_statuses))

static const char *const t_status_names[] = {"timeout", "servfail", "refused", "unreachable",
                                             "error"};

/* One more problem source beside the PTR names, of fixed severity. */
typedef enum extra {
    X_NONE = 0,
    X_GENERIC, /* a counted CHECKED name has `generic` set: generic-ptr (warn) */
    X_SKIPPED, /* one more name beyond the limit: ptr-too-many (warn) */
    X_CNAME, /* a confirming name came through a CNAME: ptr-cname (warn) */
    X_DNSBL_LISTED, /* a --dnsbl zone lists the address: dnsbl-listed (fail) */
    X_DNSBL_TEMP, /* a --dnsbl lookup timed out: dnsbl-error (tempfail) */
    X_KINDS
} extra_t;

static const char *const extra_names[X_KINDS] = {"-",     "generic",      "skipped",
                                                 "cname", "dnsbl-listed", "dnsbl-temp"};

/* Verdict levels, ordered by precedence: fail > tempfail > warn > pass. */
typedef enum level { L_PASS = 0, L_WARN, L_TEMPFAIL, L_FAIL } level_t;

static level_t worse(level_t a, level_t b)
{
    return a > b ? a : b;
}

static level_t extra_level(extra_t x, unsigned c)
{
    switch (x) {
    case X_GENERIC:
    case X_SKIPPED:
        return L_WARN;
    case X_CNAME:
        return c > 0 ? L_WARN : L_PASS;
    case X_DNSBL_LISTED:
        return L_FAIL;
    case X_DNSBL_TEMP:
        return L_TEMPFAIL;
    case X_NONE:
    case X_KINDS:
        break;
    }
    return L_PASS;
}

/* The verdict of a row without undecided names: c confirm, d do not. */
static level_t decided(unsigned c, unsigned d, extra_t x, bool strict, bool iprev)
{
    level_t v = L_PASS;
    if (c == 0 && d > 0)
        v = L_FAIL; /* nothing confirms: each D name's own code */
    else if (c > 0 && d > 0 && !iprev)
        v = L_FAIL; /* ptr-partial */
    level_t e = extra_level(x, c);
    if (strict && e == L_WARN)
        e = L_FAIL;
    if (strict && v == L_WARN)
        v = L_FAIL;
    return worse(v, e);
}

/* The general rule: the verdict as if every T name had confirmed, provided
 * it is the same as if none had; otherwise tempfail. With --iprev the worst
 * case of a T name is that nothing confirms: Exim defers on it whatever the
 * other names say. */
static level_t expected_level(unsigned c, unsigned d, unsigned t, extra_t x, bool strict,
                              bool iprev)
{
    level_t best = decided(c + t, d, x, strict, iprev);
    level_t worst =
        iprev && t > 0 ? decided(0, d + t, x, strict, iprev) : decided(c, d + t, x, strict, iprev);
    return best == worst ? best : L_TEMPFAIL;
}

static rdc_verdict_t to_verdict(level_t l)
{
    switch (l) {
    case L_PASS:
        return RDC_PASS;
    case L_WARN:
        return RDC_WARN;
    case L_TEMPFAIL:
        return RDC_TEMPFAIL;
    case L_FAIL:
        break;
    }
    return RDC_FAIL;
}

/* The verdict a list of problem severities gives, as the spec states it:
 * the worst severity (info ignored), with --strict counting every warning
 * as a failure, also next to a tempfail. Written here, not taken from
 * rdc_verdict_from_problems, so that one is tested too. */
static level_t level_from_severities(const rdc_severity_t *sev, size_t n, bool strict)
{
    level_t v = L_PASS;
    for (size_t i = 0; i < n; i++) {
        switch (sev[i]) {
        case RDC_SEV_WARN:
            v = worse(v, strict ? L_FAIL : L_WARN);
            break;
        case RDC_SEV_TEMPFAIL:
            v = worse(v, L_TEMPFAIL);
            break;
        case RDC_SEV_FAIL:
        case RDC_SEV_ERROR:
            v = worse(v, L_FAIL);
            break;
        case RDC_SEV_INFO:
            break;
        }
    }
    return v;
}

/* --------------------------------------------------------- row builders */

typedef struct family {
    const char *tag, *ip, *other, *zone;
} family_t;

static const family_t v4 = {"v4", "192.0.2.50", "198.51.100.7", "2.0.192.in-addr.arpa"};
static const family_t v6 = {"v6", "2001:db8::25", "2001:db8::99", "8.b.d.0.1.0.0.2.ip6.arpa"};

static rdc_name_result_t *add_name(rdc_result_t *r, const char *name, rdc_name_kind_t kind,
                                   rdc_dns_status_t status, bool confirmed, const char *addr)
{
    rdc_name_result_t *n = unit_name_push(r, name, kind);
    n->status = status;
    n->confirmed = confirmed;
    if (addr != NULL) {
        n->addrs = malloc(sizeof *n->addrs);
        assert_non_null(n->addrs);
        assert_true(rdc_addr_parse(addr, strlen(addr), &n->addrs[0]));
        n->naddrs = 1;
    }
    return n;
}

static void add_dnsbl(rdc_result_t *r, rdc_dns_status_t status, const char *code)
{
    r->dnsbl = calloc(1, sizeof *r->dnsbl);
    assert_non_null(r->dnsbl);
    r->ndnsbl = 1;
    rdc_dnsbl_result_t *d = &r->dnsbl[0];
    d->zone = unit_strdup("bl.example.test");
    d->status = status;
    if (code != NULL) {
        assert_true(rdc_addr_parse(code, strlen(code), &d->codes[0]));
        d->ncodes = 1;
    }
    d->state = rdc_dnsbl_classify(status, d->codes, d->ncodes, NULL);
}

/* A row of the table. */
typedef struct row {
    const family_t *fam;
    unsigned c, d, t;
    d_kind_t dk; /* the first D name's kind; the second takes the next one */
    int ts; /* index into t_statuses of the first T name; the second, the next */
    bool strict;
    extra_t extra;
    unsigned order; /* 0: C D T, 1: T D C, 2: D T C */
    bool iprev;
} row_t;

/* What one PTR name of a row is, for the checks. */
typedef enum role { R_C, R_D, R_T } role_t;

typedef struct member {
    role_t role;
    char name[128];
    d_kind_t dk;
    rdc_dns_status_t ts;
} member_t;

static d_kind_t d_kind_of(const row_t *w, unsigned i)
{
    return (d_kind_t)(((unsigned)w->dk + i) % D_KINDS);
}

static rdc_dns_status_t t_status_of(const row_t *w, unsigned i)
{
    return t_statuses[((unsigned)w->ts + i) % (unsigned)T_KINDS];
}

static void member_c(member_t *m, unsigned i)
{
    m->role = R_C;
    snprintf(m->name, sizeof m->name, "c%u.confirm.example.test", i);
}

static void member_d(member_t *m, const row_t *w, unsigned i)
{
    m->role = R_D;
    m->dk = d_kind_of(w, i);
    switch (m->dk) {
    case D_INVALID:
        snprintf(m->name, sizeof m->name, "d%u-invalid", i); /* one label */
        break;
    case D_RELATIVE:
        snprintf(m->name, sizeof m->name, "d%u.relative.example.test.%s", i, w->fam->zone);
        break;
    default:
        snprintf(m->name, sizeof m->name, "d%u.%s.example.test", i, d_kind_names[m->dk]);
        break;
    }
}

static void member_t_(member_t *m, const row_t *w, unsigned i)
{
    m->role = R_T;
    m->ts = t_status_of(w, i);
    snprintf(m->name, sizeof m->name, "t%u.temp.example.test", i);
}

/* Fills members in the row's order; returns how many. */
static size_t row_members(const row_t *w, member_t *m)
{
    size_t n = 0;
    static const role_t orders[3][3] = {{R_C, R_D, R_T}, {R_T, R_D, R_C}, {R_D, R_T, R_C}};
    for (int k = 0; k < 3; k++) {
        switch (orders[w->order % 3][k]) {
        case R_C:
            for (unsigned i = 0; i < w->c; i++)
                member_c(&m[n++], i);
            break;
        case R_D:
            for (unsigned i = 0; i < w->d; i++)
                member_d(&m[n++], w, i);
            break;
        case R_T:
            for (unsigned i = 0; i < w->t; i++)
                member_t_(&m[n++], w, i);
            break;
        }
    }
    return n;
}

/* True when the row can carry its extra (generic-ptr needs a looked-up
 * name, ptr-cname a confirming one). */
static bool extra_applies(const row_t *w, const member_t *m, size_t nm)
{
    if (w->extra == X_CNAME)
        return w->c > 0;
    if (w->extra == X_GENERIC) {
        for (size_t i = 0; i < nm; i++)
            if (m[i].role != R_D || (m[i].dk != D_INVALID && m[i].dk != D_RELATIVE))
                return true;
        return false;
    }
    return true;
}

static void build(rdc_result_t *r, const row_t *w, const member_t *m, size_t nm)
{
    const char *ip = w->fam->ip;
    memset(r, 0, sizeof *r);
    r->input = unit_strdup(ip);
    r->kind = RDC_RESULT_ADDRESS;
    assert_true(rdc_addr_parse(ip, strlen(ip), &r->addr));
    r->ptr_status = RDC_DNS_OK;
    bool generic_done = false, cname_done = false;
    for (size_t i = 0; i < nm; i++) {
        rdc_name_result_t *n = NULL;
        switch (m[i].role) {
        case R_C:
            n = add_name(r, m[i].name, RDC_NAME_CHECKED, RDC_DNS_OK, true, ip);
            if (w->extra == X_CNAME && !cname_done) {
                n->via_cname = true;
                cname_done = true;
            }
            break;
        case R_T:
            n = add_name(r, m[i].name, RDC_NAME_CHECKED, m[i].ts, false, NULL);
            break;
        case R_D:
            switch (m[i].dk) {
            case D_MISMATCH:
                n = add_name(r, m[i].name, RDC_NAME_CHECKED, RDC_DNS_OK, false, w->fam->other);
                break;
            case D_NXDOMAIN:
                n = add_name(r, m[i].name, RDC_NAME_CHECKED, RDC_DNS_NXDOMAIN, false, NULL);
                break;
            case D_NODATA:
                n = add_name(r, m[i].name, RDC_NAME_CHECKED, RDC_DNS_NODATA, false, NULL);
                break;
            case D_INVALID:
                n = add_name(r, m[i].name, RDC_NAME_INVALID, RDC_DNS_OK, false, NULL);
                break;
            case D_RELATIVE:
            case D_KINDS:
                n = add_name(r, m[i].name, RDC_NAME_RELATIVE, RDC_DNS_OK, false, NULL);
                break;
            }
            break;
        }
        if (w->extra == X_GENERIC && !generic_done && n->kind == RDC_NAME_CHECKED) {
            n->generic = unit_strdup("embedded address digits");
            generic_done = true;
        }
    }
    if (w->extra == X_SKIPPED)
        add_name(r, "s0.skipped.example.test", RDC_NAME_SKIPPED, RDC_DNS_OK, false, NULL);
    if (w->extra == X_DNSBL_LISTED)
        add_dnsbl(r, RDC_DNS_OK, "127.0.0.2");
    if (w->extra == X_DNSBL_TEMP)
        add_dnsbl(r, RDC_DNS_S_TIMEOUT, NULL);
}

/* ------------------------------------------------------------ checking */

static rdc_code_t d_code(d_kind_t k)
{
    switch (k) {
    case D_MISMATCH:
        return RDC_PTR_MISMATCH;
    case D_NXDOMAIN:
    case D_NODATA:
        return RDC_PTR_NO_ADDRESS;
    case D_INVALID:
        return RDC_PTR_INVALID_NAME;
    case D_RELATIVE:
    case D_KINDS:
        break;
    }
    return RDC_PTR_RELATIVE_NAME;
}

static bool is_d_code(rdc_code_t c)
{
    return c == RDC_PTR_MISMATCH || c == RDC_PTR_NO_ADDRESS || c == RDC_PTR_INVALID_NAME ||
           c == RDC_PTR_RELATIVE_NAME;
}

static bool is_dns_code(rdc_code_t c)
{
    return c == RDC_DNS_TIMEOUT || c == RDC_DNS_SERVFAIL || c == RDC_DNS_REFUSED ||
           c == RDC_DNS_UNREACHABLE || c == RDC_DNS_ERROR;
}

/* FCrDNS problems that speak about particular PTR names. */
static bool is_name_code(rdc_code_t c)
{
    return is_d_code(c) || is_dns_code(c) || c == RDC_PTR_PARTIAL;
}

/* An expected problem: code and severity. */
typedef struct want {
    rdc_code_t code;
    rdc_severity_t sev;
} want_t;

#define MAX_WANT 16

static void want_add(want_t *w, size_t *n, rdc_code_t code, rdc_severity_t sev)
{
    assert_true(*n < MAX_WANT);
    w[*n].code = code;
    w[*n].sev = sev;
    (*n)++;
}

static const char *sev_name(rdc_severity_t s)
{
    return rdc_severity_name(s);
}

/* Failure log of one cmocka test: rows, and classes of rows. */
typedef struct tally {
    unsigned rows, failed, printed;
    struct {
        char key[96];
        unsigned n;
    } classes[256];
    unsigned nclasses;
} tally_t;

static void tally_class(tally_t *t, const char *key)
{
    for (unsigned i = 0; i < t->nclasses; i++)
        if (strcmp(t->classes[i].key, key) == 0) {
            t->classes[i].n++;
            return;
        }
    if (t->nclasses < ARRAY_LEN(t->classes)) {
        snprintf(t->classes[t->nclasses].key, sizeof t->classes[0].key, "%s", key);
        t->classes[t->nclasses++].n = 1;
    }
}

static void tally_report(const tally_t *t, const char *what)
{
    print_message("%s: %u rows, %u failed\n", what, t->rows, t->failed);
    for (unsigned i = 0; i < t->nclasses; i++)
        print_message("  failing class %-52s %u rows\n", t->classes[i].key, t->classes[i].n);
}

/* Problem texts accumulate here for one row. */
typedef struct why {
    char s[2048];
    size_t len;
} why_t;

static void whyf(why_t *y, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void whyf(why_t *y, const char *fmt, ...)
{
    if (y->len >= sizeof y->s - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(y->s + y->len, sizeof y->s - y->len, fmt, ap);
    va_end(ap);
    if (k > 0)
        y->len += (size_t)k < sizeof y->s - y->len ? (size_t)k : sizeof y->s - y->len - 1;
}

static void row_label(const row_t *w, char *buf, size_t cap)
{
    char dks[40] = "", tss[40] = "";
    if (w->d > 0)
        snprintf(dks, sizeof dks, "(%s%s%s)", d_kind_names[d_kind_of(w, 0)], w->d > 1 ? "," : "",
                 w->d > 1 ? d_kind_names[d_kind_of(w, 1)] : "");
    if (w->t > 0)
        snprintf(tss, sizeof tss, "(%s%s%s)", t_status_names[(unsigned)w->ts % T_KINDS],
                 w->t > 1 ? "," : "",
                 w->t > 1 ? t_status_names[((unsigned)w->ts + 1) % T_KINDS] : "");
    snprintf(buf, cap, "%s C=%u D=%u%s T=%u%s%s%s extra=%s order=%u", w->fam->tag, w->c, w->d, dks,
             w->t, tss, w->strict ? " strict" : "", w->iprev ? " iprev" : "", extra_names[w->extra],
             w->order);
}

/* Checks what rdc_verdict_compute made of the row against the model.
 * Returns true when it agrees; otherwise prints why. */
static bool check_row(const row_t *w, tally_t *tl)
{
    member_t m[6];
    size_t nm = row_members(w, m);
    if (!extra_applies(w, m, nm))
        return true;
    tl->rows++;

    rdc_result_t r;
    build(&r, w, m, nm);
    assert_true(rdc_verdict_compute(&r, (w->strict ? RDC_RULES_STRICT : 0u) |
                                            (w->iprev ? RDC_RULES_IPREV : 0u)));

    level_t lv = expected_level(w->c, w->d, w->t, w->extra, w->strict, w->iprev);
    rdc_verdict_t verdict = to_verdict(lv);

    /* the expected problems, from the table */
    want_t want[MAX_WANT];
    size_t nwant = 0;
    rdc_severity_t sev_t = verdict == RDC_WARN ? RDC_SEV_WARN : RDC_SEV_TEMPFAIL;
    /* --iprev: a D name beside a C or T name decides nothing, a note */
    rdc_severity_t sev_d = (w->iprev && w->t > 0) ? RDC_SEV_INFO : RDC_SEV_FAIL;
    for (size_t i = 0; i < nm; i++) {
        if (m[i].role == R_D && w->c == 0)
            want_add(want, &nwant, d_code(m[i].dk), sev_d);
        if (m[i].role == R_T)
            want_add(want, &nwant, rdc_dns_status_code(m[i].ts), sev_t);
    }
    if (w->c > 0 && w->d > 0)
        want_add(want, &nwant, RDC_PTR_PARTIAL, w->iprev ? RDC_SEV_INFO : RDC_SEV_FAIL);
    switch (w->extra) {
    case X_GENERIC:
        want_add(want, &nwant, RDC_GENERIC_PTR, RDC_SEV_WARN);
        break;
    case X_SKIPPED:
        want_add(want, &nwant, RDC_PTR_TOO_MANY, RDC_SEV_WARN);
        break;
    case X_CNAME:
        want_add(want, &nwant, RDC_PTR_CNAME, RDC_SEV_WARN);
        break;
    case X_DNSBL_LISTED:
        want_add(want, &nwant, RDC_DNSBL_LISTED, RDC_SEV_FAIL);
        break;
    case X_DNSBL_TEMP:
        want_add(want, &nwant, RDC_DNSBL_ERROR, RDC_SEV_TEMPFAIL);
        break;
    case X_NONE:
    case X_KINDS:
        break;
    }

    /* the model must satisfy its own invariant, or the spec contradicts
     * itself: that is a bug in this test (or the table), not in verdict.c */
    {
        rdc_severity_t sevs[MAX_WANT];
        for (size_t i = 0; i < nwant; i++)
            sevs[i] = want[i].sev;
        level_t from = level_from_severities(sevs, nwant, w->strict);
        if (from != lv) {
            char label[256];
            row_label(w, label, sizeof label);
            print_message("MODEL INCONSISTENT: %s: severities give %s, rule gives %s\n", label,
                          rdc_verdict_name(to_verdict(from)), rdc_verdict_name(verdict));
        }
        assert_int_equal(from, lv);
    }

    why_t y = {.len = 0};
    if (r.verdict != verdict)
        whyf(&y, " verdict %s, want %s;", rdc_verdict_name(r.verdict), rdc_verdict_name(verdict));

    /* the multiset of (code, severity) pairs is exactly the expected one */
    bool used[MAX_WANT] = {false};
    for (size_t i = 0; i < r.nproblems; i++) {
        const rdc_problem_t *p = &r.problems[i];
        bool matched = false;
        for (size_t k = 0; k < nwant && !matched; k++)
            if (!used[k] && want[k].code == p->code && want[k].sev == p->severity)
                used[k] = matched = true;
        if (!matched)
            whyf(&y, " unexpected %s(%s);", rdc_code_name(p->code), sev_name(p->severity));
    }
    for (size_t k = 0; k < nwant; k++)
        if (!used[k])
            whyf(&y, " missing %s(%s);", rdc_code_name(want[k].code), sev_name(want[k].sev));

    /* which problem names which PTR name */
    for (size_t i = 0; i < nm; i++) {
        unsigned own = 0, partial = 0, other = 0;
        for (size_t k = 0; k < r.nproblems; k++) {
            const rdc_problem_t *p = &r.problems[k];
            if (!is_name_code(p->code) || !unit_contains(p->message, m[i].name))
                continue;
            if (p->code == RDC_PTR_PARTIAL)
                partial++;
            else if ((m[i].role == R_D && p->code == d_code(m[i].dk)) ||
                     (m[i].role == R_T && p->code == rdc_dns_status_code(m[i].ts)))
                own++;
            else
                other++;
        }
        switch (m[i].role) {
        case R_C:
            if (own + partial + other > 0)
                whyf(&y, " confirmed %s named in %u problem(s);", m[i].name, own + partial + other);
            break;
        case R_D:
            if (w->c == 0 && own != 1)
                whyf(&y, " %s in %u %s problems, want 1;", m[i].name, own,
                     rdc_code_name(d_code(m[i].dk)));
            if (w->c > 0 && own != 0)
                whyf(&y, " %s has its own %s beside a confirming name;", m[i].name,
                     rdc_code_name(d_code(m[i].dk)));
            if (w->c > 0 && partial != 1)
                whyf(&y, " %s not listed in ptr-partial;", m[i].name);
            if (other > 0)
                whyf(&y, " %s named in %u other problem(s);", m[i].name, other);
            break;
        case R_T:
            if (own != 1)
                whyf(&y, " %s in %u %s problems, want 1;", m[i].name, own,
                     rdc_code_name(rdc_dns_status_code(m[i].ts)));
            if (other > 0)
                whyf(&y, " %s named in %u other problem(s);", m[i].name, other);
            break;
        }
    }
    if (w->extra == X_SKIPPED)
        for (size_t k = 0; k < r.nproblems; k++)
            if (is_name_code(r.problems[k].code) &&
                unit_contains(r.problems[k].message, "s0.skipped.example.test"))
                whyf(&y, " skipped name named in %s;", rdc_code_name(r.problems[k].code));

    /* the invariant: the verdict follows from the problems alone */
    rdc_verdict_t got = r.verdict;
    rdc_verdict_from_problems(&r, w->strict);
    if (r.verdict != got)
        whyf(&y, " problems give %s, not the verdict %s;", rdc_verdict_name(r.verdict),
             rdc_verdict_name(got));
    r.verdict = got;

    for (size_t k = 0; k < r.nproblems; k++)
        if (r.problems[k].message == NULL || !unit_printable(r.problems[k].message))
            whyf(&y, " problem %zu text not printable;", k);

    bool ok = y.len == 0;
    if (!ok) {
        tl->failed++;
        char label[256];
        row_label(w, label, sizeof label);
        if (tl->printed < 40) {
            tl->printed++;
            print_message("ROW %s:%s\n", label, y.s);
            for (size_t k = 0; k < r.nproblems; k++)
                print_message("    got %s(%s): %s\n", rdc_code_name(r.problems[k].code),
                              sev_name(r.problems[k].severity), r.problems[k].message);
        }
        char key[96];
        snprintf(key, sizeof key, "C=%u D=%u T=%u%s%s extra=%s", w->c, w->d, w->t,
                 w->strict ? " strict" : "", w->iprev ? " iprev" : "", extra_names[w->extra]);
        tally_class(tl, key);
    }
    rdc_result_clear(&r);
    return ok;
}

/* Every C, D, T count in 0..2, every D kind and T status as the first of
 * its group (the second name of a group takes the next one), every extra;
 * the order of the names rotates from row to row. */
static void run_table(const family_t *fam, bool strict, bool iprev, const char *what)
{
    tally_t *tl = calloc(1, sizeof *tl);
    assert_non_null(tl);
    unsigned order = 0;
    for (unsigned c = 0; c <= 2; c++)
        for (unsigned d = 0; d <= 2; d++)
            for (unsigned t = 0; t <= 2; t++) {
                if (c + d + t == 0)
                    continue;
                for (int dk = 0; dk < (d ? D_KINDS : 1); dk++)
                    for (int ts = 0; ts < (t ? T_KINDS : 1); ts++)
                        for (int x = 0; x < X_KINDS; x++) {
                            row_t w = {fam, c,      d,          t,           (d_kind_t)dk,
                                       ts,  strict, (extra_t)x, order++ % 3, iprev};
                            check_row(&w, tl);
                        }
            }
    tally_report(tl, what);
    unsigned failed = tl->failed;
    free(tl);
    assert_int_equal(failed, 0);
}

static void test_table_v4(void **state)
{
    (void)state;
    run_table(&v4, false, false, "IPv4");
}

static void test_table_v4_strict(void **state)
{
    (void)state;
    run_table(&v4, true, false, "IPv4 --strict");
}

static void test_table_v6(void **state)
{
    (void)state;
    run_table(&v6, false, false, "IPv6");
}

static void test_table_v6_strict(void **state)
{
    (void)state;
    run_table(&v6, true, false, "IPv6 --strict");
}

static void test_table_iprev(void **state)
{
    (void)state;
    run_table(&v4, false, true, "IPv4 --iprev");
    run_table(&v6, false, true, "IPv6 --iprev");
}

static void test_table_iprev_strict(void **state)
{
    (void)state;
    run_table(&v4, true, true, "IPv4 --iprev --strict");
    run_table(&v6, true, true, "IPv6 --iprev --strict");
}

/* ------------------------------------------------------ PTR lookup rows */

/* The PTR lookup itself: a temporary failure on every server is tempfail
 * with its dns-* code; NXDOMAIN and NODATA are fail, no-ptr. With a DNSBL
 * problem beside it, precedence decides (an undecided PTR lookup could
 * still have been anything from pass to fail). */
static void test_ptr_lookup_rows(void **state)
{
    (void)state;
    static const rdc_dns_status_t statuses[] = {
        RDC_DNS_S_TIMEOUT, RDC_DNS_S_SERVFAIL, RDC_DNS_S_REFUSED, RDC_DNS_S_UNREACHABLE,
        RDC_DNS_S_ERROR,   RDC_DNS_NXDOMAIN,   RDC_DNS_NODATA};
    static const extra_t extras[] = {X_NONE, X_DNSBL_LISTED, X_DNSBL_TEMP};
    const family_t *fams[] = {&v4, &v6};
    unsigned rows = 0, failed = 0;
    for (size_t f = 0; f < ARRAY_LEN(fams); f++)
        for (size_t s = 0; s < ARRAY_LEN(statuses); s++)
            for (int strict = 0; strict <= 1; strict++)
                for (size_t x = 0; x < ARRAY_LEN(extras); x++) {
                    rows++;
                    rdc_result_t r;
                    memset(&r, 0, sizeof r);
                    r.input = unit_strdup(fams[f]->ip);
                    r.kind = RDC_RESULT_ADDRESS;
                    assert_true(rdc_addr_parse(fams[f]->ip, strlen(fams[f]->ip), &r.addr));
                    r.ptr_status = statuses[s];
                    if (extras[x] == X_DNSBL_LISTED)
                        add_dnsbl(&r, RDC_DNS_OK, "127.0.0.2");
                    if (extras[x] == X_DNSBL_TEMP)
                        add_dnsbl(&r, RDC_DNS_S_TIMEOUT, NULL);
                    assert_true(rdc_verdict_compute(&r, strict ? RDC_RULES_STRICT : 0u));

                    bool temp = rdc_dns_status_is_temporary(statuses[s]);
                    rdc_code_t code = temp ? rdc_dns_status_code(statuses[s]) : RDC_NO_PTR;
                    rdc_severity_t sev = temp ? RDC_SEV_TEMPFAIL : RDC_SEV_FAIL;
                    level_t lv = worse(temp ? L_TEMPFAIL : L_FAIL, extra_level(extras[x], 0));
                    rdc_verdict_t verdict = to_verdict(lv);
                    size_t nwant = extras[x] == X_NONE ? 1 : 2;

                    bool ok = r.verdict == verdict && r.nproblems == nwant &&
                              r.problems[0].code == code && r.problems[0].severity == sev;
                    if (ok && nwant == 2)
                        ok = r.problems[1].code ==
                             (extras[x] == X_DNSBL_LISTED ? RDC_DNSBL_LISTED : RDC_DNSBL_ERROR);
                    rdc_verdict_t got = r.verdict;
                    rdc_verdict_from_problems(&r, strict != 0);
                    ok = ok && r.verdict == got;
                    if (!ok) {
                        failed++;
                        print_message("ROW %s ptr=%s%s extra=%s: verdict %s (want %s)\n",
                                      fams[f]->tag, rdc_dns_status_text(statuses[s]),
                                      strict ? " strict" : "", extra_names[extras[x]],
                                      rdc_verdict_name(got), rdc_verdict_name(verdict));
                        for (size_t k = 0; k < r.nproblems; k++)
                            print_message("    got %s(%s): %s\n", rdc_code_name(r.problems[k].code),
                                          sev_name(r.problems[k].severity), r.problems[k].message);
                    }
                    rdc_result_clear(&r);
                }
    print_message("PTR lookup: %u rows, %u failed\n", rows, failed);
    assert_int_equal(failed, 0);
}

/* ------------------------------------------------- the model vs the spec */

/* The oracle above is the general rule; here it is held against the table
 * and the examples as written in README and man page, so a slip in either
 * shows up without verdict.c being involved. */
static void test_model_matches_table(void **state)
{
    (void)state;
    for (unsigned c = 0; c <= 2; c++)
        for (unsigned d = 0; d <= 2; d++)
            for (unsigned t = 0; t <= 2; t++)
                for (int strict = 0; strict <= 1; strict++) {
                    if (c + d + t == 0)
                        continue;
                    level_t want, want_iprev;
                    if (d >= 1) /* one name that definitely does not confirm */
                        want = L_FAIL;
                    else if (t >= 1)
                        want = L_TEMPFAIL;
                    else
                        want = L_PASS;
                    if (t >= 1) /* --iprev: Exim defers on any undecided name */
                        want_iprev = L_TEMPFAIL;
                    else
                        want_iprev = c >= 1 ? L_PASS : L_FAIL;
                    assert_int_equal(expected_level(c, d, t, X_NONE, strict != 0, false), want);
                    assert_int_equal(expected_level(c, d, t, X_NONE, strict != 0, true),
                                     want_iprev);
                }
    /* the examples of the general rule */
    assert_int_equal(expected_level(1, 0, 0, X_GENERIC, false, false), L_WARN);
    assert_int_equal(expected_level(1, 0, 1, X_GENERIC, false, false), L_TEMPFAIL);
    assert_int_equal(expected_level(1, 0, 1, X_GENERIC, true, false), L_FAIL);
    assert_int_equal(expected_level(1, 1, 0, X_GENERIC, false, true), L_WARN);
    assert_int_equal(expected_level(0, 1, 1, X_DNSBL_LISTED, false, false), L_FAIL);
    assert_int_equal(expected_level(0, 1, 1, X_GENERIC, false, false), L_FAIL);
    assert_int_equal(expected_level(0, 1, 1, X_GENERIC, false, true), L_TEMPFAIL);
    assert_int_equal(expected_level(1, 0, 0, X_DNSBL_TEMP, false, false), L_TEMPFAIL);
    /* --iprev: a partial set is a note, so the DNSBL decides */
    assert_int_equal(expected_level(1, 1, 0, X_DNSBL_TEMP, true, true), L_TEMPFAIL);
    assert_int_equal(expected_level(1, 1, 0, X_DNSBL_TEMP, true, false), L_FAIL);
}

/* rdc_verdict_from_problems, the invariant's other half: the worst
 * severity; --strict turns every warning into a failure, also beside a
 * tempfail; info notes count for nothing. */
static void test_verdict_from_problems(void **state)
{
    (void)state;
    static const rdc_code_t by_sev[] = {[RDC_SEV_WARN] = RDC_GENERIC_PTR,
                                        [RDC_SEV_TEMPFAIL] = RDC_DNS_TIMEOUT,
                                        [RDC_SEV_FAIL] = RDC_PTR_MISMATCH,
                                        [RDC_SEV_ERROR] = RDC_INVALID_TARGET,
                                        [RDC_SEV_INFO] = RDC_MX_NULL};
    unsigned failed = 0;
    /* every set of the severities warn, tempfail, fail, info */
    for (unsigned mask = 0; mask < 16; mask++)
        for (int strict = 0; strict <= 1; strict++) {
            static const rdc_severity_t each[] = {RDC_SEV_WARN, RDC_SEV_TEMPFAIL, RDC_SEV_FAIL,
                                                  RDC_SEV_INFO};
            rdc_severity_t sevs[4];
            size_t n = 0;
            rdc_result_t r;
            memset(&r, 0, sizeof r);
            for (unsigned b = 0; b < 4; b++)
                if (mask & (1u << b)) {
                    sevs[n++] = each[b];
                    assert_true(rdc_result_add_problem(&r, by_sev[each[b]], NULL, "x"));
                    r.problems[r.nproblems - 1].severity = each[b];
                }
            rdc_verdict_from_problems(&r, strict != 0);
            rdc_verdict_t want = to_verdict(level_from_severities(sevs, n, strict != 0));
            if (r.verdict != want) {
                failed++;
                print_message("from_problems {%s%s%s%s}%s: %s, want %s\n", mask & 1 ? " warn" : "",
                              mask & 2 ? " tempfail" : "", mask & 4 ? " fail" : "",
                              mask & 8 ? " info" : "", strict ? " strict" : "",
                              rdc_verdict_name(r.verdict), rdc_verdict_name(want));
            }
            rdc_result_clear(&r);
        }
    assert_int_equal(failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_matches_table), cmocka_unit_test(test_verdict_from_problems),
        cmocka_unit_test(test_ptr_lookup_rows),     cmocka_unit_test(test_table_v4),
        cmocka_unit_test(test_table_v4_strict),     cmocka_unit_test(test_table_v6),
        cmocka_unit_test(test_table_v6_strict),     cmocka_unit_test(test_table_iprev),
        cmocka_unit_test(test_table_iprev_strict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
