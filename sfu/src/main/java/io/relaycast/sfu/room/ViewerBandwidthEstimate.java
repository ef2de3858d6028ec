package io.relaycast.sfu.room;

/**
 * A viewer's available bandwidth as the SFU sees it, for simulcast layer choice: the loss-based controller of
 * draft-ietf-rmcat-gcc-02 section 6, fed with the fraction lost of our video stream from the viewer's receiver
 * reports (RFC 3550 section 6.4.1) and the video bitrate we sent it since the previous report, plus the viewer's
 * REMB as a decrease signal.
 *
 * <ul>
 *   <li>loss above {@link #HIGH_LOSS}: the estimate drops to {@code min(estimate, sent) * (1 - loss / 2)}; taking
 *       what we really sent as the base makes one report enough to leave a layer the link cannot carry.</li>
 *   <li>a REMB below what we send (its delay-based detector saw the queue grow): the estimate drops to it.</li>
 *   <li>loss below {@link #LOW_LOSS}, and {@link #HOLD_MILLIS} after the last decrease: it grows by
 *       {@link #GROWTH_PER_SECOND} of itself per second, up to {@code ceiling} (what the top layer needs), so a
 *       link that got faster is found by trying the next layer; a link that did not makes the next report lossy
 *       and the estimate drops again.</li>
 *   <li>in between: it holds.</li>
 * </ul>
 *
 * <p>Why REMB only lowers it: Chromium's receive-side estimate never exceeds about 1.5 times what it receives,
 * so while a viewer is on a low layer its REMB says nothing about whether the top layer would fit, and taking it
 * as the estimate kept a viewer on the low layer for good once a cap on its link was lifted. We send no padding
 * probes; the up-switch is the probe.
 *
 * <p>Called a few times a second on the viewer's RTCP path; not thread-safe, allocation-free.
 */
public final class ViewerBandwidthEstimate {

    static final double HIGH_LOSS = 0.10;
    static final double LOW_LOSS = 0.02;
    /** GCC's multiplicative increase is 8 % per second; a bit more here, since up-switches are our only probe. */
    static final double GROWTH_PER_SECOND = 0.12;
    /** After a decrease, the reports still describe the queue the old rate built; they must not count twice. */
    static final long HOLD_MILLIS = 2500;
    /** The longest gap between reports that still counts as growth time (a viewer silent for longer proves nothing). */
    static final long MAX_GROWTH_STEP_MILLIS = 2000;

    private long estimate = -1;
    private long lastReportMillis = -1;
    private long decreasedAtMillis = Long.MIN_VALUE / 2;
    private int lastFractionLost;
    private long decreases;

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
        long step = lastReportMillis < 0 ? 0 : Math.min(MAX_GROWTH_STEP_MILLIS, Math.max(0, nowMillis - lastReportMillis));
        lastReportMillis = nowMillis;
        if (estimate < 0) {
            if (ceilingBps <= 0) {
                return estimate; // layers not measured yet: starting from what we send would pin a low start layer
            }
            estimate = Math.max(sentBps, ceilingBps);
        }
        if (loss > HIGH_LOSS) {
            if (nowMillis - decreasedAtMillis >= HOLD_MILLIS || sentBps < estimate) {
                long base = sentBps > 0 ? Math.min(estimate, sentBps) : estimate;
                estimate = (long) (base * (1 - loss / 2));
                decreasedAtMillis = nowMillis;
                decreases++;
            }
        } else if (loss < LOW_LOSS && nowMillis - decreasedAtMillis >= HOLD_MILLIS) {
            long grown = estimate + Math.max(1, (long) (estimate * GROWTH_PER_SECOND * step / 1000.0));
            long limit = Math.max(ceilingBps, estimate);
            estimate = ceilingBps > 0 ? Math.min(grown, limit) : grown;
        }
        return estimate;
    }

    /**
     * The viewer's REMB (bit/s) while we send {@code sentBps}: below that, its delay-based detector saw overuse
     * and the estimate drops to it; at or above, it is only its ceiling of 1.5 times what it receives.
     */
    public long onRemb(long rembBps, long sentBps, long nowMillis) {
        if (rembBps >= 0 && sentBps > 0 && rembBps < sentBps && (estimate < 0 || rembBps < estimate)) {
            estimate = rembBps;
            decreasedAtMillis = nowMillis;
            decreases++;
        }
        return estimate;
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
}
