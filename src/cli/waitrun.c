/* waitrun.c - --wait: check, and check again after the TTLs that could
 * change a verdict run out, until nothing fails or is undecided or the time
 * is over; each check's report is held in memory and the last one printed. */
#define _GNU_SOURCE
#include "session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"
#include "wait.h"

/* Sleeps ms, or less when a signal asks to stop. */
static void nap(unsigned long long ms)
{
    unsigned long long end = rdc_now_ms() + ms;
    while (!rdc_stop_signal) {
        unsigned long long now = rdc_now_ms();
        if (now >= end)
            break;
        unsigned long long step = end - now < 200 ? end - now : 200;
        struct timespec ts = {0, (long)(step * 1000000ull)};
        nanosleep(&ts, NULL);
    }
}

/* One line on stderr after a check that is not the last. */
static void wait_progress(unsigned n, const out_t *out, unsigned long long sleep_ms,
                          unsigned long long left_ms)
{
    const unsigned long *c = out->counts.n;
    unsigned long total = 0;
    for (int i = 0; i <= RDC_ERROR; i++)
        total += c[i];
    char next[32], until[32];
    long long now = (long long)time(NULL);
    rdc_utc_clock(next, sizeof next, now + (long long)(sleep_ms / 1000), "?");
    rdc_utc_clock(until, sizeof until, now + (long long)(left_ms / 1000), "?");
    fprintf(stderr, "rdnscheck: check %u: %lu of %lu pass", n, c[RDC_PASS] + c[RDC_WARN], total);
    for (int v = RDC_TEMPFAIL; v <= RDC_FAIL; v++)
        if (c[v])
            fprintf(stderr, ", %lu %s", c[v], rdc_verdict_name((rdc_verdict_t)v));
    for (int k = 0; k < RDC_CODE_COUNT; k++)
        if (out->counts.codes[k] && rdc_code_severity((rdc_code_t)k) != RDC_SEV_WARN)
            fprintf(stderr, " (%s)", rdc_code_name((rdc_code_t)k));
    fprintf(stderr, "; next check in %llu s (%s%s), giving up at %s\n", sleep_ms / 1000, next,
            out->wait_ttl != RDC_TTL_UNKNOWN ? ", when the cached answers expire" : "", until);
    fflush(stderr);
}

/* --wait: checks until the exit status would be 0 or the time is over,
 * each check's report held in memory; the last one is printed. */
int rdc_run_waiting(run_t *r, const rdc_options_t *o, out_t *out)
{
    unsigned long long deadline = rdc_now_ms() + o->wait_ms;
    char *prev = NULL;
    size_t prev_len = 0;
    int status = (int)RDC_EXIT_USAGE;
    for (unsigned n = 1;; n++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&buf, &len);
        if (mem == NULL) {
            rdc_errorf("out of memory");
            break;
        }
        out->f = mem;
        memset(&out->counts, 0, sizeof out->counts);
        out->wait_ttl = RDC_TTL_UNKNOWN;
        rdc_run_status_t rs = rdc_session_finish(r, out, rdc_session_run(r, out));
        fclose(mem);
        out->f = out->dest;
        free(prev);
        prev = buf;
        prev_len = len;
        unsigned long long now = rdc_now_ms();
        /* done when nothing fails or is undecided (with --strict a warning
         * is a fail already); a bad target cannot get better by waiting,
         * it only keeps its exit status */
        bool last = rs != RDC_RUN_DONE || now >= deadline ||
                    (out->counts.n[RDC_FAIL] + out->counts.domains[RDC_FAIL] == 0 &&
                     out->counts.n[RDC_TEMPFAIL] + out->counts.domains[RDC_TEMPFAIL] == 0);
        unsigned long long ms = last ? 0 : rdc_wait_sleep_ms(out->wait_ttl, deadline - now);
        if (!last) {
            wait_progress(n, out, ms, deadline - now);
            rdc_session_free_checks(r);
            nap(ms);
            if (rdc_stop_signal)
                rs = RDC_RUN_STOPPED;
            else if (!rdc_session_make_checks(r, o, out))
                break;
        }
        if (last || rdc_stop_signal) {
            if (fwrite(prev, 1, prev_len, out->dest) != prev_len || fflush(out->dest) != 0) {
                rs = RDC_RUN_OUTPUT_FAILED;
                out->write_errno = errno ? errno : EIO;
            }
            status = rdc_session_exit_status(rdc_session_close_output(out, rs), out);
            break;
        }
    }
    free(prev);
    return status;
}
