/* test_window.c - the congestion window (window.c) on a model path, round
 * by round: a round is one window of query outcomes, each target takes two
 * queries (PTR, then A), and the path loses queries at random (the same
 * fraction at every window), over a rate limit (the fraction over it), or
 * to a queue (the RTT climbs). No clocks: the model is the clock. */
#include "unit.h"

#include "window.h"

typedef struct model {
    rdc_window_t win;
    unsigned long answers, losses;
    unsigned long long rng;
    double random_loss; /* per query, both ways together */
    double limit; /* queries per round the path carries; 0: no limit */
    double min_rtt, srtt;
    unsigned long long now; /* ms: a round is one RTT */
    /* after warm-up: the sums of the judged rounds */
    unsigned long sent_after, lost_after;
    double w_min_after, w_max_after;
} model_t;

static void model_init(model_t *m, unsigned cap)
{
    memset(m, 0, sizeof *m);
    rdc_window_init(&m->win, cap);
    m->rng = 0x9e3779b97f4a7c15ull;
    m->min_rtt = m->srtt = 50;
    m->now = 1000;
    m->w_min_after = 1e9;
}

/* A uniform number in [0, 1) (splitmix64). */
static double uniform(model_t *m)
{
    unsigned long long z = (m->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

/* One round at the window: four quarters, each sending a quarter of the
 * window (at least a quarter of RDC_WINDOW_ROUND_MIN: a small window takes
 * longer for the same outcomes), losing what the path loses, finishing a
 * target per two answers, and updating the window (which may cut in the
 * middle of the round, as answers come in). Returns whether it cut. warm:
 * count the round in the after-warm-up sums. */
static bool round_(model_t *m, bool warm)
{
    bool cut = false;
    for (int q = 0; q < 4; q++) {
        unsigned sent = rdc_window_size(&m->win) / 4;
        if (sent < RDC_WINDOW_ROUND_MIN / 4)
            sent = RDC_WINDOW_ROUND_MIN / 4;
        unsigned lost = 0;
        if (m->limit > 0 && sent > m->limit / 4)
            lost = sent - (unsigned)(m->limit / 4);
        for (unsigned i = lost; i < sent; i++)
            lost += uniform(m) < m->random_loss;
        m->answers += sent - lost;
        m->losses += lost;
        for (unsigned i = 0; i < (sent - lost) / 2; i++)
            rdc_window_done(&m->win);
        if (warm) {
            m->sent_after += sent;
            m->lost_after += lost;
            double w = m->win.w;
            m->w_min_after = w < m->w_min_after ? w : m->w_min_after;
            m->w_max_after = w > m->w_max_after ? w : m->w_max_after;
        }
        m->now += (unsigned long long)(m->srtt / 4);
        cut |= rdc_window_update(&m->win, m->answers, m->losses, m->srtt, m->min_rtt, m->now);
    }
    return cut;
}

static void rounds(model_t *m, unsigned n, bool warm)
{
    for (unsigned i = 0; i < n; i++)
        round_(m, warm);
}

/* Random loss at a steady rate, up to 5% each way (about 10% of queries):
 * the window climbs to the concurrency and stays there. Loss the first
 * rounds already show is taken for overload once (the baseline starts
 * clean), and the cut is undone when the loss stays as high at the smaller
 * window: the only cut of the run. */
static void test_random_loss_no_cut(void **state)
{
    (void)state;
    static const double loss[] = {0, 0.002, 0.02, 0.0975};
    for (size_t k = 0; k < ARRAY_LEN(loss); k++) {
        model_t m;
        model_init(&m, 256);
        m.random_loss = loss[k];
        rounds(&m, 400, false);
        print_message("loss %.4f: %lu cuts, %lu undone\n", loss[k], m.win.cuts, m.win.undone);
        assert_true(m.win.cuts <= 1);
        assert_int_equal(m.win.undone, m.win.cuts);
        assert_int_equal(rdc_window_size(&m.win), 256);
    }
}

/* The same at the largest concurrency: rounds of 10,000 outcomes. */
static void test_random_loss_large_window(void **state)
{
    (void)state;
    model_t m;
    model_init(&m, 10000);
    m.random_loss = 0.0975;
    rounds(&m, 200, false);
    assert_true(m.win.cuts <= 1);
    assert_int_equal(m.win.undone, m.win.cuts);
    assert_int_equal(rdc_window_size(&m.win), 10000);
}

/* A rate limit of 100 queries per round (2,000 q/s at 50 ms): the window
 * settles near it - at least 80% of it is used, and after the first rounds
 * at most 10% of the queries are over it - whatever the concurrency. */
static void test_rate_limit(void **state)
{
    (void)state;
    static const unsigned caps[] = {256, 2000, 10000};
    for (size_t k = 0; k < ARRAY_LEN(caps); k++) {
        model_t m;
        model_init(&m, caps[k]);
        m.limit = 100;
        rounds(&m, 20, false); /* the first second */
        rounds(&m, 400, true);
        double used = (double)(m.sent_after - m.lost_after) / 400.0 / m.limit;
        double over = (double)m.lost_after / (double)m.sent_after;
        print_message("cap %u: %.0f%% of the limit, %.1f%% over it, window %.0f..%.0f, %lu cuts\n",
                      caps[k], used * 100, over * 100, m.w_min_after, m.w_max_after, m.win.cuts);
        assert_true(used >= 0.8);
        assert_true(over <= 0.10);
        assert_true(m.win.cuts >= 2);
        assert_true(m.w_max_after < 150);
    }
}

/* A rate limit with random loss on top (1% each way): still found, and the
 * random part does not drag the window below it. */
static void test_rate_limit_with_random_loss(void **state)
{
    (void)state;
    model_t m;
    model_init(&m, 2000);
    m.limit = 100;
    m.random_loss = 0.02;
    rounds(&m, 20, false);
    rounds(&m, 400, true);
    double used = (double)(m.sent_after - m.lost_after) / 400.0 / m.limit;
    assert_true(used >= 0.75);
    assert_true(m.w_max_after < 150);
}

/* Losses while the RTT stands well above its minimum (a queue): a cut,
 * even at a loss fraction random loss could give. */
static void test_queue_cuts(void **state)
{
    (void)state;
    model_t m;
    model_init(&m, 256);
    rounds(&m, 10, false);
    assert_int_equal(rdc_window_size(&m.win), 256);
    m.srtt = 2 * m.min_rtt + 11;
    m.random_loss = 0.01;
    bool cut = false;
    for (int i = 0; i < 10 && !cut; i++)
        cut = round_(&m, false);
    assert_true(cut);
    assert_true(rdc_window_size(&m.win) < 256);
    assert_true(rdc_window_size(&m.win) >= 128); /* at most halved */
    /* an inflated RTT without losses is no cut */
    model_t q;
    model_init(&q, 256);
    q.srtt = 10 * q.min_rtt;
    rounds(&q, 50, false);
    assert_int_equal(q.win.cuts, 0);
}

/* A cut: to the highest answer rate of the last rounds times the minimum RTT,
 * less a tenth, within a quarter and nine tenths of the window, never below
 * the floor; the drain after it (two rounds, and two RTTs plus 100 ms: the
 * old window's losses) judges nothing; growth waits for the verdict on it;
 * loss as high after it is the path's own, and the cut is undone. */
static void test_cut_floor_drain_regrowth(void **state)
{
    (void)state;
    rdc_window_t w;
    rdc_window_init(&w, 256);
    assert_int_equal(rdc_window_size(&w), RDC_WINDOW_START);
    unsigned long ans = 0, loss = 0;
    unsigned long long now = 1000;
    assert_false(rdc_window_update(&w, ans, loss, 50, 50, now)); /* the first round starts */
    for (int i = 0; i < 192; i++)
        rdc_window_done(&w);
    ans += 64;
    assert_false(rdc_window_update(&w, ans, loss, 50, 50, (now += 50))); /* clean at 64 */
    assert_int_equal(rdc_window_size(&w), 256);
    /* a round at 256 that lost 156 of 256: the rate of the last rounds is
     * (64 / 2 + 100) answers in (50 / 2 + 50) ms (the highest yet), times
     * 50 ms, times 0.9 */
    ans += 100;
    loss += 156;
    assert_true(rdc_window_update(&w, ans, loss, 50, 50, (now += 50)));
    assert_int_equal(rdc_window_size(&w), 79);
    assert_int_equal(w.min, 79);
    /* the drain: two rounds and 200 ms of the old window's losses - no
     * cut, no growth, whatever they lose */
    for (int k = 0; k < 4; k++) {
        ans += 40;
        loss += 40;
        assert_false(rdc_window_update(&w, ans, loss, 50, 50, (now += 50)));
        rdc_window_done(&w);
        assert_int_equal(rdc_window_size(&w), 79);
    }
    assert_int_equal(w.phase, RDC_WINDOW_VERIFY);
    /* the verdict: loss went down to nothing - the cut stands */
    ans += 80;
    assert_false(rdc_window_update(&w, ans, loss, 50, 50, (now += 50)));
    assert_int_equal(w.phase, RDC_WINDOW_STEADY);
    assert_int_equal(w.undone, 0);
    assert_int_equal(w.cuts, 1);
    /* from here the slow growth: an eighth of a target per target */
    double before = w.w;
    rdc_window_done(&w);
    assert_true(w.w - before < 0.2);

    /* the floor: nothing came back, on a path of 1 ms */
    rdc_window_t f;
    rdc_window_init(&f, 256);
    unsigned long a2 = 0, l2 = 0;
    assert_false(rdc_window_update(&f, a2, l2, 1, 1, (now += 1)));
    a2 += 64;
    assert_false(rdc_window_update(&f, a2, l2, 1, 1, (now += 1)));
    l2 += 64;
    assert_true(rdc_window_update(&f, a2, l2, 1, 1, (now += 1)));
    /* the highest rate lately, not the stall's: 64 answers in 1 ms, a
     * round ago (0.9 of it), times 1 ms, times 0.9 */
    assert_int_equal(rdc_window_size(&f), 51);
    /* the drain (two rounds, 102 ms), then a verify round that lost as
     * much: the window is still too large - cut again, twice; loss as high
     * after those is the path's: undone (slow start back to 64, where the
     * first cut began), the baseline takes it */
    l2 += 64;
    assert_false(rdc_window_update(&f, a2, l2, 1, 1, (now += 1)));
    l2 += 64;
    assert_false(rdc_window_update(&f, a2, l2, 1, 1, (now += 1)));
    assert_int_equal(f.phase, RDC_WINDOW_DRAIN); /* two rounds, but not 102 ms */
    l2 += 64;
    assert_false(rdc_window_update(&f, a2, l2, 1, 1, (now += 110)));
    assert_int_equal(f.phase, RDC_WINDOW_VERIFY);
    for (unsigned k = 1; k <= 2; k++) {
        unsigned was = rdc_window_size(&f);
        l2 += 64;
        assert_true(rdc_window_update(&f, a2, l2, 1, 1, (now += 1))); /* cut again */
        assert_int_equal(f.recuts, k);
        assert_true(rdc_window_size(&f) < was);
        while (f.phase == RDC_WINDOW_DRAIN) { /* its drain */
            l2 += 64;
            assert_false(rdc_window_update(&f, a2, l2, 1, 1, (now += 110)));
        }
        assert_int_equal(f.phase, RDC_WINDOW_VERIFY);
    }
    l2 += 64;
    assert_false(rdc_window_update(&f, a2, l2, 1, 1, (now += 1)));
    assert_int_equal(f.undone, 1);
    assert_int_equal(f.cuts, 3);
    assert_true(f.ssthresh >= 64);
    while (rdc_window_size(&f) < 64)
        rdc_window_done(&f); /* slow start: one more per target */
    assert_int_equal(rdc_window_size(&f), 64);
    l2 += 64;
    assert_false(rdc_window_update(&f, a2, l2, 1, 1, (now += 1)));
    assert_int_equal(f.cuts, 3);
}

/* On a path of a millisecond (the local server) the rate times the RTT
 * says nothing: a cut keeps half the window, as TCP's does. */
static void test_short_path_halves(void **state)
{
    (void)state;
    rdc_window_t w;
    rdc_window_init(&w, 256);
    unsigned long ans = 0, loss = 0;
    unsigned long long now = 1000;
    assert_false(rdc_window_update(&w, ans, loss, 1, 1, now));
    for (int i = 0; i < 192; i++)
        rdc_window_done(&w);
    ans += 64;
    assert_false(rdc_window_update(&w, ans, loss, 1, 1, (now += 50)));
    ans += 100;
    loss += 156;
    assert_true(rdc_window_update(&w, ans, loss, 1, 1, (now += 50)));
    assert_int_equal(rdc_window_size(&w), 128);
    /* 10 ms is a path whose capacity can be told */
    rdc_window_t l;
    rdc_window_init(&l, 256);
    ans = loss = 0;
    assert_false(rdc_window_update(&l, ans, loss, 10, 10, now));
    for (int i = 0; i < 192; i++)
        rdc_window_done(&l);
    ans += 64;
    assert_false(rdc_window_update(&l, ans, loss, 10, 10, (now += 50)));
    ans += 100;
    loss += 156;
    assert_true(rdc_window_update(&l, ans, loss, 10, 10, (now += 50)));
    assert_int_equal(rdc_window_size(&l), 64); /* a quarter: 1.76/ms x 10 ms x 0.9 is less */
}

/* One unlucky round while the window grows: the cut stands (it cannot be
 * told from a limit met once), and costs a few rounds: slow start back to
 * just under the last good window, then about 6% a round. */
static void test_false_cut_recovers_fast(void **state)
{
    (void)state;
    model_t m;
    model_init(&m, 10000);
    m.random_loss = 0.02;
    while (rdc_window_size(&m.win) < 2000)
        round_(&m, false);
    unsigned before = rdc_window_size(&m.win);
    m.random_loss = 0.5; /* one bad round */
    assert_true(round_(&m, false));
    m.random_loss = 0.02;
    assert_true(rdc_window_size(&m.win) < before);
    unsigned n = 0;
    while (rdc_window_size(&m.win) < before && n < 50) {
        round_(&m, false);
        n++;
    }
    print_message("cut from %u to %u, back in %u rounds\n", before, m.win.min, n);
    assert_true(n <= 24);
    assert_int_equal(m.win.cuts, 1);
}

/* Random loss that gets worse for good (2% to 10% of queries) at the
 * concurrency: the first round cuts, the rounds after the drains show the
 * loss as high at smaller windows (two cuts more), so the cuts are undone -
 * the new loss is the baseline and the window goes back, without further
 * cuts. */
static void test_worse_random_loss_undone(void **state)
{
    (void)state;
    model_t m;
    model_init(&m, 2000);
    m.random_loss = 0.02;
    rounds(&m, 30, false);
    assert_int_equal(rdc_window_size(&m.win), 2000);
    m.random_loss = 0.10;
    rounds(&m, 40, false);
    assert_int_equal(m.win.cuts, 3); /* the first, and twice again */
    assert_int_equal(m.win.undone, 1);
    assert_int_equal(rdc_window_size(&m.win), 2000);
    rounds(&m, 200, false);
    assert_int_equal(m.win.cuts, 3);
}

/* A concurrency below the start and the floor. */
static void test_small_concurrency(void **state)
{
    (void)state;
    rdc_window_t w;
    rdc_window_init(&w, 3);
    assert_int_equal(rdc_window_size(&w), 3);
    assert_true(w.floor == 3);
    rdc_window_done(&w);
    assert_int_equal(rdc_window_size(&w), 3);
    rdc_window_init(&w, 0);
    assert_int_equal(rdc_window_size(&w), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_loss_no_cut),
        cmocka_unit_test(test_random_loss_large_window),
        cmocka_unit_test(test_rate_limit),
        cmocka_unit_test(test_rate_limit_with_random_loss),
        cmocka_unit_test(test_queue_cuts),
        cmocka_unit_test(test_cut_floor_drain_regrowth),
        cmocka_unit_test(test_short_path_halves),
        cmocka_unit_test(test_false_cut_recovers_fast),
        cmocka_unit_test(test_worse_random_loss_undone),
        cmocka_unit_test(test_small_concurrency),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
