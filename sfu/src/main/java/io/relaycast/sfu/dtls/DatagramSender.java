package io.relaycast.sfu.dtls;

import java.io.IOException;

/**
 * Where a DTLS session's outgoing datagrams go: the ICE component's selected pair.
 *
 * <p>The buffer is only valid during the call; an implementation that queues must copy it.
 */
@FunctionalInterface
public interface DatagramSender {
    void send(byte[] buf, int off, int len) throws IOException;
}
