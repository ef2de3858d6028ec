package io.relaycast.sfu.ice;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the kernel grants a UDP socket of this process that asks for a receive buffer: ice4j sets SO_RCVBUF on the
 * shared port's socket itself and keeps that socket private, so a probe socket asks the same and reads the answer
 * (Linux caps the request at net.core.rmem_max and books twice that, socket(7); the JDK reports it halved again, so
 * the number is the granted request; every socket of the process gets the same for the same request).
 */
final class SocketBufferProbe {
    private static final Logger LOG = LoggerFactory.getLogger(SocketBufferProbe.class);
    private static final Path RMEM_MAX = Path.of("/proc/sys/net/core/rmem_max");
    private static boolean logged;

    private SocketBufferProbe() {
    }

    /** SO_RCVBUF granted to a socket that asked for {@code requested} bytes (0: the kernel default), or -1. */
    static int effectiveReceiveBuffer(int requested) {
        try (DatagramSocket probe = new DatagramSocket(null)) {
            if (requested > 0) {
                probe.setReceiveBufferSize(requested);
            }
            return probe.getReceiveBufferSize();
        } catch (SocketException e) {
            return -1;
        }
    }

    /** Logs once per process what was asked and granted, and how to get more when the kernel capped it. */
    static synchronized void logOnce(int requested, int effective) {
        if (logged) {
            return;
        }
        logged = true;
        long rmemMax = rmemMax();
        // below the request means net.core.rmem_max capped it
        if (requested > 0 && effective >= 0 && effective < requested) {
            LOG.warn("media port receive buffer: asked for {} bytes, the kernel grants {} (net.core.rmem_max = {});"
                    + " raise it (sysctl -w net.core.rmem_max={}) or packets are dropped under load",
                    requested, effective, rmemMax, requested);
        } else {
            LOG.info("media port receive buffer: {} bytes (asked for {}, net.core.rmem_max = {})", effective,
                    requested == 0 ? "the kernel default" : requested, rmemMax);
        }
    }

    private static long rmemMax() {
        try {
            return Long.parseLong(Files.readAllLines(RMEM_MAX).get(0).trim());
        } catch (IOException | NumberFormatException | UnsupportedOperationException e) {
            return -1;
        }
    }
}
