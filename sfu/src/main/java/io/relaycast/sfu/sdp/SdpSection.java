package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.MediaDirection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * An ordered run of SDP lines: the session part or one media section. Order is kept exactly as parsed or added,
 * which is what makes round trips byte-exact and keeps RFC 8866 section 5's field order in what we build.
 */
public abstract sealed class SdpSection permits SessionDescription, MediaDescription {

    private final List<SdpLine> lines = new ArrayList<>();

    public final List<SdpLine> lines() {
        return Collections.unmodifiableList(lines);
    }

    public final void addLine(SdpLine line) {
        lines.add(line);
    }

    public final void addLine(char type, String value) {
        lines.add(new SdpLine(type, value));
    }

    /** Adds a property attribute such as {@code a=rtcp-mux}. */
    public final void addAttribute(String name) {
        lines.add(SdpLine.attribute(name, null));
    }

    public final void addAttribute(String name, String value) {
        lines.add(SdpLine.attribute(name, value));
    }

    /** The value of the first attribute with this name; an empty string for a property attribute. */
    public final Optional<String> attribute(String name) {
        for (SdpLine line : lines) {
            if (line.isAttribute() && line.attributeName().equals(name)) {
                String value = line.attributeValue();
                return Optional.of(value == null ? "" : value);
            }
        }
        return Optional.empty();
    }

    /** Values of every attribute with this name, in order. */
    public final List<String> attributes(String name) {
        List<String> values = new ArrayList<>();
        for (SdpLine line : lines) {
            if (line.isAttribute() && line.attributeName().equals(name)) {
                String value = line.attributeValue();
                values.add(value == null ? "" : value);
            }
        }
        return values;
    }

    public final boolean hasAttribute(String name) {
        return attribute(name).isPresent();
    }

    /** The value of the first non-attribute line of this type, e.g. {@code 'c'}. */
    public final Optional<String> field(char type) {
        for (SdpLine line : lines) {
            if (line.type() == type) {
                return Optional.of(line.value());
            }
        }
        return Optional.empty();
    }

    /** The direction attribute of this section, if any (RFC 8866 section 6.7). */
    public final Optional<MediaDirection> explicitDirection() {
        for (SdpLine line : lines) {
            if (line.isAttribute() && line.attributeValue() == null) {
                Optional<MediaDirection> direction = MediaDirection.fromAttribute(line.attributeName());
                if (direction.isPresent()) {
                    return direction;
                }
            }
        }
        return Optional.empty();
    }

    /** ICE candidates carried in this section (RFC 8839 section 5.1). */
    public final List<IceCandidate> candidates() throws SdpException {
        List<IceCandidate> candidates = new ArrayList<>();
        for (String value : attributes("candidate")) {
            candidates.add(IceCandidate.parseAttributeValue(value));
        }
        return candidates;
    }

    /** Fingerprints of this section (RFC 8122 section 5); several are allowed, one per certificate hash. */
    public final List<Fingerprint> fingerprints() throws SdpException {
        List<Fingerprint> fingerprints = new ArrayList<>();
        for (String value : attributes("fingerprint")) {
            fingerprints.add(Fingerprint.parse(value));
        }
        return fingerprints;
    }

    final void appendTo(StringBuilder out) {
        for (SdpLine line : lines) {
            out.append(line.type()).append('=').append(line.value()).append("\r\n");
        }
    }
}
