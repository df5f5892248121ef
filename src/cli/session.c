/* session.c - one run of the tool as main.c and the --wait loop drive it:
 * the reporters and the output (progress line, per-result emission, the
 * summary, the monitoring formats' endings), the loop, resolver, targets
 * and engine of a check, and the exit status from the counts. */
#define _GNU_SOURCE
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "session.h"

#include "cli.h"
#include "engine.h"
#include "report.h"
#include "report_ci.h"
#include "report_mon.h"
#include "report_self.h"
#include "target.h"
#include "util.h"
#include "wait.h"

volatile sig_atomic_t rdc_stop_signal;

static void progress_clear(out_t *out)
{
    if (out->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        out->drawn = false;
    }
}

static void progress_draw(void *ctx, const rdc_engine_stats_t *st, bool input_done)
{
    out_t *out = ctx;
    unsigned long long now = rdc_now_ms();
    if (now - out->last_draw < 200)
        return;
    out->last_draw = now;
    double secs = (double)(now - out->t0) / 1000.0;
    double rate = secs > 0 ? (double)st->done / secs : 0;
    uint64_t total = out->total ? out->total : (input_done ? st->started : 0);
    char eta[32] = "";
    if (total && rate > 0 && st->done <= total) {
        unsigned long left = (unsigned long)((double)(total - st->done) / rate);
        snprintf(eta, sizeof eta, "  ETA %lu:%02lu", left / 60, left % 60);
    }
    const unsigned long *n = out->counts.n;
    if (total)
        fprintf(stderr,
                "\r\033[K%lu/%llu %3.0f%%  %.0f/s%s  pass %lu  warn %lu  fail %lu  tempfail %lu",
                st->done, (unsigned long long)total, 100.0 * (double)st->done / (double)total, rate,
                eta, n[RDC_PASS], n[RDC_WARN], n[RDC_FAIL], n[RDC_TEMPFAIL]);
    else
        fprintf(stderr, "\r\033[K%lu done  %.0f/s  pass %lu  warn %lu  fail %lu  tempfail %lu",
                st->done, rate, n[RDC_PASS], n[RDC_WARN], n[RDC_FAIL], n[RDC_TEMPFAIL]);
    fflush(stderr);
    out->drawn = true;
}

/* Targets on the command line, counting every address of a block (of this
 * --shard only); 0 when a FILE follows (its length is unknown until read). */
static uint64_t count_targets(const rdc_options_t *o)
{
    if (o->file)
        return 0;
    uint64_t n = 0, pos = o->ndomains; /* the domains' items come first */
    for (size_t i = 0; i < o->ntargets; i++) {
        rdc_target_t t;
        char err[256];
        const char *a = o->targets[i];
        uint64_t items = 1;
        if (rdc_target_parse(a, strlen(a), o->max_expand, &t, err, sizeof err) &&
            t.kind == RDC_T_CIDR)
            items = t.count;
        n += rdc_shard_share(pos, items, o->shard_index, o->shard_count);
        pos += items;
    }
    return n;
}

static bool want_progress(const rdc_options_t *o, uint64_t total)
{
    if (o->quiet || o->progress == 0 || !isatty(STDERR_FILENO))
        return false;
    if (o->progress == 1)
        return true;
    struct winsize ws;
    unsigned rows = 24;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
        rows = ws.ws_row;
    return total == 0 || total > rows;
}

/* Per-code counts on stderr: the figures an admin pastes into a ticket. */
static void problem_summary(const rdc_counts_t *c)
{
    bool any = false;
    for (int k = 0; k < RDC_CODE_COUNT; k++) {
        if (c->codes[k] == 0)
            continue;
        fprintf(stderr, "%s %lu %s", any ? "," : "problems:", c->codes[k],
                rdc_code_name((rdc_code_t)k));
        any = true;
    }
    if (any)
        fputc('\n', stderr);
}

