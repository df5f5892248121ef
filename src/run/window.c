/* window.c - the engine's congestion window (see window.h). */
#include "window.h"

#include <math.h>

/* A round lost more because more was sent when its loss fraction is above
 * the baseline's by four standard deviations of the difference of the two
 * (both fractions are samples) and by two percentage points: random loss at
 * a steady rate stays below it, whatever the window, while a rate limit
 * shows within a few percent over it. */
#define RISE_SIGMAS 4.0
#define RISE_MIN 0.02
#define LOSS_MIN_COUNT 3 /* fewer losses in a round say nothing */
#define BASE_MAX 2048.0 /* the baseline's memory, in outcomes */
#define RECUTS 2 /* cuts again while the loss stays as high, then it is the path's */
#define VERIFY_SIGMAS 2.0 /* after a cut, loss not this much lower is still too much */
/* A lost query is counted an RTO after it was sent (at least 100 ms,
 * RDC_SRV_RTO_MIN): the drain after a cut lasts two rounds and at least
 * this long plus two RTTs, so the verdict on it sees the new window's
 * losses, not the old one's. */
#define DRAIN_MS 100.0
#define RATE_DECAY 0.5 /* the delivery rate's memory: a few rounds */
#define BTL_DECAY 0.9 /* the highest rate's: a dozen rounds or so */
#define CLOCK_MS 1.0 /* the clock's granularity (rdc_now_ms) */
/* The baseline starts as this many outcomes, none lost: weak enough that a
 * path losing 10% is not cut on its first round of 64, strong enough that
 * a limit below the first window is (its loss grows the next round). */
#define PRIOR_N 16
#define FOLD_SIGMAS 2.0 /* a good round this close to the baseline joins it */
/* Queueing: the smoothed RTT over twice the minimum plus this (ms). */
#define QUEUE_SLACK_MS 10.0
#define CUT_HEADROOM 0.9 /* below the rate that came through */
/* A cut keeps at least a quarter of the window where the path's capacity
 * can be estimated (a minimum RTT of 10 ms or more: the clock counts
 * milliseconds), else half, as TCP's does: on a path of a millisecond or
 * less the rate times the RTT says nothing (the host's own CPU is what
 * queues), and a quarter starves the window. */
#define CUT_DEEPEST 0.25
#define CUT_DEEPEST_SHORT 0.5
#define SHORT_PATH_MS 10.0
/* Above ssthresh, each finished target adds this: with two queries a
 * target, about 6% a round - multiplicative, so a window cut by a burst of
 * random loss is back within a few rounds even at 10,000, where one target
 * per window (TCP's additive increase) would take minutes; a real limit
 * is met again within a few percent and cut back. */
#define GROWTH_ABOVE 0.125

void rdc_window_init(rdc_window_t *win, unsigned cap)
{
    *win = (rdc_window_t){0};
    win->cap = cap ? cap : 1;
    /* slow start: a burst of thousands of queries would overflow the
     * server's socket buffer before any loss could be seen */
    win->w = win->cap < RDC_WINDOW_START ? win->cap : RDC_WINDOW_START;
    win->floor = win->cap < RDC_WINDOW_FLOOR ? win->cap : RDC_WINDOW_FLOOR;
    win->ssthresh = win->cap;
    win->min = (unsigned)win->cap;
    /* until a round says otherwise the path loses nothing: loss in the
     * first rounds is judged too (a limit below the first window), and a
     * path that loses packets anyway shows it by keeping its loss after
     * the cuts, which verify() then undoes */
    win->base_n = PRIOR_N;
    win->base_w = win->w;
}

unsigned rdc_window_size(const rdc_window_t *win)
{
    return (unsigned)win->w;
}

void rdc_window_done(rdc_window_t *win)
{
    /* not while a cut is being drained and verified: the verdict on it
     * compares the loss at the window it cut to */
    if (win->w >= win->cap || win->phase != RDC_WINDOW_STEADY)
        return;
    win->w += win->w < win->ssthresh ? 1.0 : GROWTH_ABOVE;
    if (win->w > win->cap)
        win->w = win->cap;
}

