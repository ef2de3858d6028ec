package io.relaycast.sfu.room;

/**
 * A viewer's available bandwidth as the SFU sees it, for simulcast layer choice: the loss-based controller of
 * draft-ietf-rmcat-gcc-02 section 6, fed with the fraction lost of our video stream from the viewer's receiver
 * reports (RFC 3550 section 6.4.1) and the video bitrate we sent it since the previous report, plus the viewer's
 * REMB (draft-alvestrand-rmcat-remb-03) as a decrease signal.
 *
 * <ul>
 *   <li>loss above {@link #HIGH_LOSS}: the estimate drops to {@code min(estimate, sent) * (1 - loss / 2)}; taking
 *       what we really sent as the base makes one report enough to leave a layer the link cannot carry.</li>
 *   <li>a REMB that drops below what the viewer received and stays below for {@link #REMB_PERSIST_MILLIS}, not
 *       within {@link #SWITCH_SETTLE_MILLIS} of a layer switch: its delay-based detector sees a queue that stays,
 *       and the estimate drops to the REMB.</li>
 *   <li>loss below {@link #LOW_LOSS}, and a hold after the last decrease: it grows by {@link #GROWTH_PER_SECOND}
 *       of itself per second, up to {@code ceiling} (what the top layer needs), so a link that got faster is found
 *       by trying the next layer; a link that did not makes the next report lossy and the estimate drops again.</li>
 *   <li>in between: it holds.</li>
 * </ul>
 *
 * <p>Up-switches are our only probe (we send no padding), so each one is judged: a decrease within
 * {@link #PROBE_WINDOW_MILLIS} of switching up is a failed probe, and the hold before the estimate may grow again
 * doubles with each failure in a row ({@link #HOLD_MILLIS} up to {@link #MAX_HOLD_MILLIS}); a probe that lasts the
 * window resets it. A viewer behind a cap thus tries the top layer after 5, 10, 20, 30, 30 ... s instead of
 * every few seconds, each try costing it a burst of loss and usually a frozen frame.
 *
 * <p>Why REMB only lowers it, and only when it persists: Chromium's REMB is its receive-side estimate, which
 * never exceeds about 1.5 times what it receives (plus 10 kbit/s) and, after an overuse, is 0.85 times what it
 * measured coming in. Right after we switch a viewer up, both still describe the old layer: we measured REMBs of
 * 350-760 kbit/s against a 900 kbit/s layer on an uncapped link, and taking them sent the viewer straight back
 * down; and from 1.5 times the old layer Chromium's estimate climbs only 8 %/s, so it stays below the new layer
 * for 5-8 s (measured: 400 to 590 kbit/s over 5 s on top of a 700 kbit/s layer, no cap). Such a REMB rises;
 * only a drop is an overuse. Nor does a single overuse mean a narrow link: on a loaded machine a late decode
 * looks like queueing delay, and the REMB recovers from it within about 2 s. A real bottleneck without loss (a
 * deep buffer) keeps the REMB below what we send, and that is what {@link #REMB_PERSIST_MILLIS} waits for.
 *
 * <p>Called a few times a second on the viewer's RTCP path and on a layer switch; not thread-safe, allocation-free.
 */
public final class ViewerBandwidthEstimate {

