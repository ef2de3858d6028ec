package io.relaycast.sfu.media;

import java.util.Locale;
import java.util.Optional;

/**
 * The codecs the SFU forwards. It never transcodes, so these are what both publisher and viewers must share.
 * RED, ULPFEC, FlexFEC, AV1, H.265, G.711 and the like are left out of answers.
 */
public enum ForwardedCodec {
    /** RFC 7587 section 7: always {@code opus/48000/2}, whatever the real channel count. */
    OPUS(MediaKind.AUDIO, "opus", 48000, 2),
    /** RFC 7741. */
    VP8(MediaKind.VIDEO, "VP8", 90000, 0),
    /** RFC 9628; only profile 0 (8-bit 4:2:0), which every browser decodes. */
    VP9(MediaKind.VIDEO, "VP9", 90000, 0),
    /** RFC 6184; only packetization-mode=1 (non-interleaved, FU-A), what browsers and encoders send. */
    H264(MediaKind.VIDEO, "H264", 90000, 0);

    private final MediaKind kind;
    private final String encodingName;
    private final int clockRate;
    private final int channels;

    ForwardedCodec(MediaKind kind, String encodingName, int clockRate, int channels) {
        this.kind = kind;
        this.encodingName = encodingName;
        this.clockRate = clockRate;
        this.channels = channels;
    }

    public MediaKind kind() {
        return kind;
    }

    /** The spelling we write in rtpmap lines we originate. */
    public String encodingName() {
        return encodingName;
    }

    public int clockRate() {
        return clockRate;
    }

    public int channels() {
        return channels;
    }

    /** Looks a codec up by a configuration name such as {@code "opus"}, {@code "vp8"} or {@code "h.264"}. */
    public static Optional<ForwardedCodec> fromName(String name) {
        String normalized = name.trim().toUpperCase(Locale.ROOT).replace(".", "");
        for (ForwardedCodec codec : values()) {
            if (codec.name().equals(normalized)) {
                return Optional.of(codec);
            }
        }
        return Optional.empty();
    }
}
