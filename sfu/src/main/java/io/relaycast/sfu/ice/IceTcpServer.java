package io.relaycast.sfu.ice;

import io.relaycast.sfu.config.SocketBufferConfig;
import io.relaycast.sfu.sdp.IceCandidate;
import io.relaycast.sfu.stun.StunAttributeType;
import io.relaycast.sfu.stun.StunMessage;
import io.relaycast.sfu.stun.StunMessageClass;
import io.relaycast.sfu.stun.StunMessageIntegrity;
import io.relaycast.sfu.stun.StunMessageWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
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
 * a connection beyond {@code maxConnections}. Nobody else is disturbed: other connections, the UDP port and the
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
     * @param maxConnections   open connections, authenticated or not; more are accepted and closed at once
     * @param authTimeout      how long a connection may take to send its authenticating first frame
     * @param maxFirstFrame    the longest first frame (a Binding request is a few hundred octets)
     * @param maxFrame         the longest frame on an authenticated connection (DTLS records and SRTP packets)
     * @param outputBuffer     octets queued per connection while its socket is full; beyond that packets drop
     * @param nominationDelay  how long UDP gets before we nominate a TCP pair as the controlling agent
     */
    public record Limits(int maxConnections, Duration authTimeout, int maxFirstFrame, int maxFrame, int outputBuffer,
                         Duration nominationDelay, int maxConnectionsPerAddress, int maxConnectionsPerSession) {
        public Limits {
            if (maxConnections < 1 || maxConnectionsPerAddress < 1 || maxConnectionsPerSession < 1) {
                throw new IllegalArgumentException("ICE-TCP connection limits must be at least 1");
            }
            if (authTimeout.isNegative() || authTimeout.isZero()) {
                throw new IllegalArgumentException("ICE-TCP auth-timeout must be positive");
            }
            if (maxFirstFrame < 128 || maxFrame < maxFirstFrame || outputBuffer < maxFrame) {
                throw new IllegalArgumentException("ICE-TCP sizes: 128 <= max-first-frame <= max-frame <= output-buffer");
            }
        }

        /** Without per-address and per-session caps beyond the node's (tests of the other limits). */
        public Limits(int maxConnections, Duration authTimeout, int maxFirstFrame, int maxFrame, int outputBuffer,
                      Duration nominationDelay) {
            this(maxConnections, authTimeout, maxFirstFrame, maxFrame, outputBuffer, nominationDelay, maxConnections,
                    maxConnections);
        }

        public static Limits defaults() {
            return new Limits(1024, Duration.ofSeconds(5), 1024, 8192, 256 * 1024, Duration.ofMillis(500), 16, 4);
        }

        /** {@code relaycast.media.ice.tcp-limits}; absent keys keep {@link #defaults()}. */
        public static Limits from(com.typesafe.config.Config c) {
            Limits d = defaults();
            return new Limits(
                    c.hasPath("max-connections") ? c.getInt("max-connections") : d.maxConnections,
                    c.hasPath("auth-timeout") ? c.getDuration("auth-timeout") : d.authTimeout,
                    c.hasPath("max-first-frame") ? (int) (long) c.getBytes("max-first-frame") : d.maxFirstFrame,
                    c.hasPath("max-frame") ? (int) (long) c.getBytes("max-frame") : d.maxFrame,
                    c.hasPath("output-buffer") ? (int) (long) c.getBytes("output-buffer") : d.outputBuffer,
                    d.nominationDelay,
                    c.hasPath("max-connections-per-address") ? c.getInt("max-connections-per-address")
                            : d.maxConnectionsPerAddress,
                    c.hasPath("max-connections-per-session") ? c.getInt("max-connections-per-session")
                            : d.maxConnectionsPerSession);
        }
    }

    /** RFC 6544 section 4.2: below every UDP candidate of ours (ice4j: host 126, srflx 100). */
    static final int TYPE_PREF_HOST = 90;
    static final int TYPE_PREF_SRFLX = 80;
    /** RFC 6544 section 4.2, direction-pref of a passive candidate: 4 for host, 2 for server-reflexive. */
    static final int DIRECTION_PASSIVE_HOST = 4;
    static final int DIRECTION_PASSIVE_SRFLX = 2;
    /** PRIORITY of our checks: as a peer-reflexive candidate (RFC 8445 section 7.1.1, type preference 110). */
    static final long CHECK_PRIORITY = (110L << 24) | ((long) (DIRECTION_PASSIVE_HOST << 13) << 8) | 255;

    private static final long TICK_MS = 50;
    /** A STUN transaction over TCP gives up after 39.5 s (RFC 8489 section 6.2.2); ours sooner, to check again. */
    private static final long TRANSACTION_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final List<ServerSocketChannel> listeners;
    private final SocketBufferConfig buffers;
    private final int port;
    private final Limits limits;
    /** Open connections per remote address and authenticated ones per session (selector thread only). */
    private final java.util.Map<java.net.InetAddress, Integer> perAddress = new java.util.HashMap<>();
    private final java.util.Map<IceSession, Integer> perSession = new java.util.HashMap<>();
    private final Selector selector;
    private final List<IceTcpConnection> connections = new ArrayList<>(); // selector thread only
    private volatile int openConnections;
    private final StunMessage stun = new StunMessage();
    private final byte[] scratch = new byte[512];
    private final SecureRandom random = new SecureRandom();
    private volatile Function<String, IceSession> sessions;
    private volatile Thread thread;
    private volatile boolean closed;
    private long consentIntervalNanos = TimeUnit.SECONDS.toNanos(5);
    private long idleTimeoutNanos = TimeUnit.SECONDS.toNanos(30);

    // counters: written on the selector thread, read for debug output
    private volatile long accepted;
    private volatile long refused;
    private volatile long authenticated;
    private volatile long authFailed;
    private volatile long authTimedOut;
    private volatile long oversized;
    private volatile long stunIgnored;
    private volatile long selected;

    /**
     * Binds the port on every address (the real port, when {@code port} is 0, is the first bind's).
     *
     * @throws IOException when an address cannot be bound: start-up fails rather than advertising a dead candidate
     */
    public IceTcpServer(List<InetAddress> addresses, int port, Limits limits) throws IOException {
        this(addresses, port, limits, SocketBufferConfig.KERNEL_DEFAULTS);
    }

    /**
     * As above, with kernel buffers: SO_RCVBUF on the listening socket (accepted ones inherit it, and it must be set
     * before listen for TCP window scaling to cover it), SO_SNDBUF on each accepted connection. 0 keeps the
     * kernel's autotuning (tcp_rmem / tcp_wmem).
     */
    public IceTcpServer(List<InetAddress> addresses, int port, Limits limits, SocketBufferConfig buffers)
            throws IOException {
        this.limits = limits;
        this.buffers = buffers;
        this.selector = Selector.open();
        List<ServerSocketChannel> bound = new ArrayList<>();
        int p = port;
        try {
            for (InetAddress a : addresses) {
                ServerSocketChannel ch = ServerSocketChannel.open();
                try {
                    ch.setOption(StandardSocketOptions.SO_REUSEADDR, true); // restart despite TIME_WAIT
                    if (buffers.receiveBytes() > 0) {
                        ch.setOption(StandardSocketOptions.SO_RCVBUF, buffers.receiveBytes());
                    }
                    ch.bind(new InetSocketAddress(a, p), 128);
                    ch.configureBlocking(false);
                    ch.register(selector, SelectionKey.OP_ACCEPT);
                } catch (IOException e) {
                    ch.close();
                    throw new IOException("cannot bind ICE-TCP port " + p + " on " + a.getHostAddress() + ": "
                            + e.getMessage(), e);
                }
                bound.add(ch);
                p = ((InetSocketAddress) ch.getLocalAddress()).getPort();
            }
        } catch (IOException e) {
            for (ServerSocketChannel ch : bound) {
                ch.close();
            }
            selector.close();
            throw e;
        }
        this.listeners = List.copyOf(bound);
        this.port = p;
    }

    /** Starts serving: {@code sessions} finds a live session by local ufrag. */
    public synchronized void start(Function<String, IceSession> sessions, IceConfig config) {
        if (thread != null || closed) {
            return;
        }
        this.sessions = sessions;
        this.consentIntervalNanos = config.consentCheckInterval().toNanos();
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

    /**
     * Our passive candidates (RFC 6544 section 4.5), the same for every session: one host candidate per bound
     * address and, with a public IP, a server-reflexive one per address of its family (the 1:1 NAT mapping the UDP
     * port advertises too, RFC 8445 section 5.1.1.2).
     *
     * <p>Priority (RFC 6544 section 4.2): type preference 90 (host) or 80 (srflx), below ice4j's UDP host (126)
     * and srflx (100), so UDP wins whenever both work; local preference = 2^13 * direction-pref (passive: host 4,
     * srflx 2) + other-pref (8191 minus the address's index); component 1.
     */
    public List<String> candidateLines(String publicIp) {
        // RFC 6544 section 4.5: we only accept connections
        List<IceCandidate.Extension> passive = List.of(new IceCandidate.Extension("tcptype", "passive"));
        List<String> lines = new ArrayList<>();
        List<InetSocketAddress> addresses = boundAddresses();
        InetAddress pub = publicIp == null || publicIp.isEmpty() ? null : IpLiteral.parse(publicIp);
        for (int i = 0; i < addresses.size(); i++) {
            InetSocketAddress a = addresses.get(i);
            lines.add(IceCandidate.of("tcp" + (i + 1), 1, "tcp", priority(TYPE_PREF_HOST, DIRECTION_PASSIVE_HOST, i),
                    a.getAddress().getHostAddress(), a.getPort(), "host", null, -1, passive).toCandidateString());
        }
        if (pub != null) {
            for (int i = 0; i < addresses.size(); i++) {
                InetSocketAddress a = addresses.get(i);
                boolean sameFamily = (a.getAddress() instanceof Inet4Address) == (pub instanceof Inet4Address);
                if (sameFamily && !a.getAddress().equals(pub)) {
                    lines.add(IceCandidate.of("tcpx" + (i + 1), 1, "tcp",
                            priority(TYPE_PREF_SRFLX, DIRECTION_PASSIVE_SRFLX, i), pub.getHostAddress(), port, "srflx",
                            a.getAddress().getHostAddress(), a.getPort(), passive).toCandidateString());
                    break; // one public address: one mapping (as IceSession dedups the UDP ones)
                }
            }
        }
        return List.copyOf(lines);
    }

    /** RFC 6544 section 4.2 priority of one of our passive TCP candidates. */
    static long priority(int typePreference, int directionPreference, int addressIndex) {
        long local = ((long) directionPreference << 13) + Math.max(0, 8191 - addressIndex);
        return ((long) typePreference << 24) + (local << 8) + (256 - 1);
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
                        close(c);
                    }
                }
            }
            long now = System.nanoTime();
            if (now - nextTick >= 0) {
                nextTick = now + TimeUnit.MILLISECONDS.toNanos(TICK_MS);
                tick(now);
            }
        }
        for (int i = connections.size() - 1; i >= 0; i--) {
            close(connections.get(i));
        }
    }

    private void handle(SelectionKey k) {
        if (!k.isValid()) {
            return;
        }
        if (k.isAcceptable()) {
            accept((ServerSocketChannel) k.channel());
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

    private void accept(ServerSocketChannel server) {
        SocketChannel ch;
        try {
            ch = server.accept();
        } catch (IOException e) {
            return; // e.g. the peer reset before we got to it
        }
        if (ch == null) {
            return;
        }
        if (connections.size() >= limits.maxConnections()) {
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
            connections.add(c);
            perAddress.merge(remote.getAddress(), 1, Integer::sum);
            openConnections = connections.size();
            accepted++;
        } catch (IOException e) {
            closeQuietly(ch);
        }
    }

    /** Reads what is there and handles every complete RFC 4571 frame in place. */
    private void read(IceTcpConnection c) {
        int n;
        try {
            n = c.channel.read(c.in);
        } catch (IOException e) {
            close(c); // reset by the peer: the JDK reports it only this way
            return;
        }
        if (n < 0) {
            close(c);
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
                oversized++;
                close(c);
                return;
            }
            if (end - pos - 2 < len) {
                break; // the rest of the frame is still on its way
            }
            int frame = pos + 2;
            pos = frame + len;
            if (bound) {
                onFrame(c, a, frame, len);
                if (c.phase == IceTcpConnection.Phase.CLOSED) {
                    return;
                }
            } else {
                IceSession s = authenticate(a, frame, len);
                if (s == null) {
                    authFailed++;
                    close(c);
                    return;
                }
                if (perSession.getOrDefault(s, 0) >= limits.maxConnectionsPerSession()) {
                    refused++; // a session needs one path, a few at most (one per candidate pair it checks)
                    close(c);
                    return;
                }
                perSession.merge(s, 1, Integer::sum);
                // the bound connection reads into a bigger buffer: carry over what followed the first frame
                c.bind(s, limits.maxFrame(), limits.outputBuffer(), pos, end);
                authenticated++;
                long now = System.nanoTime();
                c.boundNanos = now;
                c.remoteAddressBytes = c.remote.getAddress().getAddress();
                c.localVerifier = StunMessageIntegrity.forPassword(s.localPassword());
                c.localSigner = new StunMessageWriter(s.localPassword());
                c.nextConsentCheckNanos = now;
                stun.reset(a, frame, len); // parsed again for the answer (authenticate's verdict stands)
                onBindingRequest(c, a, frame, now);
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

    /**
     * The admission rule: the session whose ufrag and password the first frame proves, or {@code null}. Looks a
     * session up by ufrag (one String per new connection, not per packet).
     */
    private IceSession authenticate(byte[] a, int off, int len) {
        StunMessage m = stun;
        if (!m.reset(a, off, len) || m.messageClass() != StunMessageClass.REQUEST || m.method() != StunMessage.BINDING
                || !m.hasIceUsername() || !m.hasMessageIntegrity() || !m.verifyFingerprint()) {
            return null;
        }
        Function<String, IceSession> lookup = sessions;
        IceSession s = lookup == null ? null : lookup.apply(m.localUfrag());
        if (s == null || s.state().isEnded()) {
            return null;
        }
        // short-term credentials (RFC 8489 section 9.1.3): HMAC keyed with the password of the ufrag named
        return StunMessageIntegrity.forPassword(s.localPassword()).verify(m) ? s : null;
    }

    /** A frame on an authenticated connection: STUN (first octet 0-3, RFC 7983) or payload for the session. */
    private void onFrame(IceTcpConnection c, byte[] a, int off, int len) {
        if (len == 0) {
            return; // RFC 4571 allows empty frames; nothing to deliver
        }
        if ((a[off] & 0xFF) > 3) {
            c.session.deliverTcp(a, off, len);
            return;
        }
        StunMessage m = stun;
        if (!m.reset(a, off, len) || m.method() != StunMessage.BINDING || !m.verifyFingerprint()) {
            stunIgnored++;
            return;
        }
        long now = System.nanoTime();
        switch (m.messageClass()) {
            case REQUEST -> {
                if (m.localUfragEquals(c.session.localUfragBytes()) && c.localVerifier.verify(m)) {
                    onBindingRequest(c, a, off, now);
                } else {
                    stunIgnored++; // RFC 8489 section 9.1.3 would answer 401; on a bound connection we just drop it
                }
            }
            case SUCCESS_RESPONSE -> {
                if (c.pendingValid && m.transactionIdEquals(c.pendingTransaction, 0) && c.remoteVerifier != null
                        && c.remoteVerifier.verify(m)) {
                    onCheckSucceeded(c, now);
                } else {
                    stunIgnored++;
                }
            }
            case ERROR_RESPONSE -> {
                if (c.pendingValid && m.transactionIdEquals(c.pendingTransaction, 0)) {
                    c.pendingValid = false; // e.g. 487 role conflict: cannot happen with a browser; try again later
                }
                stunIgnored++;
            }
            default -> stunIgnored++;
        }
    }

    /** Answers an authenticated check (RFC 8445 section 7.3.1) and follows a controlling peer's nomination. */
    private void onBindingRequest(IceTcpConnection c, byte[] a, int off, long now) {
        c.lastStunNanos = now;
        int n = c.localSigner.bindingSuccess(scratch, 0, a, off, c.remoteAddressBytes, c.remote.getPort());
        c.send(scratch, 0, n);
        IceSession s = c.session;
        if (s.role() == IceRole.CONTROLLED && stun.findAttribute(StunAttributeType.USE_CANDIDATE) >= 0
                && !c.nominated) {
            // RFC 8445 section 7.3.1.5: the controlling browser nominated this pair
            c.nominated = true;
            if (s.selectTcp(c)) {
                selected++;
                c.nextConsentCheckNanos = now + consentInterval();
            }
        }
        maybeSendCheck(c, now);
    }

    private void onCheckSucceeded(IceTcpConnection c, long now) {
        c.pendingValid = false;
        c.lastStunNanos = now;
        IceSession s = c.session;
        if (c.pendingNominates) {
            c.nominated = true;
            if (s.selectTcp(c)) {
                selected++;
                c.nextConsentCheckNanos = now + consentInterval();
            }
        }
        if (s.tcpPath() == c) {
            s.tcpConsent(now); // RFC 7675 section 5.1: an authenticated response on the selected pair
        }
    }

    /**
     * Sends our check when one is due: the nomination (controlling, UDP has had its chance) or a consent check on
     * the selected connection. Needs the peer's password, which arrives with its SDP, maybe after its first check.
     */
    private void maybeSendCheck(IceTcpConnection c, long now) {
        if (c.phase != IceTcpConnection.Phase.BOUND
                || c.pendingValid && now - c.pendingSentNanos < TRANSACTION_TIMEOUT_NANOS) {
            return;
        }
        IceSession s = c.session;
        boolean selectedHere = s.tcpPath() == c;
        boolean nominate = false;
        if (s.role() == IceRole.CONTROLLING && !c.nominated && s.state() == IceSessionState.CHECKING) {
            long age = now - c.boundNanos;
            long delay = limits.nominationDelay().toNanos();
            // a UDP pair validated but not yet nominated gets four times as long
            nominate = age >= delay && (!s.hasValidatedUdpPair() || age >= 4 * delay);
        }
        boolean consentDue = selectedHere && now - c.nextConsentCheckNanos >= 0;
        if (!nominate && !consentDue) {
            return;
        }
        if (c.remoteSigner == null) {
            String[] credentials = s.remoteCredentials();
            if (credentials == null) {
                return;
            }
            c.remoteSigner = new StunMessageWriter(credentials[1]);
            c.remoteVerifier = StunMessageIntegrity.forPassword(credentials[1]);
            // RFC 8445 section 7.2.2: USERNAME is the receiver's ufrag, a colon, ours
            c.username = (credentials[0] + ':' + s.localUfrag()).getBytes(StandardCharsets.US_ASCII);
            if (StunMessageWriter.requestLength(c.username.length) > scratch.length) {
                close(c); // a ufrag of 256 chars fits; longer is not RFC 8839
                return;
            }
        }
        random.nextBytes(c.pendingTransaction);
        c.pendingValid = true;
        c.pendingNominates = nominate;
        c.pendingSentNanos = now;
        int n = c.remoteSigner.bindingRequest(scratch, 0, c.pendingTransaction, c.username, CHECK_PRIORITY,
                s.role() == IceRole.CONTROLLING, s.tieBreaker(), nominate);
        c.send(scratch, 0, n);
        if (consentDue) {
            c.nextConsentCheckNanos = now + consentInterval();
        }
    }

    /** RFC 7675 section 5.1: randomized between 0.8 and 1.2 times the interval. */
    private long consentInterval() {
        return (long) (consentIntervalNanos * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
    }

    private void tick(long now) {
        for (int i = connections.size() - 1; i >= 0; i--) {
            IceTcpConnection c = connections.get(i);
            if (c.phase == IceTcpConnection.Phase.UNAUTHENTICATED) {
                if (now - c.acceptedNanos >= limits.authTimeout().toNanos()) {
                    authTimedOut++;
                    close(c);
                }
                continue;
            }
            IceSession s = c.session;
            if (s.state().isEnded() || c.isBroken()) {
                close(c);
            } else if (s.tcpPath() != c && now - c.lastStunNanos >= idleTimeoutNanos) {
                close(c); // an unselected connection the peer stopped checking
            } else {
                maybeSendCheck(c, now);
            }
        }
    }

    private void close(IceTcpConnection c) {
        if (c.phase == IceTcpConnection.Phase.CLOSED) {
            return;
        }
        c.phase = IceTcpConnection.Phase.CLOSED;
        c.markBroken();
        c.key.cancel();
        closeQuietly(c.channel);
        connections.remove(c);
        openConnections = connections.size();
        perAddress.computeIfPresent(c.remote.getAddress(), (k, n) -> n <= 1 ? null : n - 1);
        if (c.session != null) {
            perSession.computeIfPresent(c.session, (k, n) -> n <= 1 ? null : n - 1);
            c.session.tcpClosed(c); // ends the session when this was its path (like lost consent)
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** Counters and open connections, for the debug endpoint. */
    public Map<String, Object> debugState() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("port", port);
        m.put("accepted", accepted);
        m.put("refused", refused);
        m.put("authenticated", authenticated);
        m.put("authFailed", authFailed);
        m.put("authTimedOut", authTimedOut);
        m.put("oversizedFrames", oversized);
        m.put("stunIgnored", stunIgnored);
        m.put("selected", selected);
        m.put("open", openConnections);
        return m;
    }

    /** Open connections (selector thread's view; for tests and debug). */
    public int connectionCount() {
        return openConnections;
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
