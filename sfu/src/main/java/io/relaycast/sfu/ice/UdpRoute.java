package io.relaycast.sfu.ice;

import io.relaycast.sfu.forward.ForwardingThread;
import org.ice4j.ice.Candidate;
import org.ice4j.ice.CandidatePair;
import org.ice4j.ice.Component;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.socket.IceSocketWrapper;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;

/**
 * An ICE session's UDP path on the shared port: the remote addresses checks have validated (the only sources whose
 * payload is passed on, RFC 8445 section 7.2.5.3.2) and where a datagram goes (the selected pair, or before
 * selection the first validated one, so an early DTLS flight is not lost). A forwarding worker sends on its own
 * socket of the pair's local address ({@link SendSockets}); other threads through the pair's ice4j socket with one
 * reusable packet per thread. No allocation and no lock per datagram.
 */
final class UdpRoute {
    /**
     * Where a datagram goes: the pair, its socket on the shared port, the remote address, and which of the
     * forwarding workers' {@link SendSockets} share the pair's local address (-1: none, send through ice4j).
     */
    private record Route(CandidatePair pair, IceSocketWrapper socket, InetSocketAddress remote, int sendIndex) {
    }

    /** One reusable packet per sending thread, so {@link #send} allocates nothing and takes no lock. */
    private static final ThreadLocal<DatagramPacket> SEND_PACKET =
            ThreadLocal.withInitial(() -> new DatagramPacket(new byte[0], 0));
    private static final InetSocketAddress[] NO_ADDRESSES = new InetSocketAddress[0];

    private final Component component;
    private final SendSockets sendSockets;
    private final TrafficCounters traffic;
    private volatile Route route;
    /** Remote addresses of validated pairs (copy-on-write under this object's monitor). */
    private volatile InetSocketAddress[] validated = NO_ADDRESSES;

    UdpRoute(Component component, SendSockets sendSockets, TrafficCounters traffic) {
        this.component = component;
        this.sendSockets = sendSockets;
        this.traffic = traffic;
    }

    /** A check validated {@code pair}: its remote address may send us payload, and we may answer on it. */
    void onValidated(CandidatePair pair) {
        allow(SelectedPair.plain(pair.getRemoteCandidate().getTransportAddress()));
        if (route == null) {
            route = routeFor(pair, sendSockets);
        }
    }

    /** {@code pair} is selected: media goes there from now on (its remote is {@link #allow allowed} first). */
    void select(CandidatePair pair) {
        Route r = routeFor(pair, sendSockets);
        if (r != null) {
            route = r;
        }
    }

    boolean isValidated(SocketAddress from) {
        for (InetSocketAddress a : validated) {
            if (a.equals(from)) {
                return true;
            }
        }
        return false;
    }

    boolean hasValidatedPair() {
        return validated.length > 0;
    }

    synchronized void allow(InetSocketAddress remote) {
        InetSocketAddress[] old = validated;
        for (InetSocketAddress a : old) {
            if (a.equals(remote)) {
                return;
            }
        }
        InetSocketAddress[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = remote;
        validated = grown;
    }

    SendStatus send(byte[] buf, int off, int len) {
        Route r = currentRoute();
        if (r == null) {
            return SendStatus.NOT_CONNECTED;
        }
        int worker = ForwardingThread.currentWorker();
        if (r.sendIndex >= 0 && sendSockets.hasWorker(worker)) {
            // a forwarding worker: its own socket on the same address and port, no lock shared with other senders
            if (!sendSockets.send(r.sendIndex, worker, buf, off, len, r.remote)) {
                traffic.sendError();
                return SendStatus.IO_ERROR;
            }
            traffic.sent(len);
            return SendStatus.SENT;
        }
        DatagramPacket p = SEND_PACKET.get();
        p.setData(buf, off, len);
        p.setSocketAddress(r.remote);
        try {
            r.socket.send(p);
        } catch (IOException e) {
            // the JDK's only way to report a failed send; counted, not logged per packet
            traffic.sendError();
            return SendStatus.IO_ERROR;
        }
        traffic.sent(len);
        return SendStatus.SENT;
    }

    private Route currentRoute() {
        CandidatePair selected = component.getSelectedPair();
        Route r = route;
        if (selected != null && (r == null || r.pair != selected)) {
            // allocates only when the selected pair changes
            r = routeFor(selected, sendSockets);
            route = r;
        }
        return r;
    }

    @SuppressWarnings("deprecation") // the pair's own socket on the shared port; the replacement needs the merging socket we disable
    private static Route routeFor(CandidatePair pair, SendSockets sendSockets) {
        IceSocketWrapper socket = pair.getIceSocketWrapper();
        if (socket == null) {
            return null;
        }
        // a server-reflexive local candidate (public-ip) sends from its base, the host address it maps
        LocalCandidate local = pair.getLocalCandidate();
        Candidate<?> base = local.getBase() == null ? local : local.getBase();
        int sendIndex = sendSockets.indexOf(base.getTransportAddress().getAddress());
        return new Route(pair, socket, SelectedPair.plain(pair.getRemoteCandidate().getTransportAddress()), sendIndex);
    }
}
