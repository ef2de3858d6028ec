package io.relaycast.bench.sfu;

import io.relaycast.load.rtc.*;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.Set;
import java.util.function.Consumer;

/**
 * A server under test, in its own process: our SFU ({@link RelaycastTarget}) or Janus ({@link JanusTarget}). The
 * {@link Ramp} drives both through this, so the same viewers, steps and measurements apply to each.
 */
interface Target extends AutoCloseable {
    String name();

    /** The server's process (for {@code /proc/<pid>/...}). */
    long pid();

    /** Where viewers bind their sockets. */
    default java.net.InetAddress viewerAddress() {
        return java.net.InetAddress.getLoopbackAddress();
    }

    /** UDP ports where the server receives the publisher (their kernel drops are the server's ingress loss). */
    Set<Integer> ingressPorts();

    /** Connects the publisher and returns where the pacer sends; {@code keyframeRequests} runs on a PLI/FIR. */
    Pacer.Sink startPublisher(Ramp ramp, Runnable keyframeRequests) throws Exception;

    /**
     * Signals one viewer: the server's offer, the viewer's answer; {@code register} puts the viewer's socket on a
     * reactor before the server can start its checks. Returns once the answer is accepted.
     */
    void join(Peer viewer, Consumer<Peer> register) throws Exception;

    void leave(Peer viewer) throws Exception;

    /**
     * The server's counters now: {@code processCpuNs}; {@code rtpOut} (RTP packets sent to viewers, or -1 when
     * the server does not say), {@code sendFailures}, {@code publisherLost}, {@code publisherRtpIn},
     * {@code roomPacketsForwarded}, {@code subscribers}; {@code threadCpuNs} (by thread name) where known.
     */
    JsonNode stats() throws Exception;

    @Override
    void close();
}
