/* main.c - thin: parse the options, then one run (session.c) or the --wait
 * loop (waitrun.c), and the exit status. */
#define _GNU_SOURCE
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/* With --self, this host's addresses and HELO name, found before any
 * lookup; the HELO name is checked as --helo checks it. */
static bool discover_self(rdc_options_t *o, rdc_selfrun_t *self, out_t *out)
{
    if (!o->self)
        return true;
    if (!rdc_selfcheck_discover(self, o, rdc_sockops_system())) {
        rdc_errorf("out of memory");
        return false;
    }
    out->self = self;
    if (o->helo == NULL && self->s.helo[0]) {
        o->helo = self->s.helo;
        o->helo_kind = rdc_helo_parse(o->helo, o->helo_wire, &o->helo_lit, &o->helo_why);
    }
    return true;
}

/* One run (or the --wait loop) with the parsed options o; the exit status. */
static int run(rdc_options_t *o)
{
    int status = (int)RDC_EXIT_USAGE;
    install_signals();
    if (o->check_timeout_s) { /* check_rdns -t: the whole check */
        signal(SIGALRM, on_signal);
        alarm(o->check_timeout_s);
    }
    out_t out = {0};
    run_t r = {0};
    rdc_selfrun_t self;
    if (discover_self(o, &self, &out) && rdc_session_start(&r, o, &out)) {
        if (o->wait_ms) {
            status = rdc_run_waiting(&r, o, &out);
        } else {
            if (out.prom)
                rdc_prom_begin(out.f);
            rdc_run_status_t rs = rdc_session_run(&r, &out);
            rs = rdc_session_close_output(&out, rdc_session_finish(&r, &out, rs));
            status = rdc_session_exit_status(rs, &out);
            if (o->stdin_implied && rs == RDC_RUN_DONE && nothing_counted(&out.counts) &&
                !o->nagios) {
                /* standard input was not a terminal, yet empty: the
                 * command line most likely lost its targets */
                rdc_errorf("no target given: none on the command line, and standard input was "
                           "empty (see --help)");
                status = (int)RDC_EXIT_USAGE;
            }
        }
    } else if (o->nagios) { /* nothing was checked: say why on stdout */
        if (!o->quiet)
            rdc_nagios_unknown(stdout, rdc_cli_last_error());
        fflush(stdout);
        status = (int)RDC_NAGIOS_UNKNOWN;
    }
    rdc_session_teardown(&r, &out);
    if (out.self)
        rdc_selfcheck_free(out.self);
    return status;
}

/* Called as check_rdns: every outcome is a plugin state, said on standard
 * output; -h and -V too are UNKNOWN (3), as the Monitoring Plugins'
 * own plugins exit after them. */
static int plugin_main(int argc, char **argv)
{
    rdc_options_t o;
    int status = (int)RDC_NAGIOS_UNKNOWN;
    if (!rdc_plugin_parse(argc, argv, &o))
        rdc_nagios_unknown(stdout, rdc_cli_last_error());
    else if (o.help)
        rdc_plugin_usage(stdout);
    else if (o.version)
        rdc_plugin_version(stdout);
    else
        status = run(&o);
    rdc_cli_free(&o);
    fflush(stdout);
    return status;
}

int main(int argc, char **argv)
{
    rdc_options_t o;

    setlocale(LC_CTYPE, "");
    if (rdc_plugin_called(argv[0]))
        return plugin_main(argc, argv);
    bool parsed = rdc_cli_parse(argc, argv, &o);
    if (o.json) /* --json after --format nagios/prometheus: the last one wins */
        o.nagios = o.prometheus = false;
    if (!parsed) {
        /* with --format nagios anywhere, a usage error is UNKNOWN, said on stdout */
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
    int status = run(&o);
    rdc_cli_free(&o);
    return status;
}
