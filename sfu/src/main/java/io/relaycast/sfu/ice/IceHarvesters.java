package io.relaycast.sfu.ice;

import io.relaycast.sfu.config.MediaConfig;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.harvest.HostCandidateHarvester;
import org.ice4j.ice.harvest.SinglePortUdpHarvester;
import org.ice4j.ice.harvest.StaticMappingCandidateHarvester;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.Map;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one UDP port every session shares (one instance per process): an ice4j {@link SinglePortUdpHarvester} per
 * local address, all on the same port, plus a static NAT mapping when {@code public-ip} is set.
 *
 * <p>A single port works because ice4j demultiplexes by the remote address: the first datagram from a new address
 * must be a STUN Binding request whose USERNAME starts with a session's local ufrag (RFC 8445 §7.2.2), which ties
 * the address to that session; anything else from an unknown address is dropped on the read thread.
 */
public final class IceHarvesters implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IceHarvesters.class);

    private final List<SinglePortUdpHarvester> harvesters;
    private final List<StaticMappingCandidateHarvester> mappings;
    private final int port;
    private final IceConfig config;
    private final IceTcpServer tcp; // null when ICE-TCP is off
    private final List<String> tcpCandidateLines;
    private final SendSockets sendSockets;
    private final int receiveBuffer;
    private final UdpKernelDrops kernelDrops;

    /**
     * Binds the shared port.
     *
     * @throws IOException when no address could be bound (port taken, no usable interface)
     */
    public IceHarvesters(MediaConfig media, IceConfig ice) throws IOException {
        this(media, ice, 0);
    }

    /**
     * Binds the shared port, with {@code sendWorkers} send-only sockets of their own on it for the forwarding
     * workers ({@link SendSockets}; 0: none, every send goes through ice4j).
     *
     * @throws IOException when no address could be bound (port taken, no usable interface)
     */
    public IceHarvesters(MediaConfig media, IceConfig ice, int sendWorkers) throws IOException {
        Ice4jRuntime.configure(ice, media.socketBuffers().receiveBytes());
        this.config = ice;
        List<InetAddress> addresses = ice.bindAddresses().isEmpty()
                ? HostCandidateHarvester.getAllAllowedAddresses()
                : ice.bindAddresses();
        if (addresses.isEmpty()) {
            throw new IOException("no address to bind the media port to: ice4j found no allowed interface "
                    + "(set relaycast.media.ice.bind-addresses)");
        }
        List<SinglePortUdpHarvester> bound = new ArrayList<>();
        List<DatagramChannel[]> sendChannels = new ArrayList<>();
        int p = media.udpPort();
        IOException firstFailure = null;
        for (InetAddress address : addresses) {
            DatagramChannel[] own = null;
            try {
                if (p != 0) {
                    ensureNobodyElseHas(address, p);
                }
                if (sendWorkers > 0) {
                    // before ice4j: the socket bound last receives, and that must stay ice4j's (see SendSockets)
                    own = SendSockets.bindOne(address, p, sendWorkers);
                    p = ((InetSocketAddress) own[0].getLocalAddress()).getPort();
                }
                SinglePortUdpHarvester h = new SinglePortUdpHarvester(new TransportAddress(address, p, Transport.UDP));
                bound.add(h);
                if (own != null) {
                    sendChannels.add(own);
                }
                // with port 0 the first bind picks the port; the others must share it, since the SDP of a session
                // advertises every address with one port
                p = h.getLocalAddress().getPort();
            } catch (IOException e) {
                if (own != null) {
                    SendSockets.release(own);
                }
                LOG.warn("cannot bind media port {} on {}: {}", p, address.getHostAddress(), e.toString());
                if (firstFailure == null) {
                    firstFailure = e;
                }
            }
        }
        if (bound.isEmpty()) {
            throw new IOException("cannot bind media port " + media.udpPort() + " on " + addresses, firstFailure);
        }
        this.sendSockets = sendChannels.isEmpty() ? SendSockets.none() : SendSockets.of(sendChannels, sendWorkers);
        this.harvesters = List.copyOf(bound);
        this.port = p;
        this.mappings = staticMappings(media.publicIp(), bound, p);
        if (ice.tcpEnabled()) {
            List<InetAddress> boundAddresses = new ArrayList<>();
            for (SinglePortUdpHarvester h : bound) {
                boundAddresses.add(h.getLocalAddress().getAddress());
            }
            try {
                // RFC 6544: the same addresses as the UDP port, one listening port shared by every session
                this.tcp = new IceTcpServer(boundAddresses, ice.tcpPort(), ice.tcpLimits(), media.socketBuffers());
            } catch (IOException e) {
                for (SinglePortUdpHarvester h : bound) {
                    h.close();
                }
                throw e;
            }
            this.tcpCandidateLines = tcp.candidateLines(media.publicIp());
        } else {
            this.tcp = null;
            this.tcpCandidateLines = List.of();
        }
        this.receiveBuffer = SocketBufferProbe.effectiveReceiveBuffer(media.socketBuffers().receiveBytes());
        this.kernelDrops = UdpKernelDrops.forPort(port);
        LOG.info("ICE listening on UDP port {} at {}{}", port, boundAddresses(),
                mappings.isEmpty() ? "" : ", advertising " + media.publicIp());
        SocketBufferProbe.logOnce(media.socketBuffers().receiveBytes(), receiveBuffer);
    }

    /**
     * ice4j binds its socket pool with SO_REUSEADDR, and on Linux two UDP sockets that both set it may share a
     * port: a second server on the same port would start "fine" and take the first one's traffic. A probe bound
     * without SO_REUSEADDR fails if anyone holds the port, so the clash is reported here instead.
     */
    private static void ensureNobodyElseHas(InetAddress address, int port) throws IOException {
        try (DatagramSocket probe = new DatagramSocket(null)) {
            probe.setReuseAddress(false);
            probe.bind(new InetSocketAddress(address, port));
        } catch (SocketException e) {
            throw new BindException("UDP port " + port + " on " + address.getHostAddress() + " is in use: " + e.getMessage());
        }
    }

    /**
     * A server-reflexive candidate with the public IP and the same port for each bound address of the same family
     * (RFC 8445 §5.1.1.2: the NAT's public side of a 1:1 mapping).
     */
    private static List<StaticMappingCandidateHarvester> staticMappings(String publicIp,
                                                                        List<SinglePortUdpHarvester> bound,
                                                                        int port) throws IOException {
        if (publicIp == null || publicIp.isEmpty()) {
            return List.of();
        }
        InetAddress pub = InetAddress.getByName(publicIp); // a literal, validated by MediaConfig: no DNS
        TransportAddress mask = new TransportAddress(pub, port, Transport.UDP);
        List<StaticMappingCandidateHarvester> out = new ArrayList<>();
        for (SinglePortUdpHarvester h : bound) {
            TransportAddress face = h.getLocalAddress();
            boolean sameFamily = (face.getAddress() instanceof Inet4Address) == (pub instanceof Inet4Address);
            if (sameFamily && !face.getAddress().equals(pub)) {
                out.add(new StaticMappingCandidateHarvester(mask, face, "relaycast-public-ip", false));
            }
        }
        return List.copyOf(out);
    }

    /** The shared port's SO_RCVBUF as the kernel granted it (the request capped at net.core.rmem_max), or -1. */
    public int receiveBufferBytes() {
        return receiveBuffer;
    }

    /** Datagrams the kernel dropped on the shared port (receive buffer full); -1 where /proc cannot tell. */
    public long kernelDrops() {
        return kernelDrops.drops();
    }

    /** The bound UDP port (the real one when the configured port was 0). */
    public int port() {
        return port;
    }

    /** The addresses the port is bound on, as advertised in host candidates. */
    public List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> out = new ArrayList<>(harvesters.size());
        for (SinglePortUdpHarvester h : harvesters) {
            out.add(new InetSocketAddress(h.getLocalAddress().getAddress(), h.getLocalAddress().getPort()));
        }
        return out;
    }

    IceConfig config() {
        return config;
    }

    /** The ICE-TCP listener, or {@code null} when {@code tcp-port} is 0. */
    public IceTcpServer tcp() {
        return tcp;
    }

    /** The passive ICE-TCP candidates every session advertises (empty when off). */
    List<String> tcpCandidateLines() {
        return tcpCandidateLines;
    }

    /** Makes the agent gather its candidates from the shared port only (no per-session sockets). */
    void attachTo(Agent agent) {
        agent.setUseDynamicPorts(false);
        for (SinglePortUdpHarvester h : harvesters) {
            agent.addCandidateHarvester(h);
        }
        for (StaticMappingCandidateHarvester m : mappings) {
            agent.addCandidateHarvester(m);
        }
    }

    /** The forwarding workers' own send sockets on the port. */
    SendSockets sendSockets() {
        return sendSockets;
    }

    /** Counters of the workers' send sockets. */
    public Map<String, Object> sendSocketsState() {
        return sendSockets.debugState();
    }

    /** Closes the port; sessions still open stop receiving. */
    @Override
    public void close() {
        sendSockets.close();
        for (SinglePortUdpHarvester h : harvesters) {
            h.close();
        }
        if (tcp != null) {
            tcp.close();
        }
    }
}
