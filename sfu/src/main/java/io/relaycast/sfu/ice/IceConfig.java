package io.relaycast.sfu.ice;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code relaycast.media.ice}: the ICE knobs next to {@link io.relaycast.sfu.config.MediaConfig}'s port and public IP.
 *
 * @param bindAddresses         addresses the shared port binds to and advertises as host candidates. Empty: every
 *                              address ice4j allows (up, non-loopback interfaces, filtered by the
 *                              {@code ice4j.harvest.allowed-/blocked-addresses/interfaces} keys). ice4j never offers
 *                              loopback on its own, so a dev box or a test that talks to a browser on 127.0.0.1 lists
 *                              it here.
 * @param consentCheckInterval  how often a consent check goes out on the selected pair (RFC 7675 §5.1: 5 s on
 *                              average, randomized; ice4j's own default is 15 s).
 * @param consentTimeout        how long the selected pair may go without a consent response before the session is
 *                              CLOSED (RFC 7675 §5.1: 30 s).
 * @param connectTimeout        how long a session may stay NEW or CHECKING before it is FAILED, so a peer that never
 *                              answers does not hold a session forever.
 * @param maxRemoteCandidates   remote candidates accepted per session; further ones are refused. Bounds the check list
 *                              a peer can make us work through (RFC 8445 §6.1.2.5 asks for a limit too).
 * @param tcpPort               ICE-TCP (RFC 6544): the TCP port every session also advertises as a passive candidate,
 *                              on the same bind addresses, as a second path for peers that cannot use UDP. 0: off.
 */
public record IceConfig(List<InetAddress> bindAddresses,
                        Duration consentCheckInterval,
                        Duration consentTimeout,
                        Duration connectTimeout,
                        int maxRemoteCandidates,
                        int tcpPort,
                        IceTcpLimits tcpLimits) {

    public IceConfig {
        bindAddresses = List.copyOf(bindAddresses);
        if (consentCheckInterval.isNegative() || consentCheckInterval.isZero()) {
            throw new IllegalArgumentException("consent-check-interval must be positive");
        }
        // ice4j randomizes the interval up to 1.2x (RFC 7675 §5.1); at least two checks must fit in the timeout,
        // or one lost response would end a healthy session.
        if (consentCheckInterval.multipliedBy(12).dividedBy(10).multipliedBy(2).compareTo(consentTimeout) > 0) {
            throw new IllegalArgumentException("consent-timeout (" + consentTimeout
                    + ") must be at least 2.4x consent-check-interval (" + consentCheckInterval + ")");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect-timeout must be positive");
        }
        if (maxRemoteCandidates < 1) {
            throw new IllegalArgumentException("max-remote-candidates must be at least 1");
        }
        if (tcpPort < 0 || tcpPort > 65535) {
            throw new IllegalArgumentException("tcp-port must be 0 (off) or a port 1-65535, was " + tcpPort);
        }
    }

    /** ICE-TCP with the default limits. */
    public IceConfig(List<InetAddress> bindAddresses, Duration consentCheckInterval, Duration consentTimeout,
                     Duration connectTimeout, int maxRemoteCandidates, int tcpPort) {
        this(bindAddresses, consentCheckInterval, consentTimeout, connectTimeout, maxRemoteCandidates, tcpPort,
                IceTcpLimits.defaults());
    }

    /** Without ICE-TCP. */
    public IceConfig(List<InetAddress> bindAddresses, Duration consentCheckInterval, Duration consentTimeout,
                     Duration connectTimeout, int maxRemoteCandidates) {
        this(bindAddresses, consentCheckInterval, consentTimeout, connectTimeout, maxRemoteCandidates, 0);
    }

    /** ICE-TCP on {@code port} (0: off). */
    public IceConfig withTcpPort(int port) {
        return new IceConfig(bindAddresses, consentCheckInterval, consentTimeout, connectTimeout, maxRemoteCandidates,
                port, tcpLimits);
    }

    public boolean tcpEnabled() {
        return tcpPort != 0;
    }

    /** RFC 7675's numbers, 30 s to connect, 32 remote candidates, ice4j's choice of addresses, no ICE-TCP. */
    public static IceConfig defaults() {
        return new IceConfig(List.of(), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30), 32);
    }

    public IceConfig withBindAddresses(List<InetAddress> addresses) {
        return new IceConfig(addresses, consentCheckInterval, consentTimeout, connectTimeout, maxRemoteCandidates,
                tcpPort, tcpLimits);
    }

    /**
     * Reads the optional {@code ice} block of {@code relaycast.media}; absent keys keep {@link #defaults()}.
     * Keys: {@code bind-addresses} (list of IP literals), {@code consent-check-interval}, {@code consent-timeout},
     * {@code connect-timeout} (durations), {@code max-remote-candidates}, {@code tcp-port} (0 or absent: off).
     */
    public static IceConfig from(Config media) {
        IceConfig d = defaults();
        if (!media.hasPath("ice")) {
            return d;
        }
        Config c = media.getConfig("ice");
        List<InetAddress> bind = new ArrayList<>();
        if (c.hasPath("bind-addresses")) {
            for (String s : c.getStringList("bind-addresses")) {
                bind.add(literal(c, s.trim()));
            }
        }
        try {
            return new IceConfig(bind,
                    c.hasPath("consent-check-interval") ? c.getDuration("consent-check-interval") : d.consentCheckInterval,
                    c.hasPath("consent-timeout") ? c.getDuration("consent-timeout") : d.consentTimeout,
                    c.hasPath("connect-timeout") ? c.getDuration("connect-timeout") : d.connectTimeout,
                    c.hasPath("max-remote-candidates") ? c.getInt("max-remote-candidates") : d.maxRemoteCandidates,
                    c.hasPath("tcp-port") ? c.getInt("tcp-port") : d.tcpPort,
                    c.hasPath("tcp-limits") ? IceTcpLimits.from(c.getConfig("tcp-limits")) : d.tcpLimits);
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(c.origin(), "ice", e.getMessage());
        }
    }

    private static InetAddress literal(Config c, String s) {
        // literals only: resolving a name here would make start-up depend on DNS
        InetAddress a = IpLiteral.parse(s);
        if (a == null) {
            throw new ConfigException.BadValue(c.origin(), "bind-addresses", "must be IP addresses, was '" + s + "'");
        }
        return a;
    }
}
