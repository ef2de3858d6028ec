package io.relaycast.sfu.ice;

import io.relaycast.sfu.config.SocketBufferConfig;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link IceTcpServer}'s connections from accept to close, held to the caps of {@link IceTcpLimits}: per node,
 * per remote address (one source cannot take the node's connections, issue 11) and, once authenticated, per
 * session (a session needs one path, a few at most). Also the admission counters of the debug endpoint.
 *
 * <p>Changed on the selector thread only, so the tables need no lock; the open count and the counters are volatile
 * for the debug output, which other threads read.
 */
final class IceTcpConnections {
    private final IceTcpLimits limits;
    private final SocketBufferConfig buffers;
    private final Selector selector;
    private final List<IceTcpConnection> open = new ArrayList<>();
    /** Open connections per remote address and authenticated ones per session. */
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();
    private final Map<IceSession, Integer> perSession = new HashMap<>();
    private volatile int openCount;

    // counters: written on the selector thread, read for debug output
    private volatile long accepted;
    private volatile long refused;
    private volatile long authenticated;
    private volatile long authFailed;
    private volatile long authTimedOut;
    private volatile long oversized;

    IceTcpConnections(IceTcpLimits limits, SocketBufferConfig buffers, Selector selector) {
        this.limits = limits;
        this.buffers = buffers;
        this.selector = selector;
    }

    /**
     * Accepts a connection waiting on {@code server} and registers it for reading, unless the node or its remote
     * address has all the connections it may have: then it is closed at once (and counted).
     */
    void accept(ServerSocketChannel server) {
        SocketChannel ch;
        try {
            ch = server.accept();
        } catch (IOException e) {
            return; // e.g. the peer reset before we got to it
        }
        if (ch == null) {
            return;
        }
        if (open.size() >= limits.maxConnections()) {
            refused++;
            closeQuietly(ch);
            return;
        }
        try {
            InetSocketAddress remote = (InetSocketAddress) ch.getRemoteAddress();
            // one source cannot take the node's connections (issue 11); counted on this selector thread only
            if (perAddress.getOrDefault(remote.getAddress(), 0) >= limits.maxConnectionsPerAddress()) {
                refused++;
                closeQuietly(ch);
                return;
            }
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true); // media: no Nagle delay on small frames
            if (buffers.sendBytes() > 0) {
                ch.setOption(StandardSocketOptions.SO_SNDBUF, buffers.sendBytes());
            }
            InetSocketAddress local = (InetSocketAddress) ch.getLocalAddress();
            SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
            IceTcpConnection c = new IceTcpConnection(ch, key, SelectedPair.plain(remote), SelectedPair.plain(local),
                    limits.maxFirstFrame(), limits.outputBuffer(), System.nanoTime());
            key.attach(c);
            open.add(c);
            perAddress.merge(remote.getAddress(), 1, Integer::sum);
            openCount = open.size();
            accepted++;
        } catch (IOException e) {
            closeQuietly(ch);
        }
    }

    /**
     * A connection's first frame authenticated it for {@code s}: false (a refusal, counted) when {@code s} already
     * has its most connections, else the connection is counted against {@code s}.
     */
    boolean admitToSession(IceSession s) {
        if (perSession.getOrDefault(s, 0) >= limits.maxConnectionsPerSession()) {
            refused++; // a session needs one path, a few at most (one per candidate pair it checks)
            return false;
        }
        perSession.merge(s, 1, Integer::sum);
        return true;
    }

    /** Closes a connection, once; when it carried its session, that ends the session (like lost consent). */
    void close(IceTcpConnection c) {
        if (c.phase == IceTcpConnection.Phase.CLOSED) {
            return;
        }
        c.phase = IceTcpConnection.Phase.CLOSED;
        c.markBroken();
        c.key.cancel();
        closeQuietly(c.channel);
        open.remove(c);
        openCount = open.size();
        perAddress.computeIfPresent(c.remote.getAddress(), (k, n) -> n <= 1 ? null : n - 1);
        if (c.session != null) {
            perSession.computeIfPresent(c.session, (k, n) -> n <= 1 ? null : n - 1);
            c.session.tcpClosed(c); // ends the session when this was its path (like lost consent)
        }
    }

    /** When the selector thread stops. */
    void closeAll() {
        for (int i = open.size() - 1; i >= 0; i--) {
            close(open.get(i));
        }
    }

    /** Open connections, for iterating by index on the selector thread (from the end: closing removes). */
    int size() {
        return open.size();
    }

    IceTcpConnection get(int i) {
        return open.get(i);
    }

    /** Open connections as the debug endpoint and tests see them (any thread). */
    int openCount() {
        return openCount;
    }

    void countAuthenticated() {
        authenticated++;
    }

    void countAuthFailed() {
        authFailed++;
    }

    void countAuthTimedOut() {
        authTimedOut++;
    }

    void countOversized() {
        oversized++;
    }

    /** The counters, in the debug endpoint's order. */
    void putInto(Map<String, Object> m) {
        m.put("accepted", accepted);
        m.put("refused", refused);
        m.put("authenticated", authenticated);
        m.put("authFailed", authFailed);
        m.put("authTimedOut", authTimedOut);
        m.put("oversizedFrames", oversized);
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
