/* report_github.c - --format github: GitHub Actions workflow commands and
 * the job summary ($GITHUB_STEP_SUMMARY).
 *
 * GitHub shows at most 10 error and 10 warning annotations of a step and
 * drops the rest without a word, so the annotations are chosen, not
 * streamed: the writer keeps the 10 worst of each kind seen so far (20
 * lines of memory, whatever the input's size) and counts the others; at
 * the end it writes them worst first, then notices with the counts and
 * how many were left out. Worst follows the exit status precedence (2,
 * then 1, then 3): a bad input line (fix the input first; it carries
 * file= and line=), then fails, then tempfails; a --mx/--spf domain's line
 * before addresses of the same verdict; input order among equals. The job
 * summary streams instead: a Markdown table of every result that is not
 * a pass, a row as each is decided, kept under GitHub's 1 MiB a step. */
#include "report_ci.h"
#include "report.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ escaping */

static void gh_escape(rdc_buf_t *b, const char *s, bool property)
{
    if (s == NULL)
        return;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if (c == '%')
            rdc_buf_puts(b, "%25");
        else if (c == '\r')
            rdc_buf_puts(b, "%0D");
        else if (c == '\n')
            rdc_buf_puts(b, "%0A");
        else if (property && c == ':')
            rdc_buf_puts(b, "%3A");
        else if (property && c == ',')
            rdc_buf_puts(b, "%2C");
        else if ((c < 0x20 && c != '\t') || c >= 0x7f)
            rdc_buf_printf(b, "\\%03u", (unsigned)c);
        else
            rdc_buf_append(b, (const char *)p, 1);
    }
}

static void escape_to(FILE *f, const char *s, bool property)
{
    rdc_buf_t b = {0};
    gh_escape(&b, s, property);
    if (b.len)
        fwrite(b.s, 1, b.len, f);
    rdc_buf_free(&b);
}

void rdc_github_escape_data(FILE *f, const char *s)
{
    escape_to(f, s, false);
}

void rdc_github_escape_property(FILE *f, const char *s)
{
    escape_to(f, s, true);
}

/* ------------------------------------------------------------ one line */

/* True when the address came from a host name, not from an address or a
 * block (the rule of the text report). ip is the formatted address. */
static bool from_name(const rdc_result_t *r, const char *ip)
{
    return r->input && strcmp(r->input, ip) != 0 && strchr(r->input, '/') == NULL;
}

/* "code: message Fix: fix" without the code for the main problem. */
static void gh_problem(rdc_buf_t *b, const rdc_problem_t *p, bool with_code)
{
    if (with_code) {
        gh_escape(b, rdc_problem_name(p), false);
        gh_escape(b, ": ", false);
    }
    gh_escape(b, p->message, false);
    if (p->fix) {
        gh_escape(b, " Fix: ", false);
        gh_escape(b, p->fix, false);
    }
}

/* The problems after the main one, each on a line of its own. */
static void gh_other_problems(rdc_buf_t *b, const rdc_result_t *r, const rdc_problem_t *m)
{
    for (size_t i = 0; i < r->nproblems; i++) {
        if (&r->problems[i] == m)
            continue;
        gh_escape(b, "\n", false);
        gh_problem(b, &r->problems[i], true);
    }
}

/* The message of a domain's line: "example.test (mx): 2 addresses, 1 fail",
 * then its own problems. */
static void gh_domain(rdc_buf_t *b, const rdc_result_t *r, const rdc_problem_t *m)
{
    rdc_buf_t counts = {0};
    rdc_domain_counts(&counts, r);
    gh_escape(b, r->input, false);
    gh_escape(b, " (", false);
    gh_escape(b, r->domain.mode, false);
    gh_escape(b, "): ", false);
    gh_escape(b, counts.s ? counts.s : "", false);
    rdc_buf_free(&counts);
    if (m) {
        gh_escape(b, "\n", false);
        gh_problem(b, m, true);
    }
    gh_other_problems(b, r, m);
}

