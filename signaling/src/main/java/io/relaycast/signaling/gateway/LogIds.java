package io.relaycast.signaling.gateway;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids for log lines ({@code requestId} in the MDC): 16 hex digits, random, so ids from several nodes do
 * not collide in one log store. Not a secret and not a security token.
 */
public final class LogIds {
    private LogIds() {
    }

    public static String next() {
        return String.format("%016x", ThreadLocalRandom.current().nextLong());
    }
}
