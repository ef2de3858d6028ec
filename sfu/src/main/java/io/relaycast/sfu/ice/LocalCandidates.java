package io.relaycast.sfu.ice;

import io.relaycast.sfu.sdp.IceCandidate;
import org.ice4j.TransportAddress;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.LocalCandidate;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Our candidates of one ice4j component as the SDP and trickle carry them. */
final class LocalCandidates {

    private LocalCandidates() {
    }

    /** RFC 8839 §5.1 lines for our candidates, highest priority first, without duplicates. */
    static List<String> lines(Component component) {
        Set<String> lines = new LinkedHashSet<>();
        Set<String> seen = new HashSet<>();
        for (LocalCandidate c : component.getLocalCandidates()) {
            TransportAddress a = c.getTransportAddress();
            String type = c.getType().toString();
            if (!seen.add(a.getHostAddress() + ' ' + a.getPort() + ' ' + type)) {
                continue; // one public-ip mapping per bound address would repeat the same srflx address
            }
            TransportAddress rel = c.getType() == CandidateType.HOST_CANDIDATE ? null : c.getRelatedAddress();
            lines.add(IceCandidate.of(c.getFoundation(), 1, "udp", c.getPriority(), a.getHostAddress(), a.getPort(),
                    type, rel == null ? null : rel.getHostAddress(), rel == null ? -1 : rel.getPort(), List.of())
                    .toCandidateString());
        }
        return List.copyOf(lines);
    }
}
