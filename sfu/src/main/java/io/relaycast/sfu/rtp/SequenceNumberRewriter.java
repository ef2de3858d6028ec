package io.relaycast.sfu.rtp;

/**
 * Maps one source's 16-bit RTP sequence numbers into a viewer's continuous sequence space.
 *
 * <p>A viewer must see one gap-free, monotonic sequence even when the SFU switches what it forwards (another
 * publisher SSRC, another simulcast layer): its jitter buffer and NACK logic (RFC 4585) would otherwise read the
 * jump as a burst of loss. Each source therefore gets its own mapping, anchored so that the first packet taken
 * after a switch gets the sequence number right after the highest one sent so far.
 *
 * <p>Source numbers are tracked as extended (wrap-counting) values per RFC 3550 appendix A.1, so 65535 -> 0 is
 * just the next packet. A packet older than the first one of the current mapping cannot be mapped without
 * colliding with numbers already used for the previous source, so it is dropped.
 */
public final class SequenceNumberRewriter {

    /** Returned by {@link #rewrite} for a packet that must not be forwarded. */
    public static final int DROP = -1;

    private final int initialSequenceNumber;
    private boolean started;
    private boolean resyncPending = true;
    private long highestSourceExtended;
    private long baseSourceExtended;
    private int baseOutput;
    private int highestOutput;

    /**
     * @param initialSequenceNumber the first number the viewer sees; RFC 3550 section 5.1 asks for a random one
     */
    public SequenceNumberRewriter(int initialSequenceNumber) {
        this.initialSequenceNumber = initialSequenceNumber & 0xFFFF;
    }

    /** Returns the viewer-side sequence number for {@code sourceSequenceNumber}, or {@link #DROP}. */
    public int rewrite(int sourceSequenceNumber) {
        int source = sourceSequenceNumber & 0xFFFF;
        if (resyncPending) {
            int output = started ? SerialNumbers.seqAdd(highestOutput, 1) : initialSequenceNumber;
            // One cycle of headroom keeps extended values positive for packets that arrive out of order.
            baseSourceExtended = 0x1_0000L + source;
            highestSourceExtended = baseSourceExtended;
            baseOutput = output;
            highestOutput = output;
            started = true;
            resyncPending = false;
            return output;
        }
        int delta = SerialNumbers.seqDiff(source, (int) (highestSourceExtended & 0xFFFF));
        long extended = highestSourceExtended + delta;
        if (extended < baseSourceExtended) {
            return DROP;
        }
        int output = (int) ((baseOutput + (extended - baseSourceExtended)) & 0xFFFF);
        if (delta > 0) {
            highestSourceExtended = extended;
            highestOutput = output;
        }
        return output;
    }

    /**
     * The inverse of {@link #rewrite} for a number already sent in the current mapping: the source sequence number
     * a viewer's NACK (RFC 4585 section 6.2.1) refers to, or {@link #DROP} when {@code output} was not sent from
     * the current source (before a switch, or not yet).
     */
    public int sourceSequenceNumber(int output) {
        if (!started) {
            return DROP;
        }
        int d = SerialNumbers.seqDiff(output & 0xFFFF, baseOutput);
        int span = SerialNumbers.seqDiff(highestOutput, baseOutput);
        if (d < 0 || d > span) {
            return DROP;
        }
        return (int) ((baseSourceExtended + d) & 0xFFFF);
    }

    /** Makes the next packet start a new mapping that continues right after the highest number sent. */
    public void resync() {
        resyncPending = true;
    }

    public boolean isStarted() {
        return started;
    }

    /** The highest viewer-side sequence number handed out so far (meaningful once started). */
    public int highestSequenceNumber() {
        return highestOutput;
    }
}
