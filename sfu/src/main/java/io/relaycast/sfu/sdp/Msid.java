package io.relaycast.sfu.sdp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An a=msid value (RFC 8830 section 2): the MediaStream id and the optional track id ("appdata").
 * Chrome writes {@code -} as stream id for a track added without a stream.
 *
 * @param trackId empty when absent
 */
public record Msid(String streamId, String trackId) {

    public Msid {
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(trackId, "trackId");
    }

    /**
     * The msid if it parses, else empty. Nothing we forward depends on the msid's exact form (viewers get ids the
     * SFU chooses), so one that breaks RFC 8830's grammar is ignored rather than refusing the whole offer:
     * GStreamer's webrtcbin 1.22 writes its RTCP CNAME, with an {@code @}, as the stream id of
     * {@code a=ssrc:<id> msid:}, and was refused for it (Postel: liberal where it does not matter).
     */
    static Optional<Msid> tryParse(String value) {
        try {
            return Optional.of(parse(value));
        } catch (SdpException ignored) {
            return Optional.empty();
        }
    }

    static Msid parse(String value) throws SdpException {
        String context = SdpSyntax.quote("a=msid:" + value);
        List<String> words = SdpSyntax.words(value);
        if (words.isEmpty() || words.size() > 2) {
            throw SdpException.malformed("msid needs a stream id and at most one track id in " + context);
        }
        for (String word : words) {
            if (!SdpSyntax.isToken(word) || word.length() > 64) {
                throw SdpException.malformed("msid id is not a 1-64 character token in " + context);
            }
        }
        return new Msid(words.get(0), words.size() > 1 ? words.get(1) : "");
    }

    @Override
    public String toString() {
        return trackId.isEmpty() ? streamId : streamId + ' ' + trackId;
    }
}
