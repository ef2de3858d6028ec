package io.relaycast.sfu.transport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one transport's packets did, by kind: counted on the packet path (no allocation, no lock), never logged.
 * A replay (the same packet over two paths, RFC 3711 section 3.3.2) is ordinary and counted apart from failures.
 */
final class TransportCounters {
    final LongAdder rtpIn = new LongAdder();
    final LongAdder rtcpIn = new LongAdder();
    final LongAdder dtlsIn = new LongAdder();
    final LongAdder rtpOut = new LongAdder();
    final LongAdder rtcpOut = new LongAdder();
    final LongAdder droppedUnknown = new LongAdder();
    final LongAdder droppedBeforeKeys = new LongAdder();
    final LongAdder unprotectFailures = new LongAdder();
    final LongAdder protectFailures = new LongAdder();
    final LongAdder sendFailures = new LongAdder();
    final LongAdder unprotectReplays = new LongAdder();

    Map<String, Object> debugState() {
        Map<String, Object> packets = new LinkedHashMap<>();
        packets.put("rtpIn", rtpIn.sum());
        packets.put("rtcpIn", rtcpIn.sum());
        packets.put("dtlsIn", dtlsIn.sum());
        packets.put("rtpOut", rtpOut.sum());
        packets.put("rtcpOut", rtcpOut.sum());
        packets.put("droppedUnknown", droppedUnknown.sum());
        packets.put("droppedBeforeKeys", droppedBeforeKeys.sum());
        packets.put("unprotectFailures", unprotectFailures.sum());
        packets.put("unprotectReplays", unprotectReplays.sum());
        packets.put("protectFailures", protectFailures.sum());
        packets.put("sendFailures", sendFailures.sum());
        return packets;
    }
}
