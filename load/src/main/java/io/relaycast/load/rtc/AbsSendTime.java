package io.relaycast.load.rtc;

/**
 * The abs-send-time header extension (webrtc.org: 24 bits, 6.18 fixed-point seconds, wraps every 64 s). The
 * publisher stamps it from the same {@link System#nanoTime()} clock the receivers read, so publisher send →
 * viewer receive is measured in one process.
 */
public final class AbsSendTime {
    private AbsSendTime() {
    }

    public static int of(long nanoTime) {
        return (int) (((nanoTime / 1000) << 18) / 1_000_000L) & 0xFFFFFF;
    }

    public static long elapsedMicros(int sent, long nowNanos) {
        int diff = (of(nowNanos) - sent) & 0xFFFFFF;
        return (diff * 1_000_000L) >> 18;
    }
}
