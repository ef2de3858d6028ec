package io.relaycast.sfu.sdp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code a=fmtp:<format> <format specific parameters>} (RFC 8866 section 6.15). The raw text is kept so an answer
 * can echo it unchanged; {@link #parameters()} reads the common {@code key=value;key=value} form used by
 * Opus (RFC 7587 section 7), H.264 (RFC 6184 section 8.1), VP8/VP9 and RTX (RFC 4588 section 8.6).
 */
public record FormatParameters(int payloadType, String text) {

    static FormatParameters parse(String value) throws SdpException {
        String context = SdpSyntax.quote("a=fmtp:" + value);
        int space = firstBlank(value);
        if (space < 0) {
            throw SdpException.malformed("fmtp needs a payload type and parameters in " + context);
        }
        int pt = SdpSyntax.integer(value.substring(0, space), 0, 127, "payload type", context);
        String text = value.substring(space + 1).trim();
        if (text.isEmpty()) {
            throw SdpException.malformed("fmtp has no parameters in " + context);
        }
        return new FormatParameters(pt, text);
    }

    private static int firstBlank(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (SdpSyntax.isBlank(value.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** Parameters by lower-cased name, in order; a part without '=' (e.g. DTMF's {@code 0-15}) maps to "". */
    public Map<String, String> parameters() {
        Map<String, String> map = new LinkedHashMap<>();
        for (String part : text.split(";")) {
            String trimmed = part.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int eq = trimmed.indexOf('=');
            if (eq < 0) {
                map.putIfAbsent(trimmed.toLowerCase(Locale.ROOT), "");
            } else {
                map.putIfAbsent(trimmed.substring(0, eq).trim().toLowerCase(Locale.ROOT), trimmed.substring(eq + 1).trim());
            }
        }
        return Collections.unmodifiableMap(map);
    }

    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters().get(name.toLowerCase(Locale.ROOT)));
    }

    public String toAttributeValue() {
        return payloadType + " " + text;
    }
}
