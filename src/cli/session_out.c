/* session_out.c - where one run writes besides standard output: the
 * --output file (replaced only when the run completed), the --junit
 * file (both through outfile.c) and GitHub's job summary
 * ($GITHUB_STEP_SUMMARY) for --format github. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "session.h"

#include "cli.h"
#include "outfile.h"
#include "report_ci.h"

/* --output FILE, opened (as a temporary file beside it) before any
 * lookup: a bad path is a usage error and nothing is checked. */
static bool open_output(out_t *out)
{
    char err[512];
    out->dest = stdout;
    if (out->o->output == NULL)
        return true;
    out->output = rdc_outfile_open(out->o->output, err, sizeof err);
    if (out->output == NULL) {
        rdc_errorf("%s", err);
        return false;
    }
    out->dest = rdc_outfile_stream(out->output);
    return true;
}

/* --junit FILE, opened before any lookup: a bad path is a usage error and
 * nothing is checked. Replaced atomically as --output is. */
static bool open_junit(out_t *out)
{
    char err[512];
    const char *path = out->o->junit;
    if (path == NULL)
        return true;
    out->junit_file = rdc_outfile_open(path, err, sizeof err);
    if (out->junit_file == NULL) {
        rdc_errorf("%s", err);
        return false;
    }
    out->junit = rdc_junit_new(rdc_outfile_stream(out->junit_file), "rdnscheck");
    if (out->junit == NULL) {
        rdc_errorf("out of memory");
        return false;
    }
    return true;
}

/* GitHub keeps 1 MiB of job summary a step (all writers together). */
#define JOB_SUMMARY_MAX (1024ull * 1024)

/* --format github: the annotations to choose, and the job summary
 * ($GITHUB_STEP_SUMMARY, appended to) when the runner gives one. */
bool rdc_session_open_github(out_t *out)
{
    const char *path = getenv("GITHUB_STEP_SUMMARY");
    const rdc_options_t *o = out->o;
    unsigned long long budget = 0;
    struct stat st;
    if (path && *path) {
        out->job_summary = fopen(path, "a");
        if (out->job_summary == NULL) {
            rdc_errorf("cannot write the job summary %s (GITHUB_STEP_SUMMARY): %s", path,
                       strerror(errno));
            return false;
        }
        budget = JOB_SUMMARY_MAX;
        if (fstat(fileno(out->job_summary), &st) == 0 && S_ISREG(st.st_mode))
            budget = (unsigned long long)st.st_size < budget
                         ? budget - (unsigned long long)st.st_size
                         : 0;
    }
    out->github = rdc_github_new(o->file, out->job_summary, budget);
    if (out->github == NULL) {
        rdc_errorf("out of memory");
        return false;
    }
    return true;
}

bool rdc_session_open_files(out_t *out)
{
    return open_output(out) && open_junit(out);
}

rdc_run_status_t rdc_session_finish_junit(out_t *out, rdc_run_status_t rs)
{
    if (out->junit) {
        char err[512] = "";
        bool ok = rdc_junit_finish(out->junit) && !out->junit_failed;
        if (ok)
            ok = rdc_outfile_commit(out->junit_file, err, sizeof err);
        else
            rdc_outfile_discard(out->junit_file);
        out->junit_file = NULL;
        if (!ok) {
            rdc_errorf("cannot write the JUnit report %s%s%s", out->o->junit, *err ? ": " : "",
                       err);
            rs = rs == RDC_RUN_DONE ? RDC_RUN_JUNIT_FAILED : rs;
        }
    }
    return rs;
}

rdc_run_status_t rdc_session_close_output(out_t *out, rdc_run_status_t rs)
{
    char err[512];
    const char *path = out->o->output;
    if (out->output == NULL)
        return rs;
    rdc_outfile_t *of = out->output;
    out->output = NULL;
    out->f = out->dest = stdout;
    if (rs == RDC_RUN_OUTPUT_FAILED && out->write_errno != EPIPE) {
        rdc_outfile_discard(of);
        rdc_errorf("cannot write %s: %s; %s is left as it was", path,
                   strerror(out->write_errno ? out->write_errno : EIO), path);
        out->write_errno = 0; /* said */
        return rs;
    }
    if (rs != RDC_RUN_DONE && rs != RDC_RUN_JUNIT_FAILED) {
        rdc_outfile_discard(of);
        rdc_errorf("%s is left as it was: the run did not complete", path);
        return rs;
    }
    if (!rdc_outfile_commit(of, err, sizeof err)) {
        rdc_errorf("%s; %s is left as it was", err, path);
        out->write_errno = 0; /* said */
        return RDC_RUN_OUTPUT_FAILED;
    }
    return rs;
}