/* The baseline's loss fraction, with one loss and one answer more (so
 * that a short clean start is not taken for a path that never loses). */
static double base_fraction(const rdc_window_t *win)
{
    return (win->base_l + 1) / (win->base_n + 2);
}

/* How far a round's fraction p of n outcomes is above the baseline's, in
 * standard deviations of the difference (normal approximation). */
static double rise_sigmas(const rdc_window_t *win, double p, double n)
{
    double b = base_fraction(win);
    double sd = sqrt(b * (1 - b) * (1 / n + 1 / (win->base_n + 2)));
    return (p - b) / sd;
}

/* Whether a round that lost `lost` of its n outcomes (fraction p) may be
 * overload: more loss than the baseline, by more than chance gives, or
 * loss with a queue. */
static bool overloaded(const rdc_window_t *win, unsigned long lost, double n, double p, double srtt,
                       double min_rtt)
{
    if (lost >= LOSS_MIN_COUNT && p > base_fraction(win) + RISE_MIN &&
        rise_sigmas(win, p, n) > RISE_SIGMAS)
        return true;
    return lost >= 2 && min_rtt > 0 && srtt > 2 * min_rtt + QUEUE_SLACK_MS;
}

/* Overload: down to what came through - the highest answer rate of the
 * last rounds times the minimum RTT, the path's capacity in queries (BBR's
 * estimate) - with some headroom: at least a tenth off, at most three
 * quarters (half on a short path). From there the window grows slowly
 * (ssthresh at the new window); the first round after the drain verifies
 * the cut (verify()). */
static void cut(rdc_window_t *win, double p, double n, double srtt, double min_rtt,
                unsigned long long now_ms)
{
    double rate = win->btl_rate;
    double r_w = win->r_w < win->w ? win->r_w : win->w; /* the window the loss is of */
    double w = rate * min_rtt * CUT_HEADROOM;
    if (!(min_rtt > 0) || w > r_w * CUT_HEADROOM)
        w = r_w * CUT_HEADROOM;
    double deepest = min_rtt >= SHORT_PATH_MS ? CUT_DEEPEST : CUT_DEEPEST_SHORT;
    if (w < r_w * deepest)
        w = r_w * deepest;
    win->pre_cut = win->w;
    if (win->recuts == 0)
        win->first_pre_cut = win->w;
    win->cut_p = p;
    win->cut_n = n;
    win->drain = 2;
    win->drain_until = now_ms + (unsigned long long)(2 * srtt + DRAIN_MS);
    win->w = w < win->floor ? win->floor : w;
    win->ssthresh = win->w; /* from here only the slow growth: the limit is near */
    if (win->base_w > win->w)
        win->base_w = win->w; /* the window cut to is the one known to be safe */
    win->cuts++;
    win->phase = RDC_WINDOW_DRAIN;
    if ((unsigned)win->w < win->min)
        win->min = (unsigned)win->w;
}

/* Folds a round into the baseline. */
static void fold(rdc_window_t *win, unsigned long lost, double n)
{
    win->base_l += (double)lost;
    win->base_n += n;
    if (win->base_n > BASE_MAX) {
        win->base_l *= BASE_MAX / win->base_n;
        win->base_n = BASE_MAX;
    }
}

/* The first round after the drain, at the smaller window. Loss that went
 * down with the window (by more than two standard deviations of the
 * difference) was overload, or one unlucky round: the cut stands. Loss as
 * high as in the round that cut says the window is still too large, or the
 * loss is the path's own: cut again (returns true), up to RECUTS times; loss
 * as high after those is the path's own - random loss got worse, which
 * sending less does not change. Then it becomes the baseline, and slow start
 * takes the window back to where it was before the first of the cuts. (A
 * rate limit shows as loss that goes down once the window is under it; the
 * cut is sized to the rate that came through, so one more cut gets there.) */
static bool verify(rdc_window_t *win, unsigned long lost, double n, double p)
{
    win->phase = RDC_WINDOW_STEADY;
    double c = win->cut_p;
    double sd = sqrt(c * (1 - c) / win->cut_n + p * (1 - p) / n);
    if (lost < LOSS_MIN_COUNT || p < c - VERIFY_SIGMAS * sd) {
        win->recuts = 0;
        return false;
    }
    if (win->recuts < RECUTS) {
        win->recuts++;
        return true;
    }
    win->recuts = 0;
    win->base_l = (double)lost;
    win->base_n = n;
    win->base_w = win->first_pre_cut;
    win->ssthresh = win->first_pre_cut;
    win->undone++;
    return false;
}

