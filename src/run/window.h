/* window.h - how many targets the engine keeps in flight: a congestion
 * window that backs off when the servers are overloaded and not when the
 * network merely loses packets. Pure: the query layer's counters, its RTT
 * and the time are passed in, so every rule is unit-tested without
 * sockets or clocks. Internal.
 *
 * Losses are counted per round (about one window of query outcomes)
 * against a baseline: the loss fraction of earlier rounds that were not
 * overload. A round that lost more than the baseline by more than chance
 * gives (four standard deviations), or that lost queries while the RTT
 * stood well above its minimum (a queue), cuts the window to what came
 * through: the answer rate of the last rounds times the minimum RTT. The
 * round after the drain verifies the cut: loss that went down with the
 * window was overload, and the cut stands; loss as high as before means the
 * window is still too large, and it is cut again, twice at most; loss as
 * high after that is the path's own (random loss got worse), which sending
 * less does not cure: it becomes the baseline and the window goes back.
 * Random loss at a steady
 * rate is recovered by early
 * duplicates (query.c), never by sending more slowly. The ideas are TCP
 * BBR's (loss alone is not congestion; the minimum RTT is the path's,
 * anything above it a queue; the delivery rate times the minimum RTT is
 * what the path holds) and LEDBAT's (RFC 6817: delay over the base delay
 * as the early signal); Unbound's per-server timeouts set the RTO the
 * duplicates use. */
#ifndef RDC_WINDOW_H
#define RDC_WINDOW_H

#include <stdbool.h>

#define RDC_WINDOW_START 64 /* slow start begins here (or at the cap) */
#define RDC_WINDOW_FLOOR 8 /* the smallest window (or the cap) */
#define RDC_WINDOW_ROUND_MIN 48 /* outcomes at least in a judged round */

typedef enum rdc_window_phase {
    RDC_WINDOW_STEADY,
    RDC_WINDOW_DRAIN, /* the rounds after a cut: the old window's queries */
    RDC_WINDOW_VERIFY /* the round after them: did the loss go down? */
} rdc_window_phase_t;

typedef struct rdc_window {
    double w; /* the window: targets in flight */
    double cap; /* --concurrency */
    double floor;
    double ssthresh; /* slow start (one more per target done) below it */
    /* the round under way: counters and window when it began */
    unsigned long r_ans, r_loss;
    double r_w;
    double prev_r_w; /* the window of the round before */
    unsigned long long r_t0; /* ms */
    rdc_window_phase_t phase;
    double pre_cut; /* the window before the last cut */
    double first_pre_cut; /* before the first of cuts in a row (recuts) */
    unsigned recuts; /* cuts again because the loss stayed as high */
    double cut_p, cut_n; /* the loss fraction and outcomes of the round that cut */
    unsigned drain; /* rounds of the drain still to come */
    unsigned long long drain_until; /* ms: and not before this */
    double rate_a, rate_t; /* answers and ms of the last rounds, decaying */
    double btl_rate; /* the highest of their rates (answers per ms), decaying */
    bool started;
    /* the baseline: losses and outcomes of the rounds judged not
     * overloaded, decaying */
    double base_l, base_n;
    double base_w; /* the largest window the baseline covers */
    /* what the tests and -v read */
    unsigned long cuts, undone;
    unsigned min;
} rdc_window_t;

/* cap targets at most (>= 1). */
void rdc_window_init(rdc_window_t *win, unsigned cap);

/* The targets that may be in flight now. */
unsigned rdc_window_size(const rdc_window_t *win);

/* A target finished: the window grows (slow start below ssthresh: one
 * target more per target done; above it, an eighth of one). */
void rdc_window_done(rdc_window_t *win);

/* Once per loop turn: the query layer's answers and losses so far (RTO
 * expiries and timeouts), and the smoothed and the minimum RTT in ms of the
 * server queries go to (0: not measured), and the time in ms. Ends a round when one window of
 * outcomes (at least RDC_WINDOW_ROUND_MIN) came in, and cuts the window
 * when that round was overload. Returns true when it cut. */
bool rdc_window_update(rdc_window_t *win, unsigned long answers, unsigned long losses, double srtt,
                       double min_rtt, unsigned long long now_ms);

#endif
