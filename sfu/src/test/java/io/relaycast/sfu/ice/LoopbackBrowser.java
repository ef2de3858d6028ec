package io.relaycast.sfu.ice;

import io.relaycast.sfu.sdp.IceCandidate;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.HostCandidate;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.NominationStrategy;
import org.ice4j.ice.RemoteCandidate;
import org.ice4j.ice.harvest.CandidateHarvester;
import org.ice4j.ice.harvest.HarvestStatistics;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.socket.MultiplexingDatagramSocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A browser stand-in: a plain ice4j full agent with a socket of its own on 127.0.0.1, reading payload the classic
 * way (ice4j's component socket and a thread), as unlike our push-API sessions as a browser is.
 *
 * <p>It must have its own socket: like a browser, it sends the first check. Two sessions on ice4j's single-port
 * harvester cannot reach each other, since that harvester only opens a path to an address that checked it first.
 */
public final class LoopbackBrowser implements AutoCloseable {
    public final CompletableFuture<IceProcessingState> connected = new CompletableFuture<>();
    final LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();

    private final Agent agent = new Agent();
    private final IceMediaStream stream;
    private final Component component;
    private final HostCandidate host;
    private final Thread reader;
    private volatile boolean closed;

    public LoopbackBrowser(IceRole role) throws IOException {
        agent.setControlling(role == IceRole.CONTROLLING);
        agent.setNominationStrategy(NominationStrategy.NOMINATE_FIRST_VALID);
        agent.setPerformConsentFreshness(true);
        agent.setUseDynamicPorts(false);
        LoopbackHostHarvester harvester = new LoopbackHostHarvester();
        agent.addCandidateHarvester(harvester);
        agent.addStateChangeListener(ev -> {
            Object s = ev.getNewValue();
            if (s == IceProcessingState.COMPLETED || s == IceProcessingState.TERMINATED) {
                connected.complete((IceProcessingState) s);
            } else if (s == IceProcessingState.FAILED) {
                connected.completeExceptionally(new IOException("browser stand-in: ICE failed"));
            }
        });
        stream = agent.createMediaStream("bundle");
        component = agent.createComponent(stream, KeepAliveStrategy.SELECTED_ONLY, true);
        host = harvester.candidate;
        reader = new Thread(this::read, "loopback-browser-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public String ufrag() {
        return agent.getLocalUfrag();
    }

    public String password() {
        return agent.getLocalPassword();
    }

    int port() {
        return host.getTransportAddress().getPort();
    }

    public String candidateLine() {
        TransportAddress a = host.getTransportAddress();
        return IceCandidate.of(host.getFoundation(), 1, "udp", host.getPriority(), a.getHostAddress(), a.getPort(),
                "host").toCandidateString();
    }

    public void setRemoteCredentials(String ufrag, String password) {
        stream.setRemoteUfrag(ufrag);
        stream.setRemotePassword(password);
    }

    /** Adds one of our session's candidate lines, before start or trickled into the running check list. */
    public void addRemoteCandidate(String line) {
        IceCandidate c = IceCandidate.parseLine(line);
        RemoteCandidate rc = new RemoteCandidate(new TransportAddress(c.address(), c.port(), Transport.UDP),
                component, CandidateType.HOST_CANDIDATE, c.foundation(), c.priority(), null);
        if (agent.getState() == IceProcessingState.WAITING) {
            component.addRemoteCandidate(rc);
        } else {
            component.addUpdateRemoteCandidates(rc);
            component.updateRemoteCandidates();
        }
    }

    public void start() {
        agent.startConnectivityEstablishment();
    }

    IceProcessingState state() {
        return agent.getState();
    }

    public void send(byte[] data) throws IOException {
        component.send(data, 0, data.length);
    }

    public byte[] next(long timeoutMs) throws InterruptedException {
        return received.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    private void read() {
        byte[] buf = new byte[1500];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                p.setData(buf, 0, buf.length);
                component.getSocket().receive(p);
                byte[] copy = new byte[p.getLength()];
                System.arraycopy(buf, p.getOffset(), copy, 0, p.getLength());
                received.add(copy);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Vanishes: frees the agent and closes its socket, so nothing answers any more. */
    @Override
    public void close() {
        closed = true;
        agent.free();
    }

    /** ice4j's own host harvester skips loopback; this one binds 127.0.0.1 on purpose. */
    private static final class LoopbackHostHarvester implements CandidateHarvester {
        private final HarvestStatistics statistics = new HarvestStatistics();
        HostCandidate candidate;

        @Override
        public Collection<LocalCandidate> harvest(Component component) {
            try {
                IceUdpSocketWrapper socket = new IceUdpSocketWrapper(
                        new MultiplexingDatagramSocket(0, IceTestSupport.LOOPBACK));
                HostCandidate c = new HostCandidate(socket, component, Transport.UDP);
                component.addLocalCandidate(c);
                c.getStunStack().addSocket(c.getStunSocket(null));
                component.getComponentSocket().add(socket);
                candidate = c;
                return List.of(c);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public HarvestStatistics getHarvestStatistics() {
            return statistics;
        }

        @Override
        public boolean isHostHarvester() {
            return true;
        }
    }
}
