package io.relaycast.sfu.sdp;

/**
 * Bounds the parser enforces before any negotiation work, so that a hostile client cannot make signaling spend
 * memory or CPU on a huge description.
 *
 * @param maxBytes         largest accepted description, in UTF-8 bytes
 * @param maxMediaSections largest number of m= lines
 * @param maxCandidates    largest number of a=candidate lines (all sections together)
 */
public record SdpLimits(int maxBytes, int maxMediaSections, int maxCandidates) {

    /** 64 KiB, 8 m-sections, 32 candidates: a browser offer is 5-15 KiB with 2-3 sections. */
    public static final SdpLimits DEFAULTS = new SdpLimits(64 * 1024, 8, 32);

    public SdpLimits {
        if (maxBytes < 64 || maxMediaSections < 1 || maxCandidates < 0) {
            throw new IllegalArgumentException(
                    "SDP limits out of range: " + maxBytes + " bytes, " + maxMediaSections + " m-sections, "
                            + maxCandidates + " candidates");
        }
    }
}
