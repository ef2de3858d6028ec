package io.relaycast.sfu.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An {@code m=} line: {@code <media> <port>[/<number of ports>] <proto> <fmt> ...} (RFC 8866 section 5.14).
 *
 * @param portCount the optional {@code /<number>} after the port, 0 when absent
 */
public record MediaLine(String media, int port, int portCount, String protocol, List<String> formats) {

    public MediaLine {
        Objects.requireNonNull(media, "media");
        Objects.requireNonNull(protocol, "protocol");
        formats = List.copyOf(formats);
        if (formats.isEmpty()) {
            throw new IllegalArgumentException("an m= line needs at least one format");
        }
    }

    public static MediaLine rtp(String media, int port, String protocol, List<Integer> payloadTypes) {
        List<String> formats = new ArrayList<>(payloadTypes.size());
        for (int pt : payloadTypes) {
            formats.add(Integer.toString(pt));
        }
        return new MediaLine(media, port, 0, protocol, formats);
    }

    static MediaLine parse(String value, String context) throws SdpException {
        List<String> words = SdpSyntax.words(value);
        if (words.size() < 4) {
            throw SdpException.malformed("m= line needs media, port, protocol and at least one format in " + context);
        }
        String media = words.get(0);
        if (!SdpSyntax.isToken(media)) {
            throw SdpException.malformed("media type is not a token in " + context);
        }
        String portText = words.get(1);
        int portCount = 0;
        int slash = portText.indexOf('/');
        if (slash >= 0) {
            portCount = SdpSyntax.integer(portText.substring(slash + 1), 1, 65535, "port count", context);
            portText = portText.substring(0, slash);
        }
        int port = SdpSyntax.integer(portText, 0, 65535, "port", context);
        String protocol = words.get(2);
        if (!SdpSyntax.isVisible(protocol)) {
            throw SdpException.malformed("protocol is not a token in " + context);
        }
        List<String> formats = words.subList(3, words.size());
        boolean rtp = protocol.toUpperCase(Locale.ROOT).contains("RTP/");
        for (String format : formats) {
            if (rtp) {
                // RFC 8866 section 5.14: for RTP profiles the formats are payload type numbers (RFC 3551: 0-127).
                SdpSyntax.integer(format, 0, 127, "payload type", context);
            } else if (!SdpSyntax.isVisible(format)) {
                throw SdpException.malformed("format " + SdpSyntax.quote(format) + " is not a token in " + context);
            }
        }
        return new MediaLine(media, port, portCount, protocol, formats);
    }

    /** True for RTP-based profiles such as {@code UDP/TLS/RTP/SAVPF}, whose formats are payload types. */
    public boolean isRtp() {
        return protocol.toUpperCase(Locale.ROOT).contains("RTP/");
    }

    /** The formats as payload type numbers; only meaningful when {@link #isRtp()} (validated by the parser). */
    public List<Integer> payloadTypes() {
        List<Integer> pts = new ArrayList<>(formats.size());
        for (String format : formats) {
            if (SdpSyntax.isDigits(format) && format.length() <= 3) {
                pts.add(Integer.parseInt(format));
            }
        }
        return pts;
    }

    public MediaLine withPort(int newPort) {
        return new MediaLine(media, newPort, portCount, protocol, formats);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(media).append(' ').append(port);
        if (portCount > 0) {
            sb.append('/').append(portCount);
        }
        sb.append(' ').append(protocol);
        for (String format : formats) {
            sb.append(' ').append(format);
        }
        return sb.toString();
    }
}
