package io.relaycast.sfu.ice;

import org.ice4j.ice.Agent;
import org.ice4j.ice.Component;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.NominationStrategy;

import java.io.IOException;
import java.util.Objects;

/** Makes the ice4j agent of a new {@link IceSession}: one stream, one component (BUNDLE and rtcp-mux). */
final class IceAgents {

    private IceAgents() {
    }

    /**
     * Creates the agent and gathers its candidates from the shared port (and the public-IP mapping), which is
     * instant: all our candidates are known on return, so the SDP can carry them with {@code a=end-of-candidates}
     * (RFC 8838 allows a trickle agent to send everything up front).
     *
     * @throws IOException when ice4j yields no local candidate (e.g. the harvesters are closed)
     */
    static IceSession newSession(IceHarvesters harvesters, IceConfig config, IceRole role, IceSessionListener listener)
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
            session.listen();
            return session;
        } catch (IOException | RuntimeException e) {
            agent.free();
            throw e;
        }
    }
}
