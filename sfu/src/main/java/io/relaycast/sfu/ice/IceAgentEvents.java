package io.relaycast.sfu.ice;

import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidatePair;
import org.ice4j.ice.Component;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.util.Buffer;
import org.ice4j.util.BufferPool;

import java.beans.PropertyChangeEvent;
import java.beans.PropertyChangeListener;

/**
 * What a session's ice4j agent tells it, on ice4j's threads: the agent's processing state (a selected pair makes the
 * session CONNECTED; failed checks end it unless ICE-TCP carries it), pair changes (a validated pair opens the
 * {@link UdpRoute}; consent freshness on the selected pair, RFC 7675 section 5.1) and the payload the shared
 * harvester's read thread pushes (passed on only from validated addresses, RFC 8445 section 7.2.5.3.2).
 *
 * <p>ice4j calls back with its own locks held: nothing here takes the session's {@code controlLock}. The payload
 * callback allocates nothing and logs nothing per datagram.
 */
final class IceAgentEvents {
    private final IceSession session;
    private final Agent agent;
    private final IceMediaStream stream;
    private final Component component;
    private final SessionState state;
    private final UdpRoute udp;
    private final TrafficCounters traffic;
    private final PropertyChangeListener stateListener = this::onAgentState;
    private final PropertyChangeListener pairListener = this::onPairChange;

    IceAgentEvents(IceSession session, Agent agent, IceMediaStream stream, Component component, SessionState state,
                   UdpRoute udp, TrafficCounters traffic) {
        this.session = session;
        this.agent = agent;
        this.stream = stream;
        this.component = component;
        this.state = state;
        this.udp = udp;
        this.traffic = traffic;
    }

    /** Registers for ice4j's events and payload; once, right after the session is built. */
    void listen() {
        agent.addStateChangeListener(stateListener);
        stream.addPairChangeListener(pairListener);
        component.setBufferCallback(this::onBuffer);
    }

    /** Stops the agent's events, before it is freed. */
    void stopListening() {
        agent.removeStateChangeListener(stateListener);
        stream.removePairStateChangeListener(pairListener);
    }

    /** ice4j's push callback, on the harvester's read thread: every non-STUN datagram mapped to our component. */
    private void onBuffer(Buffer b) {
        if (state.get().isEnded() || !udp.isValidated(b.getRemoteAddress())) {
            // ice4j maps an address to us on any Binding request carrying our ufrag, authenticated or not;
            // payload is only trusted from addresses a check has validated (RFC 8445 §7.2.5.3.2)
            traffic.droppedIn();
        } else {
            session.deliver(b.getBuffer(), b.getOffset(), b.getLength());
        }
        BufferPool.returnBuffer.invoke(b);
    }

    private void onAgentState(PropertyChangeEvent ev) {
        Object s = ev.getNewValue();
        if (s == IceProcessingState.COMPLETED || s == IceProcessingState.TERMINATED) {
            CandidatePair pair = component.getSelectedPair();
            if (pair != null) {
                connected(pair);
            }
        } else if (s == IceProcessingState.FAILED && state.tcpPath() == null) {
            session.end(IceSessionState.FAILED, IceEndReason.CHECKS_FAILED);
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
                state.consent(System.nanoTime());
            }
        } else if (IceMediaStream.PROPERTY_PAIR_VALIDATED.equals(name)) {
            udp.onValidated(pair);
        }
    }

    private void connected(CandidatePair pair) {
        SelectedPair selected = SelectedPair.of(pair);
        udp.allow(selected.remote());
        session.select(selected, pair, null);
    }
}
