/* main.c - thin: parse options, set up the loop, resolver and engine, run,
 * print the summary, and turn the counts into the exit status. */
#define _GNU_SOURCE
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "engine.h"
#include "report.h"
#include "target.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

typedef struct out {
    const rdc_options_t *o;
    rdc_report_opts_t ro;
    rdc_counts_t counts;
    int write_errno;
} out_t;

static bool emit(void *ctx, const rdc_result_t *r)
{
    out_t *out = ctx;
    if (r == NULL) {
        if (fflush(stdout) != 0) {
            out->write_errno = errno;
            return false;
        }
        return true;
    }
    rdc_counts_add(&out->counts, r);
    if (r->verdict == RDC_ERROR) {
        const char *why = r->nproblems ? r->problems[0].message : "invalid target";
        if (r->line)
            rdc_errorf("%s:%lu: '%s': %s",
                       strcmp(out->o->file, "-") == 0 ? "(standard input)" : out->o->file,
                       r->line, r->input, why);
        else
            rdc_errorf("'%s': %s", r->input, why);
    }
    if (!out->o->quiet) {
        if (out->o->json)
            rdc_report_json(stdout, r);
        else if (r->verdict != RDC_ERROR) /* text: errors went to stderr */
            rdc_report_text(stdout, r, &out->ro);
    }
    if (ferror(stdout)) {
        out->write_errno = errno ? errno : EIO;
        return false;
    }
    return true;
}

static bool want_color(rdc_color_when_t w)
{
    if (w != RDC_COLOR_AUTO)
        return w == RDC_COLOR_ALWAYS;
    const char *nc = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    return isatty(STDOUT_FILENO) && (nc == NULL || nc[0] == '\0') &&
           !(term && strcmp(term, "dumb") == 0);
}

int main(int argc, char **argv)
{
    rdc_options_t o;
    int status = (int)RDC_EXIT_USAGE;
    rdc_loop_t *loop = NULL;
    rdc_resolver_t *res = NULL;
    rdc_engine_t *eng = NULL;
    rdc_targets_t *src = NULL;
    char err[512];

    setlocale(LC_CTYPE, "");
    if (!rdc_cli_parse(argc, argv, &o))
        return RDC_EXIT_USAGE;
    if (o.help) {
        rdc_cli_usage(stdout);
        return fflush(stdout) == 0 && !ferror(stdout) ? RDC_EXIT_OK : RDC_EXIT_USAGE;
    }
    if (o.version) {
        rdc_cli_version(stdout);
        return fflush(stdout) == 0 && !ferror(stdout) ? RDC_EXIT_OK : RDC_EXIT_USAGE;
    }

    /* Write errors come back as EPIPE, handled below, not as a signal. */
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    out_t out = {.o = &o};
    out.ro.color = want_color(o.color);
    out.ro.unicode = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    out.ro.verbose = o.verbose;

    src = rdc_targets_new(o.targets, o.ntargets, o.file, o.max_expand, err, sizeof err);
    if (src == NULL) {
        rdc_errorf("%s", err);
        goto done;
    }
    loop = rdc_loop_new();
    if (loop == NULL) {
        rdc_errorf("cannot create the event loop: %s", strerror(errno));
        goto done;
    }
    rdc_resolver_opts_t ro = {
        .servers = o.nservers ? o.servers : NULL,
        .nservers = o.nservers,
        .timeout_ms = o.timeout_ms,
        .tries = o.tries,
    };
    res = rdc_resolver_new(loop, &ro, err, sizeof err);
    if (res == NULL) {
        rdc_errorf("%s", err);
        goto done;
    }
    rdc_engine_opts_t eo = {
        .concurrency = o.concurrency,
        .max_names = 16,
        .strict = o.strict,
        .verbose = o.verbose && !o.json,
        .want4 = o.want4,
        .want6 = o.want6,
    };
    eng = rdc_engine_new(loop, res, &eo);
    if (eng == NULL) {
        rdc_errorf("out of memory");
        goto done;
    }

    rdc_run_status_t rs = rdc_engine_run(eng, rdc_targets_next, src, emit, &out, &stop_signal);
    switch (rs) {
    case RDC_RUN_DONE:
    case RDC_RUN_STOPPED:
        break;
    case RDC_RUN_OUTPUT_FAILED:
        break;
    case RDC_RUN_INPUT_FAILED:
        rdc_errorf("%s", rdc_targets_error(src));
        break;
    case RDC_RUN_NO_MEMORY:
        rdc_errorf("out of memory");
        break;
    }

    if (rs != RDC_RUN_OUTPUT_FAILED && !o.quiet && !o.json) {
        unsigned long total = 0;
        for (int i = 0; i <= RDC_ERROR; i++)
            total += out.counts.n[i];
        if (total > 1 || rs == RDC_RUN_STOPPED)
            rdc_report_text_summary(stdout, &out.counts);
    }
    if (rs != RDC_RUN_OUTPUT_FAILED && (fflush(stdout) != 0 || ferror(stdout))) {
        rs = RDC_RUN_OUTPUT_FAILED;
        out.write_errno = errno ? errno : EIO;
    }

    if (rs == RDC_RUN_OUTPUT_FAILED) {
        if (out.write_errno == EPIPE)
            status = 128 + SIGPIPE; /* the reader went away: end quietly, as if killed */
        else {
            rdc_errorf("cannot write the report: %s", strerror(out.write_errno));
            status = (int)RDC_EXIT_USAGE;
        }
    } else if (rs == RDC_RUN_STOPPED) {
        rdc_errorf("stopped by %s; results above are those decided so far",
                   stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
        status = (int)(stop_signal == SIGINT ? RDC_EXIT_SIGINT : RDC_EXIT_SIGTERM);
    } else if (rs == RDC_RUN_DONE) {
        status = (int)rdc_exit_for_counts(&out.counts);
    } else {
        status = (int)RDC_EXIT_USAGE;
    }

done:
    rdc_resolver_free(res); /* first: cancels queries whose contexts the engine owns */
    rdc_engine_free(eng);
    rdc_loop_free(loop);
    rdc_targets_free(src);
    return status;
}
