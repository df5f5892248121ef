/* selfplan.c - --self's decisions (selfplan.h): each family's sending
 * address as the MTA's SMTP client would pick it, and the one verdict of
 * "this host sends mail as ...". Pure. */
#include "selfplan.h"

#include <stdio.h>
#include <string.h>

const char *rdc_self_family_name(int family)
{
    return family == 6 ? "IPv6" : "IPv4";
}

const char *rdc_self_state_name(rdc_self_state_t s)
{
    return s == RDC_SELF_S_CHECK ? "checked" : s == RDC_SELF_S_SKIPPED ? "skipped" : "unknown";
}

/* The kernel's source address as the family's address. */
static void from_route(rdc_self_family_t *f, const rdc_self_route_t *rt)
{
    char t[RDC_ADDR_TEXT_MAX];
    f->has_local = true;
    f->local = rt->src;
    snprintf(f->source, sizeof f->source, "kernel source address for %s (route toward %s%s)",
             rdc_self_family_name(f->family), rdc_addr_format(&rt->toward, t),
             rt->via_given ? ", --self-via" : "");
}

/* The MTA binds this family to b: on the host, not on it, or no address. */
static void from_bind(rdc_self_family_t *f, const rdc_self_in_t *in, int k)
{
    const rdc_mta_conf_t *m = in->mta;
    const rdc_mta_bind_t *b = &m->bind[k];
    const char *mta = rdc_mta_name(m->kind);
    bool defers = m->kind == RDC_MTA_EXIM || m->enforce;
    if (b->valid && in->bind_local[k]) {
        f->has_local = true;
        f->local = b->addr;
        snprintf(f->source, sizeof f->source, "%s %s", mta, b->param);
        return;
    }
    from_route(f, &in->route[k]);
    f->has_problem = true;
    if (!b->valid) { /* Postfix: a fatal error of the smtp client; Exim: a defer */
        f->problem_sev = RDC_SEV_FAIL;
        snprintf(f->problem, sizeof f->problem,
                 "%s %s is '%s', which is no %s address: its SMTP client cannot send over %s", mta,
                 b->param, b->text, rdc_self_family_name(f->family),
                 rdc_self_family_name(f->family));
        snprintf(f->fix, sizeof f->fix, "set %s to an %s address of this host, or leave it empty",
                 b->param, rdc_self_family_name(f->family));
        return;
    }
    f->problem_sev = defers ? RDC_SEV_FAIL : RDC_SEV_WARN;
    snprintf(f->problem, sizeof f->problem,
             "%s %s is %s, which is not an address of this host (%s): %s", mta, b->param, b->text,
             in->bind_err[k][0] ? in->bind_err[k] : "bind fails",
             defers ? "the bind fails and the mail is deferred"
                    : "Postfix logs \"bind ...: Cannot assign requested address\" and sends from "
                      "the kernel's source address, checked here");
    snprintf(f->fix, sizeof f->fix,
             "add %s to an interface of this host, or change %s to one it has", b->text, b->param);
}

void rdc_self_plan(const rdc_self_in_t *in, rdc_self_t *out)
{
    const rdc_mta_conf_t *m = in->mta;
    out->mta = m->kind;
    for (int k = 0; k < 2; k++) {
        rdc_self_family_t *f = &out->fam[k];
        const rdc_self_route_t *rt = &in->route[k];
        char t[RDC_ADDR_TEXT_MAX];
        const char *fam = rdc_self_family_name(k ? 6 : 4);
        memset(f, 0, sizeof *f);
        f->family = k ? 6 : 4;
        f->state = RDC_SELF_S_SKIPPED;
        if (!in->want[k]) {
            snprintf(f->why, sizeof f->why, "not asked for (-%c)", k ? '4' : '6');
        } else if (m->kind != RDC_MTA_NONE && !(k ? m->v6 : m->v4)) {
            snprintf(f->why, sizeof f->why, "%s does not send over %s (%s%s)",
                     rdc_mta_name(m->kind), fam,
                     m->kind == RDC_MTA_POSTFIX ? "inet_protocols = " : "", m->protocols);
        } else if (!rt->ok) {
            snprintf(f->why, sizeof f->why,
                     "no %s route toward %s (%s): this host sends no mail over %s", fam,
                     rdc_addr_format(&rt->toward, t), rt->err, fam);
        } else {
            f->state = RDC_SELF_S_CHECK;
            if (m->kind != RDC_MTA_NONE && m->bind[k].set)
                from_bind(f, in, k);
            else
                from_route(f, rt);
            f->addr = f->local;
            f->nat = rdc_addr_special(&f->local) != NULL;
        }
    }
}

