package io.relaycast.sfu.ice;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-session datagram counters. {@link LongAdder}: several fan-out threads may send to one session at once, and
 * an add allocates nothing once its cells exist.
 */
final class TrafficCounters {
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder packetsIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder packetsOut = new LongAdder();
    private final LongAdder droppedIn = new LongAdder();
    private final LongAdder sendErrors = new LongAdder();

    void received(int len) {
        bytesIn.add(len);
        packetsIn.increment();
    }

    void sent(int len) {
        bytesOut.add(len);
        packetsOut.increment();
    }

    void droppedIn() {
        droppedIn.increment();
    }

    void sendError() {
        sendErrors.increment();
    }

    void putInto(Map<String, Object> m) {
        m.put("bytesIn", bytesIn.sum());
        m.put("packetsIn", packetsIn.sum());
        m.put("bytesOut", bytesOut.sum());
        m.put("packetsOut", packetsOut.sum());
        m.put("packetsDroppedIn", droppedIn.sum());
        m.put("sendErrors", sendErrors.sum());
    }
}
