package io.relaycast.sfu.tap;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks UDP ports for a tap's consumer. RTP wants an even port with RTCP on the next one (RFC 3550 section 11),
 * and the consumer binds them, not us: we check both are free right now and let them go. Another process could
 * take them in between; the consumer then fails to bind and its owner restarts it with new ports.
 */
public final class TapPorts {
    private static final int LOW = 20_000;
    private static final int HIGH = 59_998;

    private TapPorts() {
    }

    /** An even port p such that p and p+1 are free on {@code host}. */
    public static int evenPair(InetAddress host) throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int p = LOW + 2 * ThreadLocalRandom.current().nextInt((HIGH - LOW) / 2);
            try (DatagramSocket a = new DatagramSocket(new InetSocketAddress(host, p));
                 DatagramSocket b = new DatagramSocket(new InetSocketAddress(host, p + 1))) {
                return p;
            } catch (SocketException taken) {
                // try another
            }
        }
        throw new IOException("no free even UDP port pair on " + host.getHostAddress());
    }
}
