package io.relaycast.sfu.rtcp;

/**
 * Packet status chunks of transport-wide congestion control feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 sections 3.1.1-3.1.4), 16 bits each:
 *
 * <pre>
 * run length chunk (3.1.3):    |T=0| S (2) |       run length (13)       |
 * status vector chunk (3.1.4): |T=1|s|       symbol list (14)            |   s=0: 14 one-bit, s=1: 7 two-bit symbols
 * </pre>
 *
 * Symbols (3.1.1): 0 not received, 1 received with a small (one-octet, unsigned) delta, 2 received with a large or
 * negative (two-octet, signed) delta, 3 reserved (libwebrtc reads it as received without a delta, and the draft's
 * own examples use it so). A one-bit symbol is 0 or 1. Static and allocation-free.
 */
public final class TransportCcChunks {

    public static final int NOT_RECEIVED = 0;
    public static final int SMALL_DELTA = 1;
    public static final int LARGE_DELTA = 2;
    public static final int NO_DELTA = 3;
    public static final int MAX_RUN_LENGTH = 0x1FFF;

    private TransportCcChunks() {
    }

    /** A run length chunk: {@code run} times {@code symbol}; -1 when out of range. */
    public static int runLength(int symbol, int run) {
        if (symbol < 0 || symbol > 3 || run < 0 || run > MAX_RUN_LENGTH) {
            return -1;
        }
        return symbol << 13 | run;
    }

    /**
     * A status vector chunk of {@code symbols[off, off + count)}: one-bit symbols when every one is 0 or 1 and
     * {@code twoBit} is false (up to 14), else two-bit (up to 7); missing trailing symbols are written as 0.
     *
     * @return the chunk, or -1 when the symbols do not fit
     */
    public static int vector(int[] symbols, int off, int count, boolean twoBit) {
        int capacity = twoBit ? 7 : 14;
        if (count < 0 || count > capacity || off < 0 || off + count > symbols.length) {
            return -1;
        }
        int chunk = twoBit ? 0xC000 : 0x8000;
        int width = twoBit ? 2 : 1;
        for (int i = 0; i < count; i++) {
            int s = symbols[off + i];
            if (s < 0 || s > (twoBit ? 3 : 1)) {
                return -1;
            }
            chunk |= s << (14 - width * (i + 1));
        }
        return chunk;
    }

    /** How many statuses {@code chunk} carries: its run length, or 14 or 7. */
    public static int statusCount(int chunk) {
        if ((chunk & 0x8000) == 0) {
            return chunk & MAX_RUN_LENGTH;
        }
        return (chunk & 0x4000) == 0 ? 14 : 7;
    }

    /** The {@code index}-th status of {@code chunk} (0 &le; index &lt; {@link #statusCount}). */
    public static int symbol(int chunk, int index) {
        if ((chunk & 0x8000) == 0) {
            return (chunk >> 13) & 0x3;
        }
        if ((chunk & 0x4000) == 0) {
            return (chunk >> (13 - index)) & 0x1;
        }
        return (chunk >> (12 - 2 * index)) & 0x3;
    }
}