void rdc_github_line(rdc_buf_t *b, const rdc_result_t *r, const char *file)
{
    char ip[RDC_ADDR_TEXT_MAX], line[32];
    if (r->verdict == RDC_PASS)
        return;
    const rdc_problem_t *m = rdc_ci_main_problem(r);
    rdc_buf_printf(b, "::%s ", r->verdict == RDC_WARN ? "warning" : "error");
    if (r->kind == RDC_RESULT_INVALID && r->line && file) {
        /* attached to the line of the file (as a linter's annotation) */
        rdc_buf_puts(b, "file=");
        gh_escape(b, file, true);
        rdc_buf_printf(b, ",line=%lu,", r->line);
    }
    rdc_buf_puts(b, "title=");
    gh_escape(b, "rdnscheck ", true);
    gh_escape(b,
              m                              ? rdc_problem_name(m)
              : r->kind == RDC_RESULT_DOMAIN ? r->domain.mode
                                             : rdc_verdict_name(r->verdict),
              true);
    rdc_buf_puts(b, "::");
    if (r->kind == RDC_RESULT_DOMAIN) {
        gh_domain(b, r, m);
        rdc_buf_puts(b, "\n");
        return;
    }
    if (r->kind != RDC_RESULT_ADDRESS) {
        if (r->kind == RDC_RESULT_INVALID && r->line) {
            snprintf(line, sizeof line, "line %lu: ", r->line);
            gh_escape(b, line, false);
        }
        gh_escape(b, r->input, false);
    } else {
        gh_escape(b, rdc_addr_format(&r->addr, ip), false);
        if (from_name(r, ip)) {
            gh_escape(b, " (from ", false);
            gh_escape(b, r->input, false);
            gh_escape(b, ")", false);
        }
    }
    gh_escape(b, ": ", false);
    if (m)
        gh_problem(b, m, false);
    else
        gh_escape(b, rdc_verdict_name(r->verdict), false);
    gh_other_problems(b, r, m);
    rdc_buf_puts(b, "\n");
}

void rdc_report_github(FILE *f, const rdc_result_t *r)
{
    rdc_buf_t b = {0};
    rdc_github_line(&b, r, NULL);
    if (b.len)
        fwrite(b.s, 1, b.len, f);
    rdc_buf_free(&b);
}

void rdc_report_github_summary(FILE *f, const rdc_counts_t *c)
{
    /* the text report's closing line, as a notice */
    fputs("::notice title=rdnscheck::", f);
    rdc_report_text_summary(f, c);
}

/* ------------------------------------------------------------ a run */

/* One annotation kept for the end. */
typedef struct kept {
    int rank; /* lower is worse */
    unsigned long long seq; /* input order */
    char *line;
} kept_t;

/* The annotations of one kind (error or warning). */
typedef struct level {
    kept_t k[RDC_GITHUB_ANNOTATIONS];
    size_t n; /* kept */
    unsigned long total; /* seen */
} level_t;

struct rdc_github {
    char *file; /* -f FILE, for file= on its bad lines; NULL: none */
    FILE *summary; /* the job summary, not owned; NULL: none */
    unsigned long long budget, used; /* its bytes: allowed, written */
    unsigned long long seq;
    level_t errors, warnings;
    unsigned long rows, left_out; /* table rows written, and not */
    bool table, failed;
};

rdc_github_t *rdc_github_new(const char *file, FILE *summary, unsigned long long budget)
{
    rdc_github_t *g = calloc(1, sizeof *g);
    if (g == NULL)
        return NULL;
    if (file && strcmp(file, "-") != 0 && (g->file = rdc_strdup(file)) == NULL) {
        free(g);
        return NULL;
    }
    g->summary = summary;
    g->budget = budget;
    return g;
}

void rdc_github_free(rdc_github_t *g)
{
    if (g == NULL)
        return;
    for (size_t i = 0; i < g->errors.n; i++)
        free(g->errors.k[i].line);
    for (size_t i = 0; i < g->warnings.n; i++)
        free(g->warnings.k[i].line);
    free(g->file);
    free(g);
}

/* Where r stands among the annotations of its kind (see the top of the
 * file): 0 is the worst. */
static int rank(const rdc_result_t *r)
{
    bool domain = r->kind == RDC_RESULT_DOMAIN;
    switch (r->verdict) {
    case RDC_ERROR:
        return 0;
    case RDC_FAIL:
        return domain ? 1 : 2;
    case RDC_TEMPFAIL:
        return domain ? 3 : 4;
    default: /* warn */
        return domain ? 0 : 1;
    }
}

