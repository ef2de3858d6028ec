package io.relaycast.sfu.media;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One codec a viewer agreed to receive, with the viewer's own payload type. Forwarding maps the publisher's payload
 * type of the same codec onto it (RFC 3264 section 6.1: each side numbers its payload types itself, and a WHEP
 * viewer that brings its own offer may have numbered them differently from the publisher).
 *
 * @param formatParameters the a=fmtp text, "" when none
 * @param rtxPayloadType   the viewer's RTX payload type for this codec (RFC 4588 section 8.6 apt), -1 if none
 */
public record ViewerCodec(int payloadType, ForwardedCodec codec, String formatParameters, int rtxPayloadType) {

    public ViewerCodec(int payloadType, ForwardedCodec codec, String formatParameters) {
        this(payloadType, codec, formatParameters, -1);
    }

    public ViewerCodec {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(formatParameters, "formatParameters");
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type out of range: " + payloadType);
        }
        if (rtxPayloadType < -1 || rtxPayloadType > 127 || rtxPayloadType == payloadType) {
            throw new IllegalArgumentException("RTX payload type out of range: " + rtxPayloadType);
        }
    }

    /**
     * The viewer codec that should carry the publisher's {@code published} codec, or empty: same codec, and for
     * H.264 the same profile (the first two octets of profile-level-id, RFC 6184 section 8.1) when the viewer offers
     * it, else any packetization-mode=1 entry, since a decoder of a profile also takes lower levels.
     */
    public static Optional<ViewerCodec> bestFor(NegotiatedCodec published, Iterable<ViewerCodec> viewer) {
        ViewerCodec sameCodec = null;
        for (ViewerCodec candidate : viewer) {
            if (candidate.codec != published.codec()) {
                continue;
            }
            if (published.codec() != ForwardedCodec.H264) {
                return Optional.of(candidate);
            }
            if (sameCodec == null) {
                sameCodec = candidate;
            }
            String ours = h264Profile(published.formatParameters());
            if (!ours.isEmpty() && ours.equals(h264Profile(candidate.formatParameters))) {
                return Optional.of(candidate);
            }
        }
        return Optional.ofNullable(sameCodec);
    }

    /** profile_idc and the constraint flags: the first four hex digits of profile-level-id, lower case, or "". */
    public static String h264Profile(String fmtp) {
        if (fmtp.isEmpty()) {
            return "";
        }
        String id = "";
        for (String parameter : fmtp.split(";")) {
            int eq = parameter.indexOf('=');
            if (eq > 0 && parameter.substring(0, eq).strip().equalsIgnoreCase("profile-level-id")) {
                id = parameter.substring(eq + 1).strip();
                break; // the first one counts, as FormatParameters reads it
            }
        }
        return id.length() == 6 ? id.substring(0, 4).toLowerCase(Locale.ROOT) : "";
    }
}