    static final double HIGH_LOSS = 0.10;
    static final double LOW_LOSS = 0.02;
    /** GCC's multiplicative increase is 8 % per second; a bit more here, since up-switches are our only probe. */
    static final double GROWTH_PER_SECOND = 0.12;
    /** After a decrease, the reports still describe the queue the old rate built; they must not count twice. */
    static final long HOLD_MILLIS = 2500;
    /** The longest hold, after many failed probes in a row: how late a lifted cap may be noticed, at worst. */
    static final long MAX_HOLD_MILLIS = 30_000;
    /** A decrease this soon after a switch up means the new layer did not fit: a failed probe. */
    static final long PROBE_WINDOW_MILLIS = 5000;
    /** The longest gap between reports that still counts as growth time (a viewer silent for longer proves nothing). */
    static final long MAX_GROWTH_STEP_MILLIS = 2000;
    /**
     * After a switch the viewer's receive-side estimator still averages the old layer's rate (its incoming rate
     * window is up to 1 s, and the new layer's keyframe burst looks like a queue): its REMBs mean nothing yet.
     */
    static final long SWITCH_SETTLE_MILLIS = 3000;
    /** A receiver report this long after a switch describes the new layer alone (Chromium reports every ~1 s). */
    static final long REPORT_AFTER_SWITCH_MILLIS = 1500;
    /** How long REMBs must stay below what the viewer receives to count (a passing overuse recovers in ~2 s). */
    static final long REMB_PERSIST_MILLIS = 3000;
    /** A REMB this much below the previous one is an overuse (Chromium sends one at once on a 3 % decrease). */
    static final double REMB_DROP = 0.97;

    private long estimate = -1;
    private long lastReportMillis = -1;
    private long decreasedAtMillis = Long.MIN_VALUE / 2;
    private long holdMillis = HOLD_MILLIS;
    private int lastFractionLost;
    private long decreases;
    /** What we sent over the last two report intervals (bit/s); -1 before. */
    private long sentBps = -1;
    private long previousSentBps = -1;
    private long switchedAtMillis = Long.MIN_VALUE / 2;
    /** When the REMB went below what the viewer receives and stayed there; -1: it is not below. */
    private long rembLowSinceMillis = -1;
    private long lastRembBps = -1;
    /** The switch up being judged; -1: none. */
    private long probeAtMillis = -1;
    private int failedProbes;
    private long probes;
    private long probesFailed;

    /**
     * One receiver report.
     *
     * @param fractionLost the report block's fraction lost, 0..255 (loss * 256)
     * @param sentBps      the video bitrate we sent the viewer since the previous report (bit/s)
     * @param ceilingBps   the most worth growing to (the top layer's need); 0 or less: no ceiling known
     * @return the new estimate (bit/s)
     */
    public long onReport(int fractionLost, long sentBps, long ceilingBps, long nowMillis) {
        double loss = (fractionLost & 0xFF) / 256.0;
        lastFractionLost = fractionLost & 0xFF;
        this.previousSentBps = this.sentBps;
        this.sentBps = sentBps;
        long step = lastReportMillis < 0 ? 0 : Math.min(MAX_GROWTH_STEP_MILLIS, Math.max(0, nowMillis - lastReportMillis));
        lastReportMillis = nowMillis;
        judgeProbe(nowMillis);
        if (estimate < 0) {
            if (ceilingBps <= 0) {
                return estimate; // layers not measured yet: starting from what we send would pin a low start layer
            }
            estimate = Math.max(sentBps, ceilingBps);
        } else if (decreases == 0 && ceilingBps > estimate) {
            // nothing has limited this viewer yet, and the publisher just started a higher layer (it ramps up
            // layer by layer): follow, rather than grow 12 %/s toward it (that took 16 s in the browser test)
            estimate = ceilingBps;
        }
        if (loss > HIGH_LOSS) {
            // within the hold only a lower layer that loses too counts, and only once a report can describe it
            // alone: the first one after a switch down still counts the old layer's packets queued at the
            // bottleneck (measured: 994k -> 480k -> 190k -> 134k in 2 s under a 537 kbit/s cap, a layer too low)
            if (nowMillis - decreasedAtMillis >= HOLD_MILLIS
                    || sentBps < estimate && nowMillis - switchedAtMillis >= REPORT_AFTER_SWITCH_MILLIS) {
                long base = sentBps > 0 ? Math.min(estimate, sentBps) : estimate;
                decrease((long) (base * (1 - loss / 2)), nowMillis);
            }
        } else if (loss < LOW_LOSS && nowMillis - decreasedAtMillis >= holdMillis) {
            long grown = estimate + Math.max(1, (long) (estimate * GROWTH_PER_SECOND * step / 1000.0));
            long limit = Math.max(ceilingBps, estimate);
            estimate = ceilingBps > 0 ? Math.min(grown, limit) : grown;
        }
        return estimate;
    }

