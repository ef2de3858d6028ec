package io.relaycast.hls;

/**
 * The delivery directives of a media playlist request (RFC 8216bis §6.2.5): {@code _HLS_msn=<M>} and
 * {@code _HLS_part=<N>} ask for a blocking reload (§6.2.5.2), {@code _HLS_skip=YES|v2} for a delta update
 * (§6.2.5.1, which this server does not offer: it advertises no CAN-SKIP-UNTIL, so the directive is ignored and
 * the full playlist is returned, as the spec lets a server do).
 *
 * @param msn  the Media Sequence Number to wait for, or -1 (no blocking)
 * @param part the Partial Segment index within it, or -1 (the whole segment)
 */
public record LlHlsQuery(long msn, int part) {
    public static final LlHlsQuery NONE = new LlHlsQuery(-1, -1);
    /** Decimal-integer (§4.2) fits 64 bits unsigned; more digits than this is not a sequence number we ever reach. */
    private static final int MAX_DIGITS = 18;

    public boolean blocking() {
        return msn >= 0;
    }

    /**
     * Parses the raw values (null when absent).
     *
     * @throws IllegalArgumentException the request is malformed: a value that is not a decimal-integer, or
     *                                  {@code _HLS_part} without {@code _HLS_msn} (§6.2.5.2: "MUST respond with
     *                                  400"); its message says which
     */
    public static LlHlsQuery parse(String msn, String part) {
        if (msn == null) {
            if (part != null) {
                throw new IllegalArgumentException("_HLS_part without _HLS_msn");
            }
            return NONE;
        }
        long m = decimal("_HLS_msn", msn);
        long p = part == null ? -1 : decimal("_HLS_part", part);
        if (p > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("_HLS_part out of range");
        }
        return new LlHlsQuery(m, (int) p);
    }

    private static long decimal(String name, String v) {
        if (v.isEmpty() || v.length() > MAX_DIGITS) {
            throw new IllegalArgumentException(name + " is not a decimal-integer");
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException(name + " is not a decimal-integer");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
