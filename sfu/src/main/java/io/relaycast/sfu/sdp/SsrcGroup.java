package io.relaycast.sfu.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code a=ssrc-group:<semantics> <ssrc-id> ...} (RFC 5576 section 4.2). WebRTC uses {@code FID} to pair a media
 * SSRC with its RTX SSRC (RFC 4588 section 8.3, RFC 5888) and {@code SIM} for SSRC-signalled simulcast.
 */
public record SsrcGroup(String semantics, List<Long> ssrcs) {

    public static final String FID = "FID";
    public static final String SIM = "SIM";

    public SsrcGroup {
        Objects.requireNonNull(semantics, "semantics");
        ssrcs = List.copyOf(ssrcs);
    }

    static SsrcGroup parse(String value) throws SdpException {
        String context = SdpSyntax.quote("a=ssrc-group:" + value);
        List<String> words = SdpSyntax.words(value);
        if (words.size() < 2 || !SdpSyntax.isToken(words.get(0))) {
            throw SdpException.malformed("ssrc-group needs semantics and at least one ssrc in " + context);
        }
        List<Long> ssrcs = new ArrayList<>();
        for (String word : words.subList(1, words.size())) {
            ssrcs.add(SdpSyntax.number(word, 0, SsrcAttribute.MAX_SSRC, "ssrc", context));
        }
        return new SsrcGroup(words.get(0), ssrcs);
    }

    public String toAttributeValue() {
        StringBuilder sb = new StringBuilder(semantics);
        for (long ssrc : ssrcs) {
            sb.append(' ').append(ssrc);
        }
        return sb.toString();
    }
}