    /**
     * The viewer's REMB (bit/s). It lowers the estimate only when it dropped (an overuse) below what the viewer
     * received (the lower of our last two report intervals' rates) and stayed below for
     * {@link #REMB_PERSIST_MILLIS}, none of it within {@link #SWITCH_SETTLE_MILLIS} of a layer switch; at or above
     * that it is only Chromium's ceiling of 1.5 times what it receives.
     */
    public long onRemb(long rembBps, long nowMillis) {
        judgeProbe(nowMillis);
        boolean dropped = lastRembBps >= 0 && rembBps < lastRembBps * REMB_DROP;
        lastRembBps = rembBps;
        long received = previousSentBps > 0 ? Math.min(sentBps, previousSentBps) : sentBps;
        if (rembBps < 0 || received <= 0 || rembBps >= received
                || nowMillis - switchedAtMillis < SWITCH_SETTLE_MILLIS) {
            rembLowSinceMillis = -1;
            return estimate;
        }
        if (rembLowSinceMillis < 0) {
            // only a drop starts it: a REMB that climbs toward what the viewer receives is Chromium's estimator
            // catching up after a switch up (+8 %/s from 1.5 x the old layer), not a queue
            if (dropped) {
                rembLowSinceMillis = nowMillis;
            }
        } else if (nowMillis - rembLowSinceMillis >= REMB_PERSIST_MILLIS && (estimate < 0 || rembBps < estimate)) {
            decrease(rembBps, nowMillis);
        }
        return estimate;
    }

    /**
     * The viewer started receiving another layer ({@code up}: a higher one). A switch up is a probe of the link;
     * any switch makes the viewer's REMB stale for a while.
     */
    public void onLayerSwitch(boolean up, long nowMillis) {
        switchedAtMillis = nowMillis;
        rembLowSinceMillis = -1;
        if (up) {
            probeAtMillis = nowMillis;
            probes++;
        }
        // a switch down leaves a probe in its window: the report on the layer we left comes a second later
    }

    /** A probe that lasted its window without a decrease succeeded: the next one needs no extra hold. */
    private void judgeProbe(long nowMillis) {
        if (probeAtMillis >= 0 && nowMillis - probeAtMillis >= PROBE_WINDOW_MILLIS) {
            probeAtMillis = -1;
            failedProbes = 0;
            holdMillis = HOLD_MILLIS;
        }
    }

    private void decrease(long to, long nowMillis) {
        estimate = to;
        decreasedAtMillis = nowMillis;
        decreases++;
        rembLowSinceMillis = -1;
        if (probeAtMillis >= 0) {
            // the layer we switched up to did not fit: wait twice as long before the next try (bounded)
            probeAtMillis = -1;
            probesFailed++;
            failedProbes = Math.min(failedProbes + 1, 16);
            holdMillis = Math.min(MAX_HOLD_MILLIS, HOLD_MILLIS << failedProbes);
        }
    }

    /** Bit/s; negative before the first report. */
    public long estimate() {
        return estimate;
    }

    public int lastFractionLost() {
        return lastFractionLost;
    }

    public long decreases() {
        return decreases;
    }

    /** Switches up so far, and how many of them a decrease followed within the probe window. */
    public long probes() {
        return probes;
    }

    public long probesFailed() {
        return probesFailed;
    }

    /** How long growth now waits after a decrease (ms): {@link #HOLD_MILLIS}, doubled per failed probe in a row. */
    public long holdMillis() {
        return holdMillis;
    }
}