static bool better(const kept_t *a, int rank_b, unsigned long long seq_b)
{
    return a->rank < rank_b || (a->rank == rank_b && a->seq < seq_b);
}

/* Keeps r's annotation when it is among the RDC_GITHUB_ANNOTATIONS worst
 * seen so far, dropping the least bad one kept. false: no memory. */
static bool keep(rdc_github_t *g, level_t *lv, const rdc_result_t *r)
{
    int rk = rank(r);
    kept_t *slot = NULL;
    lv->total++;
    if (lv->n < RDC_GITHUB_ANNOTATIONS) {
        slot = &lv->k[lv->n];
    } else {
        slot = &lv->k[0];
        for (size_t i = 1; i < lv->n; i++)
            if (better(slot, lv->k[i].rank, lv->k[i].seq))
                slot = &lv->k[i];
        if (rk >= slot->rank)
            return true; /* no worse than any kept (and later): left out */
    }
    rdc_buf_t b = {0};
    rdc_github_line(&b, r, g->file);
    char *line = rdc_buf_take(&b);
    if (line == NULL)
        return false;
    if (lv->n < RDC_GITHUB_ANNOTATIONS)
        lv->n++;
    else
        free(slot->line);
    *slot = (kept_t){rk, g->seq, line};
    return true;
}

/* Appends s for a Markdown table cell (GitHub Flavored Markdown): every
 * character that could start markup is backslash-escaped (CommonMark lets
 * any ASCII punctuation be), '|' included so no name splits the row;
 * '<', '>' and '&' become entities, so no HTML gets through; a line break
 * becomes <br>, the only way a cell holds one. '.', ':' and '@' are
 * escaped too, so that no untrusted name becomes a link or a mention
 * (GitHub links www.x, http:... and user@host by themselves). */
static void md_cell(rdc_buf_t *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        unsigned char c = *p;
        if (c == '\n')
            rdc_buf_puts(b, "<br>");
        else if (c == '<')
            rdc_buf_puts(b, "&lt;");
        else if (c == '>')
            rdc_buf_puts(b, "&gt;");
        else if (c == '&')
            rdc_buf_puts(b, "&amp;");
        else if (c == '\r' || c == '\t')
            rdc_buf_puts(b, " ");
        else if (c < 0x20 || c >= 0x7f)
            rdc_buf_printf(b, "\\\\%03u", (unsigned)c); /* a visible \DDD */
        else if (strchr("\\`*_[]!~|$.:@", c))
            rdc_buf_printf(b, "\\%c", c);
        else
            rdc_buf_append(b, (const char *)p, 1);
    }
}

/* "| fail | 192.0.2.49 | mail.example.test | `no-ptr`: ... | ask ... |" */
static void md_row(rdc_buf_t *b, const rdc_result_t *r, const char *file)
{
    char ip[RDC_ADDR_TEXT_MAX] = "";
    const rdc_problem_t *m = rdc_ci_main_problem(r);
    rdc_buf_t t = {0};
    rdc_buf_printf(b, "| %s | ", rdc_verdict_name(r->verdict));
    if (r->kind == RDC_RESULT_ADDRESS)
        md_cell(b, rdc_addr_format(&r->addr, ip));
    rdc_buf_puts(b, " | ");
    if (r->kind == RDC_RESULT_INVALID && r->line)
        rdc_buf_printf(&t, "%s%sline %lu: ", file ? file : "", file ? " " : "", r->line);
    if (r->kind != RDC_RESULT_ADDRESS || strcmp(r->input ? r->input : "", ip) != 0)
        rdc_buf_puts(&t, r->input ? r->input : "");
    if (r->kind == RDC_RESULT_DOMAIN)
        rdc_buf_printf(&t, " (%s)", r->domain.mode);
    if (r->via)
        rdc_buf_printf(&t, "%s%s", t.len ? ": " : "", r->via);
    md_cell(b, t.s);
    rdc_buf_free(&t);
    rdc_buf_puts(b, " | ");
    if (r->kind == RDC_RESULT_DOMAIN) {
        rdc_domain_counts(&t, r);
        md_cell(b, t.s);
        rdc_buf_free(&t);
        if (m)
            rdc_buf_puts(b, "; ");
    }
    if (m) {
        rdc_buf_printf(b, "`%s`: ", rdc_problem_name(m)); /* a code is [a-z0-9-] */
        md_cell(b, m->message);
    }
    for (size_t i = 0, k = 0; i < r->nproblems; i++)
        if (&r->problems[i] != m)
            rdc_buf_printf(b, "%s`%s`", k++ ? ", " : " (also ", rdc_problem_name(&r->problems[i]));
    if (r->nproblems > (m ? 1u : 0u))
        rdc_buf_puts(b, ")");
    rdc_buf_puts(b, " | ");
    if (m && m->fix)
        md_cell(b, m->fix);
    rdc_buf_puts(b, " |\n");
}

