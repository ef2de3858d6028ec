package io.relaycast.sfu.ice;

import io.relaycast.sfu.config.SocketBufferConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * ICE-TCP (RFC 6544) for every session: one listening TCP port on the bind addresses, advertised as passive host
 * candidates (section 4.5, {@code tcptype passive}), framed per RFC 4571, as an optional second path behind the
 * shared UDP port. ice4j 3.2 has no TCP harvester, so this is ours; ice4j's agent of each session keeps the UDP
 * side and never sees TCP.
 *
 * <p><b>Threads.</b> One NIO selector thread accepts, reads, parses frames, answers and sends checks, and applies
 * the timers, for all connections: the thread count does not grow with connections, so a flood of idle sockets
 * (slowloris) costs a file descriptor and 1 KiB each until the auth timeout, not a thread. Payload frames are
 * pushed to the session's {@link DatagramHandler} on this thread, as the UDP harvester's read thread does. Media
 * threads send directly (see {@link IceTcpConnection#send}); they never wait for this thread.
 *
 * <p><b>Admission</b> (RFC 6544 section 7.2 with RFC 8445 section 7.3 and RFC 8489 section 9.1): the first frame
 * on a new connection must be a Binding request whose USERNAME starts with a live session's local ufrag, whose
 * MESSAGE-INTEGRITY verifies with that session's local password and whose FINGERPRINT is right. Anything else
 * closes the connection: a frame longer than {@code maxFirstFrame}, a connection silent for {@code authTimeout},
 * a connection beyond {@code maxConnections} or the per-address and per-session caps ({@link IceTcpConnections}
 * accepts, counts and closes connections). Nobody else is disturbed: other connections, the UDP port and the
 * sessions never see those bytes.
 *
 * <p><b>Nomination</b> (RFC 8445 section 8.1). Toward a publisher we are controlled: the browser's check with
 * USE-CANDIDATE on an authenticated connection selects it (the TCP handshake already proved the path both ways,
 * and our response travels the same connection). Toward a viewer we are controlling, and the browser waits for
 * us: we send our own check with USE-CANDIDATE and ICE-CONTROLLING over the connection and select it when the
 * browser's authenticated success response arrives. We do so only when the UDP side has not connected
 * {@code nominationDelay} after the connection authenticated (longer while a UDP pair is validated but not yet
 * nominated): UDP is preferred (RFC 6544 section 4.2), TCP is the path for peers UDP cannot reach.
 *
 * <p><b>Consent</b> (RFC 7675): we answer every authenticated check (the browser's consent checks included) and
 * send our own every consent-check-interval on the selected connection; authenticated responses refresh the
 * session's consent. A selected connection that closes ends its session as lost consent does.
 */
public final class IceTcpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IceTcpServer.class);

    /**
     * Our passive candidates (RFC 6544 section 4.5), the same for every session; see {@link IceTcpCandidates}.
     */
    public List<String> candidateLines(String publicIp) {
        return IceTcpCandidates.lines(boundAddresses(), port, publicIp);
    }

    private static final long TICK_MS = 50;

    private final List<ServerSocketChannel> listeners;
    private final int port;
    private final IceTcpLimits limits;
    private final Selector selector;
    private final IceTcpConnections connections;
    private final IceTcpChecks checks;
    private volatile Thread thread;
    private volatile boolean closed;
    private long idleTimeoutNanos = TimeUnit.SECONDS.toNanos(30);

    /**
     * Binds the port on every address (the real port, when {@code port} is 0, is the first bind's).
     *
     * @throws IOException when an address cannot be bound: start-up fails rather than advertising a dead candidate
     */
    public IceTcpServer(List<InetAddress> addresses, int port, IceTcpLimits limits) throws IOException {
        this(addresses, port, limits, SocketBufferConfig.KERNEL_DEFAULTS);
    }

    /**
     * As above, with kernel buffers: SO_RCVBUF on the listening socket (accepted ones inherit it, and it must be set
     * before listen for TCP window scaling to cover it), SO_SNDBUF on each accepted connection. 0 keeps the
     * kernel's autotuning (tcp_rmem / tcp_wmem).
     */
    public IceTcpServer(List<InetAddress> addresses, int port, IceTcpLimits limits, SocketBufferConfig buffers)
            throws IOException {
        this.limits = limits;
        this.selector = Selector.open();
        this.connections = new IceTcpConnections(limits, buffers, selector);
        this.checks = new IceTcpChecks(limits, connections::close);
        List<ServerSocketChannel> bound;
        try {
            bound = TcpListeners.bind(addresses, port, buffers, selector);
        } catch (IOException e) {
            selector.close();
            throw e;
        }
        this.listeners = List.copyOf(bound);
        this.port = bound.isEmpty() ? port : ((InetSocketAddress) bound.get(0).getLocalAddress()).getPort();
    }

    /** Starts serving: {@code sessions} finds a live session by local ufrag. */
    public synchronized void start(Function<String, IceSession> sessions, IceConfig config) {
        if (thread != null || closed) {
            return;
        }
        checks.sessions = sessions;
        checks.consentIntervalNanos = config.consentCheckInterval().toNanos();
        this.idleTimeoutNanos = config.consentTimeout().toNanos();
        Thread t = new Thread(this::run, "ice-tcp");
        t.setDaemon(true);
        thread = t;
        t.start();
        LOG.info("ICE-TCP listening on port {} at {}", port, boundAddresses());
    }

    public int port() {
        return port;
    }

    public List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (ServerSocketChannel ch : listeners) {
            try {
                out.add((InetSocketAddress) ch.getLocalAddress());
            } catch (IOException e) {
                // closed
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------- selector thread

    private void run() {
        long nextTick = System.nanoTime();
        while (!closed) {
            try {
                selector.select(TICK_MS);
            } catch (IOException e) {
                LOG.warn("ICE-TCP selector failed; stopping", e);
                break;
            }
            if (closed) {
                break;
            }
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey k = it.next();
                it.remove();
                try {
                    handle(k);
                } catch (RuntimeException e) {
                    // a bug of ours must not stop the thread for everyone; that connection goes
                    LOG.warn("ICE-TCP: {} failed", k.attachment(), e);
                    if (k.attachment() instanceof IceTcpConnection c) {
                        connections.close(c);
                    }
                }
            }
            long now = System.nanoTime();
            if (now - nextTick >= 0) {
                nextTick = now + TimeUnit.MILLISECONDS.toNanos(TICK_MS);
                tick(now);
            }
        }
        connections.closeAll();
    }

    private void handle(SelectionKey k) {
        if (!k.isValid()) {
            return;
        }
        if (k.isAcceptable()) {
            connections.accept((ServerSocketChannel) k.channel());
            return;
        }
        IceTcpConnection c = (IceTcpConnection) k.attachment();
        if (k.isWritable()) {
            c.onWritable();
        }
        if (k.isValid() && k.isReadable()) {
            read(c);
        }
    }

    /** Reads what is there and handles every complete RFC 4571 frame in place. */
    private void read(IceTcpConnection c) {
        int n;
        try {
            n = c.channel.read(c.in);
        } catch (IOException e) {
            connections.close(c); // reset by the peer: the JDK reports it only this way
            return;
        }
        if (n < 0) {
            connections.close(c);
            return;
        }
        ByteBuffer in = c.in;
        byte[] a = in.array();
        int pos = 0;
        int end = in.position();
        while (end - pos >= 2) {
            int len = ((a[pos] & 0xFF) << 8) | (a[pos + 1] & 0xFF);
            boolean bound = c.phase == IceTcpConnection.Phase.BOUND;
            if (len > (bound ? limits.maxFrame() : limits.maxFirstFrame())) {
                connections.countOversized();
                connections.close(c);
                return;
            }
            if (end - pos - 2 < len) {
                break; // the rest of the frame is still on its way
            }
            int frame = pos + 2;
            pos = frame + len;
            if (bound) {
                checks.onFrame(c, a, frame, len);
                if (c.phase == IceTcpConnection.Phase.CLOSED) {
                    return;
                }
            } else {
                IceSession s = checks.authenticate(a, frame, len);
                if (s == null) {
                    connections.countAuthFailed();
                    connections.close(c);
                    return;
                }
                if (!connections.admitToSession(s)) {
                    connections.close(c);
                    return;
                }
                // the bound connection reads into a bigger buffer: carry over what followed the first frame
                c.bind(s, limits.maxFrame(), limits.outputBuffer(), pos, end);
                connections.countAuthenticated();
                checks.onBound(c, s, a, frame, len, System.nanoTime());
                if (c.phase == IceTcpConnection.Phase.CLOSED) {
                    return;
                }
                in = c.in;
                a = in.array();
                pos = 0;
                end = in.position();
            }
        }
        if (pos > 0) {
            System.arraycopy(a, pos, a, 0, end - pos);
            in.position(end - pos);
        }
    }

    private void tick(long now) {
        for (int i = connections.size() - 1; i >= 0; i--) {
            IceTcpConnection c = connections.get(i);
            if (c.phase == IceTcpConnection.Phase.UNAUTHENTICATED) {
                if (now - c.acceptedNanos >= limits.authTimeout().toNanos()) {
                    connections.countAuthTimedOut();
                    connections.close(c);
                }
                continue;
            }
            IceSession s = c.session;
            if (s.state().isEnded() || c.isBroken()) {
                connections.close(c);
            } else if (s.tcpPath() != c && now - c.lastStunNanos >= idleTimeoutNanos) {
                connections.close(c); // an unselected connection the peer stopped checking
            } else {
                checks.maybeSendCheck(c, now);
            }
        }
    }

    /** Counters and open connections, for the debug endpoint. */
    public Map<String, Object> debugState() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("port", port);
        connections.putInto(m);
        m.put("stunIgnored", checks.stunIgnored);
        m.put("selected", checks.selected);
        m.put("open", connections.openCount());
        return m;
    }

    /** Open connections (selector thread's view; for tests and debug). */
    public int connectionCount() {
        return connections.openCount();
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (ServerSocketChannel ch : listeners) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
