package io.relaycast.sfu.ice;

import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidatePair;
import org.ice4j.ice.Component;
import org.ice4j.ice.IceMediaStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One peer connection's ICE: a full ICE agent (RFC 8445) over the shared port, one component (BUNDLE and rtcp-mux),
 * trickled remote candidates (RFC 8838), consent freshness (RFC 7675), and the payload path.
 *
 * <p>Payload is pushed: the shared harvester's read thread hands every non-STUN datagram from a validated remote
 * address to the {@link DatagramHandler}; {@link #send} writes through the selected pair's socket. Neither allocates
 * per datagram. What ice4j reports (agent state, pair changes, pushed payload) arrives through
 * {@link IceAgentEvents}.
 *
 * <p>Locking: {@code controlLock} serializes the signaling calls into ice4j; the session state
 * ({@link SessionState}) has its own monitor and is never held while calling ice4j or the listener, so ice4j's
 * threads, which call back with their own locks held, cannot deadlock against signaling.
 */
public final class IceSession {
    private static final Logger LOG = LoggerFactory.getLogger(IceSession.class);

    private final Agent agent;
    private final IceMediaStream stream;
    private final IceRole role;
    private final IceSessionListener listener;
    private final List<String> localCandidates;
    private final TrafficCounters traffic = new TrafficCounters();
    private final IceAgentEvents agentEvents;

    private final Object controlLock = new Object();
    private final RemotePeer remote; // guarded by controlLock
    private boolean released; // guarded by controlLock

    private final SessionState state;

    private volatile DatagramHandler handler = DatagramHandler.DROP;
    private final UdpRoute udp;
    private volatile boolean handlerFailureLogged;
    private final byte[] localUfragBytes;

    /** Registers for ice4j's events and payload ({@link IceAgentEvents}); once, right after construction. */
    void listen() {
        agentEvents.listen();
    }

    IceSession(Agent agent, IceMediaStream stream, Component component, IceConfig config, IceRole role,
                       IceSessionListener listener, List<String> tcpCandidates, SendSockets sendSockets) {
        this.agent = agent;
        this.udp = new UdpRoute(component, sendSockets, traffic);
        this.stream = stream;
        this.role = role;
        this.listener = listener;
        this.state = new SessionState(config);
        this.agentEvents = new IceAgentEvents(this, agent, stream, component, state, udp, traffic);
        this.remote = new RemotePeer(config.maxRemoteCandidates());
        List<String> lines = new java.util.ArrayList<>(LocalCandidates.lines(component));
        lines.addAll(tcpCandidates); // passive ICE-TCP candidates, below every UDP one (RFC 6544 section 4.2)
        this.localCandidates = List.copyOf(lines);
        this.localUfragBytes = agent.getLocalUfrag().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
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
        return state.get();
    }

    /** Why the session ended, or {@code null} while it has not. */
    public IceEndReason endReason() {
        return state.endReason();
    }

    /** The selected pair once CONNECTED, else {@code null}. */
    public SelectedPair selectedPair() {
        return state.selectedPair();
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
        if (!RemotePeer.validCredentials(ufrag, password)) {
            return false;
        }
        synchronized (controlLock) {
            if (remote.hasCredentials()) {
                return remote.setCredentials(ufrag, password);
            }
            remote.setCredentials(ufrag, password);
            stream.setRemoteUfrag(ufrag);
            stream.setRemotePassword(password);
            return true;
        }
    }

    /** The peer's ufrag once {@link #setRemoteCredentials} took it, else {@code null}. */
    public String remoteUfrag() {
        synchronized (controlLock) {
            return remote.ufrag();
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
        if (RemotePeer.isEndOfCandidates(candidateLine)) {
            endOfRemoteCandidates();
            return CandidateStatus.END_OF_CANDIDATES;
        }
        synchronized (controlLock) {
            return remote.add(candidateLine, released || state.get().isEnded());
        }
    }

    /**
     * The peer has no more candidates (RFC 8838; {@code a=end-of-candidates}, RFC 8840). Later ones are
     * refused with {@link CandidateStatus#AFTER_END_OF_CANDIDATES}.
     */
    public void endOfRemoteCandidates() {
        synchronized (controlLock) {
            remote.endOfCandidates();
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
            if (released || !remote.hasCredentials()) {
                return false;
            }
            if (!state.toChecking()) {
                return false;
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
        if (state.get().isEnded()) {
            return SendStatus.NOT_CONNECTED;
        }
        IceTcpConnection tcp = state.tcpPath();
        if (tcp != null) {
            return sentTcp(tcp.send(buf, off, len), len);
        }
        return udp.send(buf, off, len);
    }

    /** Payload from a validated path to the handler; a failing handler is logged once, never per packet. */
    void deliver(byte[] buf, int off, int len) {
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

    /**
     * CHECKING (or NEW, for UDP) becomes CONNECTED on {@code selected}, a UDP pair or an ICE-TCP connection, and the
     * listener hears it; the check that selected it is its first consent (RFC 7675 section 5.1).
     */
    boolean select(SelectedPair selected, CandidatePair udpPair, IceTcpConnection tcp) {
        if (!state.select(selected, tcp, udpPair == null ? null : () -> udp.select(udpPair))) {
            return false;
        }
        LOG.debug("ICE session {} connected: {}", localUfrag(), selected);
        try {
            listener.onConnected(this, selected);
        } catch (RuntimeException e) {
            LOG.warn("ICE listener failed on connected", e);
        }
        return true;
    }

    /** Moves to a final state and tells the listener, once. */
    void end(IceSessionState finalState, IceEndReason reason) {
        if (!state.end(finalState, reason)) {
            return;
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
        IceEndReason overdue = state.overdue(nowNanos);
        if (overdue == IceEndReason.CONNECT_TIMEOUT) {
            end(IceSessionState.FAILED, overdue);
        } else if (overdue == IceEndReason.CONSENT_EXPIRED) {
            // RFC 7675 §5.1: consent expires 30 s after the last response; stop sending and let the SFU free us
            end(IceSessionState.CLOSED, overdue);
        }
    }

    /** Frees the agent and its mapping on the shared port. Idempotent; does not call the listener. */
    public void close() {
        synchronized (controlLock) {
            if (released) {
                return;
            }
            released = true;
            state.end(IceSessionState.CLOSED, IceEndReason.CLOSED_LOCALLY);
            agentEvents.stopListening();
            agent.free();
        }
    }

    /** JSON-friendly debug state: state, selected pair, counters. */
    public Map<String, Object> debugState() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("localUfrag", localUfrag());
        m.put("role", role.name());
        state.putInto(m);
        m.put("ice4jState", String.valueOf(agent.getState()));
        m.put("localCandidates", localCandidates.size());
        synchronized (controlLock) {
            remote.putInto(m);
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
        return state.tcpPath();
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
        return udp.hasValidatedPair();
    }

    /** The peer's ufrag and password, or {@code null} before its SDP set them. */
    String[] remoteCredentials() {
        synchronized (controlLock) {
            return remote.credentials();
        }
    }

    /**
     * Selects an ICE-TCP connection as the session's path (nominated, RFC 8445 section 8.1.1): CHECKING becomes
     * CONNECTED and the listener hears it as for a UDP pair. False when the session already has a path or ended.
     */
    boolean selectTcp(IceTcpConnection c) {
        return select(new SelectedPair(c.local, "host/tcp", c.remote, "prflx/tcp"), null, c);
    }

    /** An authenticated consent response on the selected TCP connection (RFC 7675 section 5.1). */
    void tcpConsent(long nowNanos) {
        state.consent(nowNanos);
    }

    /** A payload frame from an authenticated ICE-TCP connection of this session. */
    void deliverTcp(byte[] buf, int off, int len) {
        if (state.get().isEnded()) {
            traffic.droppedIn();
            return;
        }
        deliver(buf, off, len);
    }

    /** A connection of this session closed: when it carried the session, that ends it like lost consent. */
    void tcpClosed(IceTcpConnection c) {
        if (state.tcpPath() == c) {
            end(IceSessionState.CLOSED, IceEndReason.CONSENT_EXPIRED);
        }
    }

    @Override
    public String toString() {
        return "IceSession[" + localUfrag() + ' ' + role + ' ' + state.get() + ']';
    }
}