static bool emit(void *ctx, const rdc_result_t *r)
{
    out_t *out = ctx;
    if (r == NULL) {
        if (fflush(out->f) != 0) {
            out->write_errno = errno;
            return false;
        }
        return true;
    }
    rdc_counts_add(&out->counts, r);
    if (out->o->wait_ms)
        rdc_wait_note(&out->wait_ttl, r, out->o->strict);
    progress_clear(out);
    if (r->verdict == RDC_ERROR) {
        const char *why = r->nproblems ? r->problems[0].message : "invalid target";
        if (r->line)
            rdc_errorf("%s:%lu: '%s': %s",
                       strcmp(out->o->file, "-") == 0 ? "(standard input)" : out->o->file, r->line,
                       r->input, why);
        else
            rdc_errorf("'%s': %s", r->input, why);
    }
    if (out->junit && !rdc_junit_add(out->junit, r, NULL))
        out->junit_failed = true;
    if (!out->o->quiet) {
        if (out->o->json)
            rdc_report_json(out->f, r, &out->ro);
        else if (out->github)
            out->report_failed |= !rdc_github_add(out->github, r);
        else if (out->nagios)
            out->report_failed |= !rdc_nagios_add(out->nagios, r);
        else if (out->prom)
            out->report_failed |= !rdc_prom_add(out->prom, out->f, r);
        else if (r->verdict != RDC_ERROR) /* text: errors went to stderr */
            rdc_report_text(out->f, r, &out->ro);
    }
    if (ferror(out->f)) {
        out->write_errno = errno ? errno : EIO;
        return false;
    }
    return true;
}

/* The text report's line width: the terminal's (standard output, when
 * the report goes there), else $COLUMNS, else 80. */
