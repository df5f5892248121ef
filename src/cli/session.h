/* session.h - one run of the tool (session.c): what it writes to and how
 * it is torn down, shared by main.c and the --wait loop (waitrun.c).
 * Internal to the CLI. */
#ifndef RDC_SESSION_H
#define RDC_SESSION_H

#include <signal.h>
#include <stdio.h>

#include "cli.h"
#include "engine.h"
#include "outfile.h"
#include "report.h"
#include "report_ci.h"
#include "report_mon.h"
#include "selfcheck.h"
#include "target.h"

/* SIGINT or SIGTERM once one arrived (main.c's handler sets it): the run
 * stops after what is decided is printed. */
extern volatile sig_atomic_t rdc_stop_signal;

typedef struct out {
    const rdc_options_t *o;
    rdc_junit_t *junit; /* --junit */
    rdc_outfile_t *junit_file;
    bool junit_failed;
    rdc_report_opts_t ro;
    FILE *f; /* the report: dest, or a --wait round's buffer */
    FILE *dest; /* where the report goes: stdout, or the --output file */
    rdc_outfile_t *output; /* --output, until committed */
    rdc_github_t *github; /* --format github (not with -q) */
    FILE *job_summary; /* $GITHUB_STEP_SUMMARY with --format github */
    rdc_nagios_t *nagios; /* --format nagios (not with -q) */
    rdc_prom_t *prom; /* --format prometheus (not with -q) */
    bool report_failed; /* either ran out of memory */
    rdc_nagios_state_t nagios_state;
    rdc_counts_t counts;
    uint32_t wait_ttl; /* --wait: the shortest TTL that could change a verdict */
    int write_errno;
    /* progress line on stderr */
    bool progress, drawn;
    unsigned long long t0, last_draw;
    uint64_t total; /* targets, 0 when unknown (a FILE) */
    rdc_selfrun_t *self; /* --self: what was found (main.c), else NULL */
} out_t;

/* What a run is made of, torn down in reverse (teardown). */
typedef struct run {
    rdc_loop_t *loop;
    rdc_resolver_t *res;
    rdc_engine_t *eng;
    rdc_targets_t *src;
} run_t;

/* Sets out up from the options and opens what the run writes to (the
 * --junit file, the monitoring reporters), then the parts of a check (loop,
 * resolver, targets, engine). False after an error already reported. */
bool rdc_session_start(run_t *r, const rdc_options_t *o, out_t *out);

/* The parts of one check again, after rdc_session_free_checks (--wait). */
bool rdc_session_make_checks(run_t *r, const rdc_options_t *o, out_t *out);

/* Runs the check: every target through the engine into out. */
rdc_run_status_t rdc_session_run(run_t *r, out_t *out);

/* The end of a run's output: summaries, the monitoring formats, -v stats. */
rdc_run_status_t rdc_session_finish(const run_t *r, out_t *out, rdc_run_status_t rs);

/* Opens the --output file and the --junit file (session_out.c), each as
 * a temporary file beside it, before any lookup: a bad path is a usage
 * error and nothing is checked. False after an error already reported. */
bool rdc_session_open_files(out_t *out);

/* --format github: the annotation writer, and the job summary when
 * $GITHUB_STEP_SUMMARY names one (opened for appending). False after an
 * error already reported. */
bool rdc_session_open_github(out_t *out);

/* The JUnit report finished and put in place; a failure is said and makes
 * a completed run RDC_RUN_JUNIT_FAILED. Returns rs, updated. */
rdc_run_status_t rdc_session_finish_junit(out_t *out, rdc_run_status_t rs);

/* --output: the file replaced when the run completed (DONE, or only the
 * JUnit report failed), else left as it was and said so. Returns rs, or
 * RDC_RUN_OUTPUT_FAILED when the file could not be written. Without
 * --output, rs. */
rdc_run_status_t rdc_session_close_output(out_t *out, rdc_run_status_t rs);

/* The exit status of a finished run. */
int rdc_session_exit_status(rdc_run_status_t rs, const out_t *out);

/* Frees the parts of one check (resolver first). */
void rdc_session_free_checks(run_t *r);

/* Frees everything rdc_session_start made. */
void rdc_session_teardown(run_t *r, out_t *out);

/* --wait (waitrun.c): checks again until nothing fails or is undecided, or
 * o->wait_ms is over; prints the last check; returns the exit status. */
int rdc_run_waiting(run_t *r, const rdc_options_t *o, out_t *out);

#endif
