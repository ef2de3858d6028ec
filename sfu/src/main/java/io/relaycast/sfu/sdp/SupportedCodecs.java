package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.ForwardedCodec;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Which codecs this server accepts from publishers, and how.
 *
 * @param enabled                    the codecs accepted; a codec offered but not enabled is left out of answers
 * @param rtx                        whether to negotiate RTX retransmission streams (RFC 4588) next to them
 * @param preferredH264ProfileLevelId among several H.264 offers, the profile-level-id chosen when offered
 *                                   (RFC 6184 section 8.1); 42e01f is constrained baseline 3.1, decodable everywhere
 */
public record SupportedCodecs(Set<ForwardedCodec> enabled, boolean rtx, String preferredH264ProfileLevelId) {

    public SupportedCodecs {
        enabled = enabled.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(enabled));
        Objects.requireNonNull(preferredH264ProfileLevelId, "preferredH264ProfileLevelId");
        if (!preferredH264ProfileLevelId.matches("[0-9a-fA-F]{6}")) {
            throw new IllegalArgumentException("profile-level-id must be 6 hex digits: " + preferredH264ProfileLevelId);
        }
        preferredH264ProfileLevelId = preferredH264ProfileLevelId.toLowerCase(Locale.ROOT);
    }

    /** Opus, VP8, VP9 and H.264 with RTX, preferring H.264 constrained baseline 42e01f. */
    public static SupportedCodecs defaults() {
        return new SupportedCodecs(EnumSet.allOf(ForwardedCodec.class), true, "42e01f");
    }

    /** From configuration names ({@code ["opus", "vp8", "h264"]}); an unknown name is a configuration error. */
    public static SupportedCodecs fromNames(List<String> names, boolean rtx, String preferredH264ProfileLevelId) {
        List<ForwardedCodec> codecs = new ArrayList<>();
        for (String name : names) {
            codecs.add(ForwardedCodec.fromName(name).orElseThrow(
                    () -> new IllegalArgumentException("unknown codec '" + name + "'; known: opus, vp8, vp9, h264")));
        }
        return new SupportedCodecs(codecs.isEmpty() ? Set.of() : EnumSet.copyOf(codecs), rtx, preferredH264ProfileLevelId);
    }

    public boolean isEnabled(ForwardedCodec codec) {
        return enabled.contains(codec);
    }
}