static unsigned text_width(bool to_stdout)
{
    struct winsize ws;
    if (to_stdout && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *c = getenv("COLUMNS");
    char *end;
    unsigned long v = c && *c >= '0' && *c <= '9' ? strtoul(c, &end, 10) : 0;
    if (v > 0 && v <= 100000 && *end == '\0')
        return (unsigned)v;
    return 80;
}

static bool want_color(rdc_color_when_t w, bool to_stdout)
{
    if (w != RDC_COLOR_AUTO)
        return w == RDC_COLOR_ALWAYS;
    if (!to_stdout)
        return false;
    const char *nc = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    return isatty(STDOUT_FILENO) && (nc == NULL || nc[0] == '\0') &&
           !(term && strcmp(term, "dumb") == 0);
}

/* --format nagios / prometheus / github keep some state over the run. */
static bool make_reporters(out_t *out)
{
    const rdc_options_t *o = out->o;
    if (o->quiet || o->json)
        return true;
    if (o->nagios)
        out->nagios = rdc_nagios_new();
    if (out->nagios && o->plugin) { /* check_rdns: -w, -c, -W, -C, -v */
        rdc_nagios_set_limits(out->nagios, &o->limits);
        rdc_nagios_set_verbose(out->nagios, o->verbose);
    }
    if (o->prometheus)
        out->prom = rdc_prom_new(o->shard_index, o->shard_count);
    for (size_t i = 0; out->prom && i < o->nlabels; i++)
        if (!rdc_prom_add_label(out->prom, o->labels[i])) {
            rdc_prom_free(out->prom); /* checked when parsed: only memory fails */
            out->prom = NULL;
        }
    if ((o->nagios && out->nagios == NULL) || (o->prometheus && out->prom == NULL)) {
        rdc_errorf("out of memory");
        return false;
    }
    return o->github ? rdc_session_open_github(out) : true;
}

/* The targets: command line, then FILE, with the --mx/--spf domains. */
static bool make_targets(run_t *r, const rdc_options_t *o)
{
    char err[512];
    r->src = rdc_targets_new(o->targets, o->ntargets, o->file, o->max_expand, err, sizeof err);
    if (r->src == NULL) {
        rdc_errorf("%s", err);
        return false;
    }
    rdc_targets_set_shard(r->src, o->shard_index, o->shard_count);
    for (size_t i = 0; i < o->ndomains; i++) {
        if (!rdc_targets_add_domain(r->src, o->domains[i].spf ? RDC_ITEM_SPF : RDC_ITEM_MX,
                                    o->domains[i].wire)) {
            rdc_errorf("out of memory");
            return false;
        }
    }
    return true;
}

static bool make_resolver(run_t *r, const rdc_options_t *o)
{
    char err[512];
    r->loop = rdc_loop_new();
    if (r->loop == NULL) {
        rdc_errorf("cannot create the event loop: %s", strerror(errno));
        return false;
    }
    rdc_resolver_opts_t ro = {
        .servers = o->nservers ? o->servers : NULL,
        .nservers = o->nservers,
        .timeout_ms = o->timeout_ms,
        .rate = o->rate,
        .rotate = o->rotate,
    };
    r->res = rdc_resolver_new(r->loop, &ro, err, sizeof err);
    if (r->res == NULL) {
        rdc_errorf("%s", err);
        return false;
    }
    return true;
}

static bool make_engine(run_t *r, const rdc_options_t *o, out_t *out)
{
    rdc_engine_opts_t eo = {
        .concurrency = o->concurrency,
        .max_names = 16,
        .tries = o->tries,
        .strict = o->strict,
        .iprev = o->iprev,
        /* traces for text and JSON */
        .verbose = o->verbose && !o->quiet && !o->github && !o->nagios && !o->prometheus,
        .want4 = o->want4,
        .want6 = o->want6,
        .unordered = o->unordered,
        .generic = true,
        .helo = o->helo,
        .helo_kind = o->helo_kind,
        .helo_lit = o->helo_lit,
        .helo_why = o->helo_why,
        .dnsbl = o->dnsbl,
        .ndnsbl = o->ndnsbl,
        .smtp_port = o->smtp_port,
        .max_expand = o->max_expand,
        .spf_sample = o->spf_sample,
        .smtp_timeout_ms = o->smtp_timeout_ms,
        .ehlo_name = o->ehlo_name,
        .try_timeout_ms = o->timeout_ms,
        .authority = o->authority,
        /* --self: each own address's result says where it came from */
        .annotate = out->self ? rdc_selfcheck_annotate : NULL,
        .annotate_ctx = out->self,
    };
    out->total = count_targets(o);
    out->progress = want_progress(o, out->total);
    out->t0 = rdc_now_ms();
    if (out->progress) {
        eo.progress = progress_draw;
        eo.progress_ctx = out;
    }
    memcpy(eo.helo_wire, o->helo_wire, sizeof eo.helo_wire);
    r->eng = rdc_engine_new(r->loop, rdc_resolver_dns(r->res), &eo);
    if (r->eng == NULL) {
        rdc_errorf("out of memory");
        return false;
    }
    return true;
}

rdc_run_status_t rdc_session_run(run_t *r, out_t *out)
{
    rdc_source_fn src = rdc_targets_next;
    void *sctx = r->src;
    if (out->self) { /* this host's addresses first, then the targets */
        rdc_selfrun_t *sr = out->self;
        sr->next = 0;
        sr->inner = out->o->ntargets || out->o->file || out->o->ndomains ? rdc_targets_next : NULL;
        sr->inner_ctx = r->src;
        src = rdc_selfcheck_next;
        sctx = sr;
        for (size_t i = 0; i < sr->nextra; i++) /* the families with no address */
            if (!emit(out, &sr->extra[i]))
                return RDC_RUN_OUTPUT_FAILED;
    }
    rdc_run_status_t rs = rdc_engine_run(r->eng, src, sctx, emit, out, &rdc_stop_signal);
    switch (rs) {
    case RDC_RUN_DONE:
    case RDC_RUN_STOPPED:
    case RDC_RUN_OUTPUT_FAILED:
    case RDC_RUN_JUNIT_FAILED:
        break;
    case RDC_RUN_INPUT_FAILED:
        rdc_errorf("%s", rdc_targets_error(r->src));
        break;
    case RDC_RUN_NO_MEMORY:
        rdc_errorf("out of memory");
        break;
    }
    return rs;
}

/* -v: the query and window statistics and each server's state, on stderr. */
static void print_stats(const run_t *r, bool out_authority)
{
    const rdc_engine_stats_t *st = rdc_engine_stats(r->eng);
    fprintf(stderr,
            "rdnscheck: %lu queries, %lu timed out, %lu sent again, %lu early duplicates, "
            "%lu moved to another server, %lu probes; window %u at least, cut %lu times",
            rdc_resolver_queries(r->res), rdc_resolver_timeouts(r->res), st->retries, st->early,
            st->failovers, st->probes, st->min_window, st->cuts);
    if (r->eng && out_authority)
        fprintf(stderr, "; %lu of the queries to zones' own servers", st->auth_queries);
    fputc('\n', stderr);
    rdc_buf_t sv = {0};
    rdc_engine_describe_servers(r->eng, &sv);
    for (char *line = sv.s, *nl; line && *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (nl == NULL)
            break;
        fprintf(stderr, "rdnscheck: %.*s\n", (int)(nl - line), line);
    }
    rdc_buf_free(&sv);
}

/* Seconds since the Unix epoch, for rdnscheck_last_run_timestamp_seconds. */
static double wall_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --format nagios: the state of the run, and (without -q) the plugin
 * output; a run that did not complete says why and is at best UNKNOWN. */
static rdc_nagios_state_t nagios_report(const run_t *r, const out_t *out, rdc_run_status_t rs)
{
    const char *why = NULL;
    char stopped[64];
    switch (rs) {
    case RDC_RUN_DONE:
        break;
    case RDC_RUN_STOPPED:
        if (rdc_stop_signal == SIGALRM) /* check_rdns -t */
            snprintf(stopped, sizeof stopped, "check timed out after %u s (-t)",
                     out->o->check_timeout_s);
        else
            snprintf(stopped, sizeof stopped, "stopped by %s",
                     rdc_stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
        why = stopped;
        break;
    case RDC_RUN_INPUT_FAILED:
        why = rdc_targets_error(r->src);
        break;
    case RDC_RUN_NO_MEMORY:
        why = "out of memory";
        break;
    case RDC_RUN_JUNIT_FAILED:
    case RDC_RUN_OUTPUT_FAILED:
        why = rdc_cli_last_error();
        break;
    }
    double secs = (double)(rdc_now_ms() - out->t0) / 1000.0;
    if (out->o->quiet)
        return rdc_nagios_state(&out->counts, why != NULL);
    return rdc_nagios_write(out->f, out->nagios, &out->counts, secs, why);
}

/* After the run: the JUnit report closed, the summaries, the statistics,
 * standard output flushed. Returns the run status, updated by write errors. */
rdc_run_status_t rdc_session_finish(const run_t *r, out_t *out, rdc_run_status_t rs)
{
    const rdc_options_t *o = out->o;
    progress_clear(out);
    rs = rdc_session_finish_junit(out, rs);
    if (rs != RDC_RUN_OUTPUT_FAILED && out->github &&
        !rdc_github_finish(out->github, out->f, &out->counts)) {
        rdc_errorf("cannot write the job summary %s (GITHUB_STEP_SUMMARY)",
                   getenv("GITHUB_STEP_SUMMARY"));
        rs = rs == RDC_RUN_DONE ? RDC_RUN_JUNIT_FAILED : rs;
    }
    if (out->self) {
        rdc_self_finish(&out->self->s);
        if (out->nagios)
            rdc_nagios_set_lead(out->nagios, out->self->s.summary);
    }
    if (rs != RDC_RUN_OUTPUT_FAILED && !o->quiet && o->github && out->self)
        rdc_report_self_github(out->f, &out->self->s);
    if (rs != RDC_RUN_OUTPUT_FAILED && !o->quiet && o->json && out->self)
        rdc_report_self_json(out->f, &out->self->s);
    if (rs == RDC_RUN_DONE && out->report_failed) {
        rdc_errorf("out of memory");
        rs = RDC_RUN_NO_MEMORY;
    }
    if (rs != RDC_RUN_OUTPUT_FAILED && o->nagios)
        out->nagios_state = nagios_report(r, out, rs);
    if (rs != RDC_RUN_OUTPUT_FAILED && out->prom)
        rdc_prom_finish(out->prom, out->f, &out->counts, (double)(rdc_now_ms() - out->t0) / 1000.0,
                        wall_clock());
    if (rs != RDC_RUN_OUTPUT_FAILED && out->prom && out->self)
        rdc_prom_self(out->f, &out->self->s);
    if (rs != RDC_RUN_OUTPUT_FAILED && !o->quiet && !o->json && !o->github && !o->nagios &&
        !o->prometheus) {
        unsigned long total = 0; /* lines printed: addresses and domains */
        for (int i = 0; i <= RDC_ERROR; i++)
            total += out->counts.n[i] + out->counts.domains[i];
        if (out->self)
            rdc_report_self_text(out->f, &out->self->s);
        if (total > 1 || rs == RDC_RUN_STOPPED) {
            rdc_report_text_summary(out->f, &out->counts);
            fflush(out->f);
            problem_summary(&out->counts);
        }
    }
    if (o->verbose && !o->plugin) /* check_rdns: nothing on stderr */
        print_stats(r, o->authority);
    if (rs != RDC_RUN_OUTPUT_FAILED && (fflush(out->f) != 0 || ferror(out->f))) {
        rs = RDC_RUN_OUTPUT_FAILED;
        out->write_errno = errno ? errno : EIO;
    }
    return rs;
}

int rdc_session_exit_status(rdc_run_status_t rs, const out_t *out)
{
    if (rs == RDC_RUN_OUTPUT_FAILED) {
        if (out->write_errno == EPIPE) /* the reader went away: end quietly, as if killed */
            return out->o->nagios ? (int)RDC_NAGIOS_UNKNOWN : 128 + SIGPIPE;
        if (out->write_errno)
            rdc_errorf("cannot write the report: %s", strerror(out->write_errno));
        return (int)(out->o->nagios ? RDC_NAGIOS_UNKNOWN : RDC_EXIT_USAGE);
    }
    if (out->o->nagios) { /* a plugin's exit status is its state, 0 to 3 */
        if (rs == RDC_RUN_STOPPED)
            rdc_errorf("stopped by %s; results above are those decided so far",
                       rdc_stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
        return (int)out->nagios_state;
    }
    if (rs == RDC_RUN_STOPPED) {
        rdc_errorf("stopped by %s; results above are those decided so far",
                   rdc_stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
        return (int)(rdc_stop_signal == SIGINT ? RDC_EXIT_SIGINT : RDC_EXIT_SIGTERM);
    }
    if (rs == RDC_RUN_DONE)
        return (int)rdc_exit_for_counts(&out->counts);
    return (int)RDC_EXIT_USAGE; /* JUnit report, input or memory failure */
}

/* The parts of a run that one check uses up (the resolver first: it
 * cancels queries whose contexts the engine owns). */
void rdc_session_free_checks(run_t *r)
{
    rdc_resolver_free(r->res);
    rdc_engine_free(r->eng);
    rdc_loop_free(r->loop);
    rdc_targets_free(r->src);
    memset(r, 0, sizeof *r);
}

void rdc_session_teardown(run_t *r, out_t *out)
{
    rdc_nagios_free(out->nagios);
    rdc_prom_free(out->prom);
    rdc_github_free(out->github);
    if (out->job_summary)
        fclose(out->job_summary);
    rdc_junit_free(out->junit);
    rdc_outfile_discard(out->junit_file); /* left only when the run never finished */
    rdc_outfile_discard(out->output);
    rdc_session_free_checks(r);
}

bool rdc_session_make_checks(run_t *r, const rdc_options_t *o, out_t *out)
{
    return make_targets(r, o) && make_resolver(r, o) && make_engine(r, o, out);
}

bool rdc_session_start(run_t *r, const rdc_options_t *o, out_t *out)
{
    out->o = o;
    out->f = out->dest = stdout;
    out->ro.color = want_color(o->color, o->output == NULL);
    out->ro.unicode = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    out->ro.verbose = o->verbose;
    out->ro.idn = o->idn && out->ro.unicode;
    out->ro.width = text_width(o->output == NULL);
    if (!rdc_session_open_files(out))
        return false;
    out->f = out->dest;
    return make_reporters(out) && rdc_session_make_checks(r, o, out);
}
