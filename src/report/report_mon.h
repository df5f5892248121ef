/* report_mon.h - results for monitoring systems: a Nagios / Monitoring
 * Plugins check result (--format nagios) and the Prometheus text exposition
 * format for node_exporter's textfile collector (--format prometheus).
 * Strings in results are printable ASCII already; both writers escape again
 * for their own rules. Internal. */
#ifndef RDC_REPORT_MON_H
#define RDC_REPORT_MON_H

#include <stdbool.h>
#include <stdio.h>

#include "rdnscheck.h"
#include "threshold.h"
#include "util.h"

/* ------------------------------------------------------------ Nagios */

/* Plugin return codes (Monitoring Plugins Development Guidelines, "Plugin
 * Return Codes"); --format nagios exits with one of them. */
typedef enum rdc_nagios_state {
    RDC_NAGIOS_OK = 0,
    RDC_NAGIOS_WARNING = 1,
    RDC_NAGIOS_CRITICAL = 2,
    RDC_NAGIOS_UNKNOWN = 3
} rdc_nagios_state_t;

/* "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *rdc_nagios_state_name(rdc_nagios_state_t s);

/* The state of a run: CRITICAL when an address failed, else WARNING when
 * one warned, else UNKNOWN when one could not be decided (tempfail: the
 * state of the monitored address is not known), a target was bad, nothing
 * was checked or the run did not complete (incomplete), else OK. So
 * CRITICAL > WARNING > UNKNOWN > OK: a problem found is reported even
 * beside input that could not be used. The same as rdc_nagios_write's
 * state with the default limits. */
rdc_nagios_state_t rdc_nagios_state(const rdc_counts_t *c, bool incomplete);

/* The plugin output being gathered for one run: the first line is a
 * summary that needs every result, so results are kept (as text) until
 * rdc_nagios_write. */
typedef struct rdc_nagios rdc_nagios_t;

/* NULL without memory. */
rdc_nagios_t *rdc_nagios_new(void);

/* What decides CRITICAL and WARNING (check_rdns -w, -c, -W, -C): ranges
 * over the number of addresses that fail and that warn. A range that is
 * not set never alerts. Whatever the ranges, a --mx/--spf domain whose own
 * lookups or policy fail is CRITICAL, and one that warns WARNING. */
typedef struct rdc_nagios_limits {
    rdc_range_t fail_warn, fail_crit; /* -w, -c */
    rdc_range_t warn_warn, warn_crit; /* -W, -C */
} rdc_nagios_limits_t;

/* The limits of --format nagios: CRITICAL for any fail (fail_crit "0"),
 * WARNING for any warn (warn_warn "0"). */
void rdc_nagios_default_limits(rdc_nagios_limits_t *l);

/* Replaces n's limits (the default ones until then) by a copy of l. */
void rdc_nagios_set_limits(rdc_nagios_t *n, const rdc_nagios_limits_t *l);

/* verbose: the long output also has a line for each address that passed,
 * with its confirming names (check_rdns -v). */
void rdc_nagios_set_verbose(rdc_nagios_t *n, bool verbose);

/* Frees n; NULL is a no-op. */
void rdc_nagios_free(rdc_nagios_t *n);

/* Notes one result (counted by the caller in its rdc_counts_t): anything
 * but a pass gets a long-output line, and the first few of each verdict
 * are named in the summary. false: out of memory (sticks). */
bool rdc_nagios_add(rdc_nagios_t *n, const rdc_result_t *r);

/* Writes the plugin output and returns its state (as rdc_nagios_state,
 * by n's limits; why not NULL means incomplete):
 *   RDNS CRITICAL - [WHY; ]1 of 4 fail: 192.0.2.49 no-ptr; 1 warn: ... | 'pass'=2;;;0;4 ...
 *   192.0.2.49 fail no-ptr: 192.0.2.49 has no PTR record (...)
 * The perfdata, in the guidelines' 'label'=value;warn;crit;min;max form:
 * the pass, warn, fail and tempfail counts (max: the addresses checked;
 * warn and crit: the limits' ranges), the run's time (time=0.012s) and
 * the bad targets ('error'). No '|' appears in the text: it separates the
 * perfdata, so one in a name or message becomes '/'. */
