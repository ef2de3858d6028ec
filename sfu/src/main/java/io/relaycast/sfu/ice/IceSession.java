package io.relaycast.sfu.ice;

import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidatePair;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.NominationStrategy;
import org.ice4j.socket.IceSocketWrapper;
import org.ice4j.ice.Candidate;
import io.relaycast.sfu.forward.ForwardingThread;
import org.ice4j.util.Buffer;
import org.ice4j.util.BufferPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.beans.PropertyChangeEvent;
import java.beans.PropertyChangeListener;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One peer connection's ICE: a full ICE agent (RFC 8445) over the shared port, one component (BUNDLE and rtcp-mux),
 * trickled remote candidates (RFC 8838), consent freshness (RFC 7675), and the payload path.
 *
 * <p>Payload is pushed: the shared harvester's read thread hands every non-STUN datagram from a validated remote
 * address to the {@link DatagramHandler}; {@link #send} writes through the selected pair's socket. Neither allocates
 * per datagram.
 *
 * <p>Locking: {@code controlLock} serializes the signaling calls into ice4j; {@code stateLock} guards the state
 * and is never held while calling ice4j or the listener, so ice4j's threads, which call back with their own locks
 * held, cannot deadlock against signaling.
 */
public final class IceSession {
    private static final Logger LOG = LoggerFactory.getLogger(IceSession.class);

    /**
     * Child-to-parent events, each at most once. Called on ice4j's threads or the registry's timer, never under a
     * lock of ours: return quickly, and do not {@link #close()} from inside a callback (freeing an agent from one
     * of its own STUN threads cancels the task running it). {@link IceSessions} frees ended sessions itself.
     */
    public interface Listener {
        /** A pair is selected and payload may flow. */
        void onConnected(IceSession session, SelectedPair pair);

        /** {@link EndReason#CHECKS_FAILED} or {@link EndReason#CONNECT_TIMEOUT}. */
        void onFailed(IceSession session, EndReason reason);

        /** {@link EndReason#CONSENT_EXPIRED}; not called for {@link #close()}, whose caller already knows. */
        void onClosed(IceSession session, EndReason reason);
    }

    public enum EndReason {
        /** Every candidate pair failed (RFC 8445 §7.2.5.3.3 / §8.1.2). */
        CHECKS_FAILED,
        /** Not connected within {@link IceConfig#connectTimeout()}. */
        CONNECT_TIMEOUT,
        /** No consent response on the selected pair for {@link IceConfig#consentTimeout()} (RFC 7675 §5.1). */
        CONSENT_EXPIRED,
        /** {@link #close()}. */
        CLOSED_LOCALLY
    }

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

    private final Agent agent;
    private final IceMediaStream stream;
    private final Component component;
    private final IceRole role;
    private final Listener listener;
    private final List<String> localCandidates;
    private final long connectTimeoutNanos;
    private final long consentTimeoutNanos;
    private final int maxRemoteCandidates;
    private final long createdNanos = System.nanoTime();
    private final TrafficCounters traffic = new TrafficCounters();
    private final PropertyChangeListener stateListener = this::onAgentState;
    private final PropertyChangeListener pairListener = this::onPairChange;

    private final Object controlLock = new Object();
    private final Set<String> remoteCandidateKeys = new HashSet<>(); // guarded by controlLock
    private String remoteUfrag; // guarded by controlLock
    private String remotePassword; // guarded by controlLock
    private boolean endOfRemoteCandidates; // guarded by controlLock
    private boolean released; // guarded by controlLock

    private final Object stateLock = new Object();
    private volatile IceSessionState state = IceSessionState.NEW;
    private volatile EndReason endReason;
    private volatile SelectedPair selectedPair;

    private volatile DatagramHandler handler = DatagramHandler.DROP;
    private volatile Route route;
    /** Remote addresses of validated pairs: the only sources whose payload we pass on (copy-on-write). */
    private volatile InetSocketAddress[] validatedRemotes = NO_ADDRESSES;
    private volatile long lastConsentNanos;
    private volatile boolean handlerFailureLogged;
    /** The ICE-TCP connection selected instead of a UDP pair (RFC 6544), or {@code null}: see {@link IceTcpServer}. */
    private volatile IceTcpConnection tcpPath;
    private final byte[] localUfragBytes;
    private final SendSockets sendSockets;

    private IceSession(Agent agent, IceMediaStream stream, Component component, IceConfig config, IceRole role,
                       Listener listener, List<String> tcpCandidates, SendSockets sendSockets) {
        this.agent = agent;
        this.sendSockets = sendSockets;
        this.stream = stream;
        this.component = component;
        this.role = role;
        this.listener = listener;
        this.connectTimeoutNanos = config.connectTimeout().toNanos();
        this.consentTimeoutNanos = config.consentTimeout().toNanos();
        this.maxRemoteCandidates = config.maxRemoteCandidates();
        List<String> lines = new java.util.ArrayList<>(localCandidateLines(component));
        lines.addAll(tcpCandidates); // passive ICE-TCP candidates, below every UDP one (RFC 6544 section 4.2)
        this.localCandidates = List.copyOf(lines);
        this.localUfragBytes = agent.getLocalUfrag().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Creates the agent and gathers its candidates from the shared port (and the public-IP mapping), which is
     * instant: all our candidates are known on return, so the SDP can carry them with {@code a=end-of-candidates}
     * (RFC 8838 allows a trickle agent to send everything up front).
     *
     * @throws IOException when ice4j yields no local candidate (e.g. the harvesters are closed)
     */
    static IceSession create(IceHarvesters harvesters, IceConfig config, IceRole role, Listener listener)
            throws IOException {
        Objects.requireNonNull(listener, "listener");
        // new Agent(): random ufrag (>= 4 chars) and password (>= 22 chars) from SecureRandom, RFC 8445 §5.3
        Agent agent = new Agent();
        try {
            agent.setControlling(role == IceRole.CONTROLLING);
            // nominate the first pair that works (RFC 8445 §8.1.1 leaves the choice to the controlling agent):
            // media starts soonest, and relay pairs, checked last, are rarely first
            agent.setNominationStrategy(NominationStrategy.NOMINATE_FIRST_VALID);
            agent.setPerformConsentFreshness(true);
            harvesters.attachTo(agent);
            IceMediaStream stream = agent.createMediaStream("bundle");
            Component component = agent.createComponent(stream, KeepAliveStrategy.SELECTED_ONLY, false);
            if (component.getLocalCandidateCount() == 0) {
                throw new IOException("ice4j gathered no local candidate (are the harvesters closed?)");
            }
            IceSession session = new IceSession(agent, stream, component, config, role, listener,
                    harvesters.tcpCandidateLines(), harvesters.sendSockets());
            agent.addStateChangeListener(session.stateListener);
            stream.addPairChangeListener(session.pairListener);
            component.setBufferCallback(session::onBuffer);
            return session;
        } catch (IOException | RuntimeException e) {
            agent.free();
            throw e;
        }
    }

    /** RFC 8839 §5.1 lines for our candidates, highest priority first, without duplicates. */
    private static List<String> localCandidateLines(Component component) {
        Set<String> lines = new LinkedHashSet<>();
        Set<String> seen = new HashSet<>();
        for (LocalCandidate c : component.getLocalCandidates()) {
            TransportAddress a = c.getTransportAddress();
            String type = c.getType().toString();
            if (!seen.add(a.getHostAddress() + ' ' + a.getPort() + ' ' + type)) {
                continue; // one public-ip mapping per bound address would repeat the same srflx address
            }
            TransportAddress rel = c.getType() == CandidateType.HOST_CANDIDATE ? null : c.getRelatedAddress();
            lines.add(CandidateLine.of(c.getFoundation(), c.getPriority(), a.getHostAddress(), a.getPort(), type,
                    rel == null ? null : rel.getHostAddress(), rel == null ? -1 : rel.getPort()).format());
        }
        return List.copyOf(lines);
    }

    public String localUfrag() {
        return agent.getLocalUfrag();
    }

    public String localPassword() {
        return agent.getLocalPassword();
    }

    /** Our candidates as {@code candidate:...} attribute values (no {@code a=}), for the SDP or for trickling. */
    public List<String> localCandidates() {
        return localCandidates;
    }

    public IceRole role() {
        return role;
    }

    public IceSessionState state() {
        return state;
    }

    /** Why the session ended, or {@code null} while it has not. */
    public EndReason endReason() {
        return endReason;
    }

    /** The selected pair once CONNECTED, else {@code null}. */
    public SelectedPair selectedPair() {
        return selectedPair;
    }

    /** Where received payload goes; may be set after creation (the DTLS transport usually needs our send first). */
    public void setDatagramHandler(DatagramHandler handler) {
        this.handler = handler == null ? DatagramHandler.DROP : handler;
    }

    /**
     * The peer's {@code ice-ufrag} and {@code ice-pwd} from its SDP.
     *
     * @return false when they are not valid RFC 8839 §5.4 values, or differ from ones already set: that is an ICE
     * restart (RFC 8445 §9), which takes a new session
     */
    public boolean setRemoteCredentials(String ufrag, String password) {
        if (!isIceChars(ufrag, 4, 256) || !isIceChars(password, 22, 256)) {
            return false;
        }
        synchronized (controlLock) {
            if (remoteUfrag != null) {
                return remoteUfrag.equals(ufrag) && remotePassword.equals(password);
            }
            remoteUfrag = ufrag;
            remotePassword = password;
            stream.setRemoteUfrag(ufrag);
            stream.setRemotePassword(password);
            return true;
        }
    }

    /** The peer's ufrag once {@link #setRemoteCredentials} took it, else {@code null}. */
    public String remoteUfrag() {
        synchronized (controlLock) {
            return remoteUfrag;
        }
    }

    /**
     * Takes one remote candidate, from the SDP or trickled (RFC 8838), before or after {@link #start()}. An empty
     * line or {@code end-of-candidates} marks the end of the peer's candidates.
     *
     * <p>Accepted candidates are checked, counted against the limit and reported, but deliberately not handed to
     * ice4j: on the shared port ice4j can send a check to an address only after that address has sent us a check
     * with our ufrag (the harvester creates the per-address socket then). A pair built from a signaled candidate
     * therefore fails at once ("no socket"), and once every pair has failed ice4j fails the whole check list five
     * seconds later. The browser always checks our candidates, so the pair is learnt peer-reflexively from its
     * first check (RFC 8445 §7.3.1.3) and our triggered check answers it (§7.3.1.4), in either role.
     */
    public CandidateStatus addRemoteCandidate(String candidateLine) {
        if (candidateLine == null || candidateLine.isBlank() || isEndOfCandidates(candidateLine)) {
            endOfRemoteCandidates();
            return CandidateStatus.END_OF_CANDIDATES;
        }
        CandidateLine c = CandidateLine.parse(candidateLine);
        if (c == null) {
            return CandidateStatus.MALFORMED;
        }
        if (!"udp".equalsIgnoreCase(c.transport())) {
            return CandidateStatus.UNSUPPORTED_TRANSPORT;
        }
        if (c.componentId() != 1) {
            return CandidateStatus.UNSUPPORTED_COMPONENT;
        }
        CandidateType type = typeOf(c.type());
        if (type == null || c.port() == 0) {
            return CandidateStatus.MALFORMED;
        }
        InetAddress address = IpLiteral.parse(c.address());
        if (address == null) {
            return CandidateStatus.UNRESOLVED_ADDRESS;
        }
        String candidateUfrag = c.extension("ufrag");
        synchronized (controlLock) {
            if (released || state.isEnded()) {
                return CandidateStatus.SESSION_ENDED;
            }
            if (endOfRemoteCandidates) {
                return CandidateStatus.AFTER_END_OF_CANDIDATES;
            }
            if (candidateUfrag != null && remoteUfrag != null && !candidateUfrag.equals(remoteUfrag)) {
                return CandidateStatus.WRONG_UFRAG;
            }
            String key = address.getHostAddress() + ' ' + c.port() + ' ' + type;
            if (remoteCandidateKeys.contains(key)) {
                return CandidateStatus.DUPLICATE;
            }
            if (remoteCandidateKeys.size() >= maxRemoteCandidates) {
                return CandidateStatus.TOO_MANY_CANDIDATES;
            }
            remoteCandidateKeys.add(key);
            return CandidateStatus.ACCEPTED;
        }
    }

    /**
     * The peer has no more candidates (RFC 8838; {@code a=end-of-candidates}, RFC 8840). Later ones are
     * refused with {@link CandidateStatus#AFTER_END_OF_CANDIDATES}.
     */
    public void endOfRemoteCandidates() {
        synchronized (controlLock) {
            endOfRemoteCandidates = true;
        }
    }

    /**
     * Starts connectivity checks (RFC 8445 §6.1.4, §7.2). Remote candidates may come before, after, or never (see
     * {@link #addRemoteCandidate}): the session answers the peer's checks and completes through triggered checks.
     *
     * @return false without remote credentials, or when already started or ended
     */
    public boolean start() {
        synchronized (controlLock) {
            if (released || remoteUfrag == null) {
                return false;
            }
            synchronized (stateLock) {
                if (state != IceSessionState.NEW) {
                    return false;
                }
                state = IceSessionState.CHECKING;
            }
            agent.startConnectivityEstablishment();
            return true;
        }
    }

    /**
     * Sends one datagram on the selected pair (before selection, on the first validated pair, so an early DTLS
     * flight is not lost). The buffer is not kept.
     */
    public SendStatus send(byte[] buf, int off, int len) {
        if (state.isEnded()) {
            return SendStatus.NOT_CONNECTED;
        }
        IceTcpConnection tcp = tcpPath;
        if (tcp != null) {
            return sentTcp(tcp.send(buf, off, len), len);
        }
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

    /** ice4j's push callback, on the harvester's read thread: every non-STUN datagram mapped to our component. */
    private void onBuffer(Buffer b) {
        if (state.isEnded() || !isValidatedRemote(b.getRemoteAddress())) {
            // ice4j maps an address to us on any Binding request carrying our ufrag, authenticated or not;
            // payload is only trusted from addresses a check has validated (RFC 8445 §7.2.5.3.2)
            traffic.droppedIn();
        } else {
            int len = b.getLength();
            traffic.received(len);
            try {
                handler.onDatagram(b.getBuffer(), b.getOffset(), len);
            } catch (RuntimeException e) {
                if (!handlerFailureLogged) {
                    handlerFailureLogged = true;
                    LOG.warn("datagram handler of ICE session {} failed (logged once)", localUfrag(), e);
                }
            }
        }
        BufferPool.returnBuffer.invoke(b);
    }

    private boolean isValidatedRemote(SocketAddress from) {
        InetSocketAddress[] allowed = validatedRemotes;
        for (InetSocketAddress a : allowed) {
            if (a.equals(from)) {
                return true;
            }
        }
        return false;
    }

    private void onAgentState(PropertyChangeEvent ev) {
        Object s = ev.getNewValue();
        if (s == IceProcessingState.COMPLETED || s == IceProcessingState.TERMINATED) {
            CandidatePair pair = component.getSelectedPair();
            if (pair != null) {
                connected(pair);
            }
        } else if (s == IceProcessingState.FAILED && tcpPath == null) {
            end(IceSessionState.FAILED, EndReason.CHECKS_FAILED);
        }
    }

    private void onPairChange(PropertyChangeEvent ev) {
        if (!(ev.getSource() instanceof CandidatePair pair) || pair.getParentComponent() != component) {
            return;
        }
        String name = ev.getPropertyName();
        if (IceMediaStream.PROPERTY_PAIR_CONSENT_FRESHNESS_CHANGED.equals(name)) {
            // ice4j confirms consent on the selected pair only: an authenticated Binding response (RFC 7675 §5.1)
            if (pair == component.getSelectedPair()) {
                lastConsentNanos = System.nanoTime();
            }
        } else if (IceMediaStream.PROPERTY_PAIR_VALIDATED.equals(name)) {
            allowRemote(SelectedPair.plain(pair.getRemoteCandidate().getTransportAddress()));
            if (route == null) {
                route = routeFor(pair, sendSockets);
            }
        }
    }

    private void allowRemote(InetSocketAddress remote) {
        synchronized (stateLock) {
            InetSocketAddress[] old = validatedRemotes;
            for (InetSocketAddress a : old) {
                if (a.equals(remote)) {
                    return;
                }
            }
            InetSocketAddress[] grown = Arrays.copyOf(old, old.length + 1);
            grown[old.length] = remote;
            validatedRemotes = grown;
        }
    }

    private void connected(CandidatePair pair) {
        SelectedPair selected = SelectedPair.of(pair);
        Route r = routeFor(pair, sendSockets);
        allowRemote(selected.remote());
        synchronized (stateLock) {
            if (state.isEnded() || state == IceSessionState.CONNECTED) {
                return;
            }
            // the check that selected the pair is its first consent (RFC 7675 §5.1)
            lastConsentNanos = System.nanoTime();
            selectedPair = selected;
            if (r != null) {
                route = r;
            }
            state = IceSessionState.CONNECTED;
        }
        LOG.debug("ICE session {} connected: {}", localUfrag(), selected);
        try {
            listener.onConnected(this, selected);
        } catch (RuntimeException e) {
            LOG.warn("ICE listener failed on connected", e);
        }
    }

    /** Moves to a final state and tells the listener, once. */
    private void end(IceSessionState finalState, EndReason reason) {
        synchronized (stateLock) {
            if (state.isEnded()) {
                return;
            }
            state = finalState;
            endReason = reason;
        }
        LOG.info("ICE session {} {}: {}", localUfrag(), finalState, reason);
        try {
            if (finalState == IceSessionState.FAILED) {
                io.relaycast.sfu.api.SfuMetrics.add(io.relaycast.sfu.api.SfuMetrics.ICE_FAILURES, 1);
                listener.onFailed(this, reason);
            } else {
                listener.onClosed(this, reason);
            }
        } catch (RuntimeException e) {
            LOG.warn("ICE listener failed on {}", finalState, e);
        }
    }

    /**
     * Applies the connect and consent timeouts; {@link IceSessions} calls it periodically.
     *
     * @param nowNanos {@link System#nanoTime()}
     */
    void checkTimers(long nowNanos) {
        IceSessionState s = state;
        if ((s == IceSessionState.NEW || s == IceSessionState.CHECKING) && nowNanos - createdNanos >= connectTimeoutNanos) {
            end(IceSessionState.FAILED, EndReason.CONNECT_TIMEOUT);
        } else if (s == IceSessionState.CONNECTED && nowNanos - lastConsentNanos >= consentTimeoutNanos) {
            // RFC 7675 §5.1: consent expires 30 s after the last response; stop sending and let the SFU free us
            end(IceSessionState.CLOSED, EndReason.CONSENT_EXPIRED);
        }
    }

    /** Frees the agent and its mapping on the shared port. Idempotent; does not call the listener. */
    public void close() {
        synchronized (controlLock) {
            if (released) {
                return;
            }
            released = true;
            synchronized (stateLock) {
                if (!state.isEnded()) {
                    state = IceSessionState.CLOSED;
                    endReason = EndReason.CLOSED_LOCALLY;
                }
            }
            agent.removeStateChangeListener(stateListener);
            stream.removePairStateChangeListener(pairListener);
            agent.free();
        }
    }

    /** JSON-friendly debug state: state, selected pair, counters. */
    public Map<String, Object> debugState() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("localUfrag", localUfrag());
        m.put("role", role.name());
        m.put("state", state.name());
        EndReason why = endReason;
        m.put("endReason", why == null ? null : why.name());
        m.put("ice4jState", String.valueOf(agent.getState()));
        SelectedPair pair = selectedPair;
        m.put("selectedPair", pair == null ? null : pair.toString());
        m.put("localCandidates", localCandidates.size());
        synchronized (controlLock) {
            m.put("remoteCandidates", remoteCandidateKeys.size());
            m.put("endOfRemoteCandidates", endOfRemoteCandidates);
        }
        if (state == IceSessionState.CONNECTED) {
            m.put("msSinceConsent", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastConsentNanos));
        }
        IceTcpConnection tcp = tcpPath;
        if (tcp != null) {
            m.put("tcpPath", tcp.toString());
            m.put("tcpFramesDropped", tcp.framesDropped());
        }
        traffic.putInto(m);
        return m;
    }

    // ------------------------------------------------------------------ ICE-TCP (IceTcpServer's selector thread)

    private SendStatus sentTcp(SendStatus status, int len) {
        if (status == SendStatus.SENT) {
            traffic.sent(len);
        } else {
            traffic.sendError();
        }
        return status;
    }

    /** The selected ICE-TCP connection, or {@code null}. */
    IceTcpConnection tcpPath() {
        return tcpPath;
    }

    byte[] localUfragBytes() {
        return localUfragBytes;
    }

    /** ice4j's tie-breaker, for the ICE-CONTROLLING/-CONTROLLED attribute of our TCP checks (RFC 8445 7.1.3). */
    long tieBreaker() {
        return agent.getTieBreaker();
    }

    /** A UDP pair has been validated: the controlling side gives UDP longer before nominating TCP. */
    boolean hasValidatedUdpPair() {
        return validatedRemotes.length > 0;
    }

    /** The peer's ufrag and password, or {@code null} before its SDP set them. */
    String[] remoteCredentials() {
        synchronized (controlLock) {
            return remoteUfrag == null ? null : new String[] {remoteUfrag, remotePassword};
        }
    }

    /**
     * Selects an ICE-TCP connection as the session's path (nominated, RFC 8445 section 8.1.1): CHECKING becomes
     * CONNECTED and the listener hears it as for a UDP pair. False when the session already has a path or ended.
     */
    boolean selectTcp(IceTcpConnection c) {
        SelectedPair selected = new SelectedPair(c.local, "host/tcp", c.remote, "prflx/tcp");
        synchronized (stateLock) {
            if (state != IceSessionState.CHECKING) {
                return false;
            }
            tcpPath = c;
            lastConsentNanos = System.nanoTime();
            selectedPair = selected;
            state = IceSessionState.CONNECTED;
        }
        LOG.debug("ICE session {} connected over TCP: {}", localUfrag(), selected);
        try {
            listener.onConnected(this, selected);
        } catch (RuntimeException e) {
            LOG.warn("ICE listener failed on connected", e);
        }
        return true;
    }

    /** An authenticated consent response on the selected TCP connection (RFC 7675 section 5.1). */
    void tcpConsent(long nowNanos) {
        lastConsentNanos = nowNanos;
    }

    /** A payload frame from an authenticated ICE-TCP connection of this session. */
    void deliverTcp(byte[] buf, int off, int len) {
        if (state.isEnded()) {
            traffic.droppedIn();
            return;
        }
        traffic.received(len);
        try {
            handler.onDatagram(buf, off, len);
        } catch (RuntimeException e) {
            if (!handlerFailureLogged) {
                handlerFailureLogged = true;
                LOG.warn("datagram handler of ICE session {} failed (logged once)", localUfrag(), e);
            }
        }
    }

    /** A connection of this session closed: when it carried the session, that ends it like lost consent. */
    void tcpClosed(IceTcpConnection c) {
        if (tcpPath == c) {
            end(IceSessionState.CLOSED, EndReason.CONSENT_EXPIRED);
        }
    }

    private static boolean isEndOfCandidates(String line) {
        String s = line.strip();
        return s.equals("end-of-candidates") || s.equals("a=end-of-candidates");
    }

    private static CandidateType typeOf(String type) {
        return switch (type) {
            case "host" -> CandidateType.HOST_CANDIDATE;
            case "srflx" -> CandidateType.SERVER_REFLEXIVE_CANDIDATE;
            case "prflx" -> CandidateType.PEER_REFLEXIVE_CANDIDATE;
            case "relay" -> CandidateType.RELAYED_CANDIDATE;
            default -> null;
        };
    }

    /** RFC 8839 §5.4: ice-ufrag 4-256, ice-pwd 22-256 ice-chars (ALPHA / DIGIT / "+" / "/"). */
    private static boolean isIceChars(String s, int min, int max) {
        if (s == null || s.length() < min || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/')) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "IceSession[" + localUfrag() + ' ' + role + ' ' + state + ']';
    }
}