void rdc_self_nat(rdc_self_family_t *f, const rdc_addr_t *addr, const char *how, const char *tried)
{
    char t[RDC_ADDR_TEXT_MAX];
    const char *what = rdc_addr_special(&f->local);
    rdc_addr_format(&f->local, t);
    if (addr && rdc_addr_equal(addr, &f->local)) { /* no translation on the way */
        snprintf(f->public_via, sizeof f->public_via,
                 "%s saw the local address %s itself (%s): no NAT on the way to it", how, t,
                 what ? what : "not globally reachable");
        return;
    }
    if (addr) {
        char p[RDC_ADDR_TEXT_MAX];
        const char *pw = rdc_addr_special(addr);
        f->addr = *addr;
        snprintf(f->public_via, sizeof f->public_via,
                 "%s address %s via %s; local address %s is behind NAT (%s)",
                 pw ? "translated" : "public", rdc_addr_format(addr, p), how, t,
                 what ? what : "not globally reachable");
        return;
    }
    f->state = RDC_SELF_S_UNKNOWN;
    snprintf(f->why, sizeof f->why,
             "local address %s is %s, so receivers see another one, and no whoami service "
             "answered (%s): give the public address as a target, or --whoami NAME@SERVER",
             t, what ? what : "not globally reachable", tried);
}

void rdc_self_note(rdc_self_family_t *f, const rdc_result_t *r)
{
    f->checked = true;
    f->verdict = r->verdict;
    if (r->helo) {
        f->helo_checked = true;
        f->helo_verdict = r->helo_verdict;
    }
    size_t len = 0;
    f->names[0] = '\0';
    for (size_t i = 0; i < r->nnames && len + 3 < sizeof f->names; i++) {
        int n = snprintf(f->names + len, sizeof f->names - len, "%s%s", i ? ", " : "",
                         r->names[i].name);
        if (n < 0)
            break;
        len += (size_t)n;
    }
    if (len >= sizeof f->names)
        f->names[sizeof f->names - 1] = '\0';
}

static int rank(rdc_verdict_t v)
{
    static const int r[] = {
        [RDC_PASS] = 0, [RDC_WARN] = 1, [RDC_TEMPFAIL] = 2, [RDC_FAIL] = 3, [RDC_ERROR] = 4};
    return r[v];
}

void rdc_self_finish(rdc_self_t *s)
{
    rdc_verdict_t worst = RDC_PASS;
    bool any = false;
    size_t len = 0;
    char *b = s->summary;
    size_t cap = sizeof s->summary;
    len += (size_t)snprintf(b, cap, "this host sends mail as %s",
                            s->helo[0] ? s->helo : "(no HELO name)");
    for (int k = 0; k < 2; k++) {
        const rdc_self_family_t *f = &s->fam[k];
        char t[RDC_ADDR_TEXT_MAX];
        rdc_verdict_t v;
        if (f->state == RDC_SELF_S_SKIPPED)
            continue;
        if (f->state == RDC_SELF_S_UNKNOWN || !f->checked)
            v = RDC_TEMPFAIL;
        else
            v = f->verdict;
        if (rank(v) > rank(worst))
            worst = v;
        if (len < cap)
            len += (size_t)snprintf(b + len, cap - len, "%s %s %s", any ? " and" : " from",
                                    f->state == RDC_SELF_S_UNKNOWN ? "an unknown public"
                                                                   : rdc_addr_format(&f->addr, t),
                                    rdc_self_family_name(f->family));
        any = true;
    }
    if (!any) {
        worst = RDC_TEMPFAIL;
        if (len < cap)
            len += (size_t)snprintf(b + len, cap - len, " from no address it could find");
    }
    if (len < cap)
        snprintf(b + len, cap - len, ": %s", rdc_verdict_name(worst));
    s->verdict = worst;
}
