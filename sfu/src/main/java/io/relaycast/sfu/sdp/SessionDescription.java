package io.relaycast.sfu.sdp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A whole session description: the session-level lines and the media sections in order (RFC 8866 section 5).
 * Mutable while it is being built; {@link #serialize()} writes CRLF line endings as section 5 requires.
 */
public final class SessionDescription extends SdpSection {

    private final List<MediaDescription> media = new ArrayList<>();

    public List<MediaDescription> media() {
        return Collections.unmodifiableList(media);
    }

    public void addMedia(MediaDescription section) {
        media.add(section);
    }

    /** The mids of the first a=group:BUNDLE (RFC 8843 section 7); JSEP endpoints use a single group. */
    public List<String> bundleMids() {
        for (String group : attributes("group")) {
            List<String> words = SdpSyntax.words(group);
            if (!words.isEmpty() && words.get(0).equals("BUNDLE")) {
                return List.copyOf(words.subList(1, words.size()));
            }
        }
        return List.of();
    }

    public boolean hasBundleGroup() {
        for (String group : attributes("group")) {
            List<String> words = SdpSyntax.words(group);
            if (!words.isEmpty() && words.get(0).equals("BUNDLE")) {
                return true;
            }
        }
        return false;
    }

    public Optional<MediaDescription> mediaByMid(String mid) {
        for (MediaDescription section : media) {
            if (section.mid().filter(mid::equals).isPresent()) {
                return Optional.of(section);
            }
        }
        return Optional.empty();
    }

    /** The text with CRLF after every line, including the last. */
    public String serialize() {
        StringBuilder out = new StringBuilder(4096);
        appendTo(out);
        for (MediaDescription section : media) {
            section.appendWithMediaLine(out);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return serialize();
    }
}
