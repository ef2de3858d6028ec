package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.ExtMap;
import io.relaycast.sfu.media.MediaDirection;

import java.util.List;

/** Reads {@code a=extmap:<id>[/<direction>] <URI> [<extension attributes>]} (RFC 8285 section 8) into an {@link ExtMap}. */
final class ExtMapAttribute {

    private ExtMapAttribute() {
    }

    static ExtMap parse(String value) throws SdpException {
        String context = SdpSyntax.quote("a=extmap:" + value);
        List<String> words = SdpSyntax.words(value);
        if (words.size() < 2) {
            throw SdpException.malformed("extmap needs an id and a URI in " + context);
        }
        String idText = words.get(0);
        MediaDirection direction = null;
        int slash = idText.indexOf('/');
        if (slash >= 0) {
            direction = MediaDirection.fromAttribute(idText.substring(slash + 1)).orElseThrow(
                    () -> SdpException.malformed("extmap direction is not sendrecv/sendonly/recvonly/inactive in " + context));
            idText = idText.substring(0, slash);
        }
        int id = SdpSyntax.integer(idText, 1, ExtMap.MAX_ID, "extmap id", context);
        String uri = words.get(1);
        if (!SdpSyntax.isVisible(uri)) {
            throw SdpException.malformed("extmap URI is not printable in " + context);
        }
        return new ExtMap(id, direction, uri, String.join(" ", words.subList(2, words.size())));
    }

}