/* Room kept in the summary's budget for its closing lines. */
#define TAIL_ROOM 1024

static void summary_write(rdc_github_t *g, const rdc_buf_t *b)
{
    if (b->failed) {
        g->failed = true;
        return;
    }
    if (b->len && fwrite(b->s, 1, b->len, g->summary) != b->len)
        g->failed = true;
    g->used += b->len;
}

/* One table row for r, the table's head first. */
static void summary_row(rdc_github_t *g, const rdc_result_t *r)
{
    rdc_buf_t b = {0};
    if (!g->table)
        rdc_buf_puts(&b, "### rdnscheck: what did not pass\n\n"
                         "| verdict | address | target | problem | fix |\n"
                         "|---|---|---|---|---|\n");
    md_row(&b, r, g->file);
    if (g->left_out || g->used + b.len + TAIL_ROOM > g->budget) {
        g->left_out++;
    } else {
        summary_write(g, &b);
        g->table = true;
        g->rows++;
    }
    rdc_buf_free(&b);
}

bool rdc_github_add(rdc_github_t *g, const rdc_result_t *r)
{
    if (r->verdict == RDC_PASS)
        return !g->failed;
    g->seq++;
    if (!keep(g, r->verdict == RDC_WARN ? &g->warnings : &g->errors, r))
        g->failed = true;
    if (g->summary)
        summary_row(g, r);
    return !g->failed;
}

static int by_rank(const void *a, const void *b)
{
    const kept_t *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void write_level(FILE *f, level_t *lv)
{
    qsort(lv->k, lv->n, sizeof lv->k[0], by_rank);
    for (size_t i = 0; i < lv->n; i++)
        fputs(lv->k[i].line, f);
}

/* "::notice ...::12 more errors and 3 more warnings than GitHub shows
 * ...: every one is in the job summary" */
static void more_notice(FILE *f, const rdc_github_t *g)
{
    unsigned long e = g->errors.total - g->errors.n, w = g->warnings.total - g->warnings.n;
    if (e == 0 && w == 0)
        return;
    fputs("::notice title=rdnscheck::", f);
    if (e)
        fprintf(f, "%lu more error%s", e, e == 1 ? "" : "s");
    if (w)
        fprintf(f, "%s%lu more warning%s", e ? " and " : "", w, w == 1 ? "" : "s");
    fprintf(f, " not annotated (GitHub shows %d of each a step): ", RDC_GITHUB_ANNOTATIONS);
    if (g->summary && g->left_out == 0)
        fputs("every one is in the job summary\n", f);
    else if (g->summary)
        fprintf(f,
                "the job summary lists the first %lu of %lu (GitHub keeps 1 MiB a step); "
                "--json lists every one\n",
                g->rows, g->rows + g->left_out);
    else
        fputs("--json or --junit FILE lists every one, and so does the job summary where "
              "GITHUB_STEP_SUMMARY is set\n",
              f);
}

bool rdc_github_finish(rdc_github_t *g, FILE *f, const rdc_counts_t *c)
{
    write_level(f, &g->errors);
    write_level(f, &g->warnings);
    rdc_report_github_summary(f, c);
    more_notice(f, g);
    if (g->summary == NULL)
        return !g->failed;
    if (g->left_out)
        fprintf(g->summary,
                "\n%lu more not listed: GitHub keeps 1 MiB of job summary a step "
                "(`--json` lists every one).\n",
                g->left_out);
    fputs(g->table ? "\n" : "### rdnscheck\n\n", g->summary);
    fputs("rdnscheck: ", g->summary);
    rdc_report_text_summary(g->summary, c);
    fputs("\n", g->summary);
    if (fflush(g->summary) != 0 || ferror(g->summary))
        g->failed = true;
    return !g->failed;
}
