package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.StreamSsrcs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the SSRC-level signalling of one m-section (RFC 5576): which SSRCs carry media, which carry their RTX
 * (FID groups, RFC 4588 section 8.3), their layer order (SIM group, when present) and the CNAME and msid.
 */
final class SsrcReader {

    private SsrcReader() {
    }

    static List<StreamSsrcs> streams(MediaDescription section) throws SdpException {
        Set<Long> all = new LinkedHashSet<>();
        for (SsrcAttribute attribute : section.ssrcAttributes()) {
            all.add(attribute.ssrc());
        }
        Map<Long, Long> rtxOf = new HashMap<>();
        Set<Long> repairSsrcs = new HashSet<>();
        List<Long> simulcastOrder = List.of();
        for (SsrcGroup group : section.ssrcGroups()) {
            if (group.semantics().equals(SsrcGroup.FID) && group.ssrcs().size() == 2) {
                rtxOf.putIfAbsent(group.ssrcs().get(0), group.ssrcs().get(1));
                repairSsrcs.add(group.ssrcs().get(1));
            } else if (group.semantics().equals(SsrcGroup.SIM) && simulcastOrder.isEmpty()) {
                simulcastOrder = group.ssrcs();
            }
        }
        // A group may name an SSRC that has no a=ssrc line of its own; it still identifies a stream.
        for (long ssrc : simulcastOrder) {
            all.add(ssrc);
        }
        for (Map.Entry<Long, Long> pair : rtxOf.entrySet()) {
            all.add(pair.getKey());
        }
        List<Long> mediaOrder = new ArrayList<>();
        if (!simulcastOrder.isEmpty()) {
            mediaOrder.addAll(new LinkedHashSet<>(simulcastOrder));
        } else {
            for (long ssrc : all) {
                if (!repairSsrcs.contains(ssrc)) {
                    mediaOrder.add(ssrc);
                }
            }
        }
        List<StreamSsrcs> streams = new ArrayList<>();
        for (long ssrc : mediaOrder) {
            streams.add(new StreamSsrcs(ssrc, rtxOf.getOrDefault(ssrc, 0L)));
        }
        return streams;
    }

    static String cname(MediaDescription section) throws SdpException {
        for (SsrcAttribute attribute : section.ssrcAttributes()) {
            if (attribute.name().equals("cname")) {
                return attribute.value();
            }
        }
        return "";
    }

    /** a=msid (RFC 8830), else the legacy {@code a=ssrc:<id> msid:<stream> <track>} Chrome and OBS also write. */
    static Optional<Msid> msid(MediaDescription section) throws SdpException {
        Optional<Msid> msid = section.msid();
        if (msid.isPresent()) {
            return msid;
        }
        for (SsrcAttribute attribute : section.ssrcAttributes()) {
            if (attribute.name().equals("msid")) {
                Optional<Msid> parsed = Msid.tryParse(attribute.value());
                if (parsed.isPresent()) {
                    return parsed;
                }
            }
        }
        return Optional.empty();
    }
}