rdc_nagios_state_t rdc_nagios_write(FILE *f, const rdc_nagios_t *n, const rdc_counts_t *c,
                                    double seconds, const char *why);

/* --self: text that opens the status line, before the counts ("this
 * host sends mail as ...: warn"). */
void rdc_nagios_set_lead(rdc_nagios_t *n, const char *text);

/* "RDNS UNKNOWN - WHY" alone, for a run that never started (bad option,
 * unreadable FILE). */
void rdc_nagios_unknown(FILE *f, const char *why);

/* Appends s as plugin output text: '|' becomes '/'. */
void rdc_nagios_text(rdc_buf_t *b, const char *s);

/* Appends a perfdata label: as it is when it is made of letters, digits,
 * '_', '-' and '.', else in single quotes with a quote doubled ('') and
 * '=' dropped (a label may not contain one). */
void rdc_nagios_label(rdc_buf_t *b, const char *label);

/* ------------------------------------------------------------ Prometheus */

/* The text exposition format 0.0.4 for a node_exporter textfile: one
 * gauge family per metric, all samples of a family together, no
 * timestamps (the textfile collector refuses them):
 *   rdnscheck_verdict{input,ip,verdict} 1   per address, streamed
 *   rdnscheck_domain_verdict{domain,mode,verdict} 1   per --mx/--spf domain
 *   rdnscheck_results{verdict} N             every verdict, zeros too
 *   rdnscheck_input_errors N                 bad lines of FILE (verdict error)
 *   rdnscheck_problems{code} N               every problem code, zeros too
 *   rdnscheck_run_duration_seconds, rdnscheck_last_run_timestamp_seconds */
typedef struct rdc_prom rdc_prom_t;

/* shard_count > 1 (--shard, shard_index from 0): every sample gets the
 * label shard="I/N", so that the files of several shards on one host do
 * not hold the same series. NULL without memory. */
rdc_prom_t *rdc_prom_new(unsigned shard_index, unsigned shard_count);

/* Frees p; NULL is a no-op. */
void rdc_prom_free(rdc_prom_t *p);

/* Why arg is no good --label NAME=VALUE, or NULL when it is: NAME follows
 * Prometheus's label name rule [a-zA-Z_][a-zA-Z0-9_]*, does not start
 * with "__" (reserved) and is none of the labels rdnscheck sets itself
 * (ip, input, verdict, domain, mode, code, shard); VALUE is non-empty
 * UTF-8 without control characters other than tab and newline. */
const char *rdc_prom_label_check(const char *arg);

/* Adds the constant label of a checked --label NAME=VALUE to every sample
 * p writes, after its own labels, in the order added (the value escaped
 * as rdc_prom_label_value says). false: arg is no good, or no memory. */
bool rdc_prom_add_label(rdc_prom_t *p, const char *arg);

/* The HELP and TYPE lines of rdnscheck_verdict, before any result. */
void rdc_prom_begin(FILE *f);

/* One result: an address (or a host name without one, ip "", or a bad
 * target, verdict "error") as a rdnscheck_verdict sample, written at once;
 * a series already written (the same input and ip twice) is not written
 * again. A domain's summary is kept for rdc_prom_finish. false: out of
 * memory (sticks). */
bool rdc_prom_add(rdc_prom_t *p, FILE *f, const rdc_result_t *r);

/* The families after the per-address one: domains, counts per verdict and
 * per code, the run's duration and the time it ended (Unix seconds). p may
 * be NULL (no domains, no shard). */
void rdc_prom_finish(const rdc_prom_t *p, FILE *f, const rdc_counts_t *c, double duration,
                     double timestamp);

/* Appends s as a label value (without the quotes): backslash, double
 * quote and newline escaped as \\, \" and \n. */
void rdc_prom_label_value(rdc_buf_t *b, const char *s);

#endif
