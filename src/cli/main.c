/* main.c - thin: parse the options, then one run (session.c) or the --wait
 * loop (waitrun.c), and the exit status. */
#define _GNU_SOURCE
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mailcheck.h"
#include "session.h"

static void on_signal(int sig)
{
    rdc_stop_signal = sig;
}

/* Write errors come back as EPIPE, handled at the end, not as a signal;
 * SIGINT and SIGTERM stop the run after what is decided is printed. */
static void install_signals(void)
{
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static bool nothing_counted(const rdc_counts_t *c)
{
    for (int i = 0; i <= RDC_ERROR; i++)
        if (c->n[i] || c->domains[i])
            return false;
    return true;
}

int main(int argc, char **argv)
{
    rdc_options_t o;
    int status = (int)RDC_EXIT_USAGE;

    setlocale(LC_CTYPE, "");
    bool parsed = rdc_cli_parse(argc, argv, &o);
    if (o.json) /* --json after --format nagios/prometheus: the last one wins */
        o.nagios = o.prometheus = false;
    if (!parsed) {
        /* after --format nagios, a usage error is UNKNOWN, said on stdout */
        rdc_cli_free(&o);
        if (!o.nagios)
            return RDC_EXIT_USAGE;
        if (!o.quiet)
            rdc_nagios_unknown(stdout, rdc_cli_last_error());
        fflush(stdout);
        return RDC_NAGIOS_UNKNOWN;
    }
    if (o.help || o.version) {
        if (o.help)
            rdc_cli_usage(stdout);
        else
            rdc_cli_version(stdout);
        rdc_cli_free(&o);
        return fflush(stdout) == 0 && !ferror(stdout) ? RDC_EXIT_OK : RDC_EXIT_USAGE;
    }
    install_signals();

    out_t out = {0};
    run_t r = {0};
    rdc_selfrun_t self;
    bool started = true;
    if (o.self) { /* this host's addresses and HELO name, before any lookup */
        if (!rdc_selfcheck_discover(&self, &o, rdc_sockops_system())) {
            rdc_errorf("out of memory");
            started = false;
        }
        out.self = &self;
        if (o.helo == NULL && self.s.helo[0]) { /* checked as --helo checks it */
            o.helo = self.s.helo;
            o.helo_kind = rdc_helo_parse(o.helo, o.helo_wire, &o.helo_lit, &o.helo_why);
        }
    }
    if (started && rdc_session_start(&r, &o, &out)) {
        if (o.wait_ms) {
            status = rdc_run_waiting(&r, &o, &out);
        } else {
            if (out.prom)
                rdc_prom_begin(out.f);
            rdc_run_status_t rs = rdc_session_run(&r, &out);
            rs = rdc_session_close_output(&out, rdc_session_finish(&r, &out, rs));
            status = rdc_session_exit_status(rs, &out);
            if (o.stdin_implied && rs == RDC_RUN_DONE && nothing_counted(&out.counts) &&
                !o.nagios) {
                /* standard input was not a terminal, yet empty: the
                 * command line most likely lost its targets */
                rdc_errorf("no target given: none on the command line, and standard input was "
                           "empty (see --help)");
                status = (int)RDC_EXIT_USAGE;
            }
        }
    } else if (o.nagios) { /* nothing was checked: say why on stdout */
        if (!o.quiet)
            rdc_nagios_unknown(stdout, rdc_cli_last_error());
        fflush(stdout);
        status = (int)RDC_NAGIOS_UNKNOWN;
    }
    rdc_session_teardown(&r, &out);
    if (out.self)
        rdc_selfcheck_free(out.self);
    rdc_cli_free(&o);
    return status;
}
