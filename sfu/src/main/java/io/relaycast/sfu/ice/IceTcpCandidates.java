package io.relaycast.sfu.ice;

import io.relaycast.sfu.sdp.IceCandidate;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Our passive ICE-TCP candidates (RFC 6544) and their priorities. */
final class IceTcpCandidates {

    /** RFC 6544 section 4.2: below every UDP candidate of ours (ice4j: host 126, srflx 100). */
    static final int TYPE_PREF_HOST = 90;
    static final int TYPE_PREF_SRFLX = 80;
    /** RFC 6544 section 4.2, direction-pref of a passive candidate: 4 for host, 2 for server-reflexive. */
    static final int DIRECTION_PASSIVE_HOST = 4;
    static final int DIRECTION_PASSIVE_SRFLX = 2;
    /** PRIORITY of our checks: as a peer-reflexive candidate (RFC 8445 section 7.1.1, type preference 110). */
    static final long CHECK_PRIORITY = (110L << 24) | ((long) (DIRECTION_PASSIVE_HOST << 13) << 8) | 255;

    private IceTcpCandidates() {
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
    static List<String> lines(List<InetSocketAddress> addresses, int port, String publicIp) {
        // RFC 6544 section 4.5: we only accept connections
        List<IceCandidate.Extension> passive = List.of(new IceCandidate.Extension("tcptype", "passive"));
        List<String> lines = new ArrayList<>();
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
}