/* A round without overload: its loss is what the
 * path loses anyway (the baseline) when the round ran at a window the
 * baseline already covers, or at a window that did not grow (within two
 * standard deviations of it), or lost
 * no more than one standard deviation over it (then the baseline covers its
 * window too). A round at a larger window that lost more, but not enough to
 * say so, is left out: loss that creeps up as
 * the window grows over a limit must not become the baseline and hide the
 * limit. (A real rise in random loss reaches the baseline through
 * verify().) */
static void good_round(rdc_window_t *win, unsigned long lost, double n, double p)
{
    /* a window that did not grow since the round before (at the
     * concurrency, say) says nothing about loss that grows with it */
    bool steady = win->r_w <= win->prev_r_w;
    if (win->r_w <= win->base_w || steady) {
        if (rise_sigmas(win, p, n) <= FOLD_SIGMAS) {
            fold(win, lost, n);
            if (win->r_w > win->base_w)
                win->base_w = win->r_w;
        }
    } else if (rise_sigmas(win, p, n) <= 1) {
        fold(win, lost, n);
        win->base_w = win->r_w;
    }
}

bool rdc_window_update(rdc_window_t *win, unsigned long answers, unsigned long losses, double srtt,
                       double min_rtt, unsigned long long now_ms)
{
    if (!win->started) {
        win->started = true;
        win->r_ans = answers;
        win->r_loss = losses;
        win->r_w = win->w;
        win->r_t0 = now_ms;
        return false;
    }
    unsigned long a = answers - win->r_ans, lost = losses - win->r_loss;
    double need = win->r_w > RDC_WINDOW_ROUND_MIN ? win->r_w : RDC_WINDOW_ROUND_MIN;
    if ((double)(a + lost) < need)
        return false;
    double n = (double)(a + lost), p = (double)lost / n;
    /* the clock counts milliseconds: an answer in the millisecond it was
     * asked took up to one (RFC 6298's clock granularity G) */
    if (min_rtt > 0 || srtt > 0)
        min_rtt = min_rtt > CLOCK_MS ? min_rtt : CLOCK_MS;
    /* the delivery rate (answers per ms) of the last few rounds: a round
     * of a window's outcomes takes about an RTT, and its answers come in
     * bursts, so one round's is too noisy to size a cut by */
    double ms = (double)(now_ms > win->r_t0 ? now_ms - win->r_t0 : 0);
    if (ms < srtt / 2)
        ms = srtt / 2;
    win->rate_a = win->rate_a * RATE_DECAY + (double)a;
    win->rate_t = win->rate_t * RATE_DECAY + (ms > 0 ? ms : 1);
    /* the highest of them lately: a stall (a burst of losses waiting for
     * their RTO) must not pass for the path's rate */
    double rate = win->rate_a / win->rate_t;
    win->btl_rate = win->btl_rate * BTL_DECAY > rate ? win->btl_rate * BTL_DECAY : rate;
    bool cutting = false;
    if (win->phase == RDC_WINDOW_DRAIN) {
        /* sent before the cut: judges nothing */
        if ((win->drain == 0 || --win->drain == 0) && now_ms >= win->drain_until)
            win->phase = RDC_WINDOW_VERIFY;
    } else if (win->phase == RDC_WINDOW_VERIFY) {
        cutting = verify(win, lost, n, p);
        if (cutting)
            cut(win, p, n, srtt, min_rtt, now_ms);
    } else if (overloaded(win, lost, n, p, srtt, min_rtt)) {
        cut(win, p, n, srtt, min_rtt, now_ms);
        cutting = true;
    } else
        good_round(win, lost, n, p);
    win->r_ans = answers;
    win->r_loss = losses;
    win->prev_r_w = win->r_w;
    win->r_w = win->w;
    win->r_t0 = now_ms;
    return cutting;
}
