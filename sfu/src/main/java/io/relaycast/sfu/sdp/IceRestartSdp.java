package io.relaycast.sfu.sdp;

/**
 * The re-offer of an ICE restart (RFC 8839 section 4.4.1.1.1): our earlier offer with a new {@code ice-ufrag} and
 * {@code ice-pwd} in every m-section and the {@code o=} session version raised (RFC 3264 section 8: a changed
 * offer has a higher version, same session id). Everything else stays byte for byte, so the answerer sees no
 * change of media, codecs, SSRCs, fingerprint or setup role, and keeps its DTLS association (RFC 8842 section 4).
 */
public final class IceRestartSdp {
    private IceRestartSdp() {
    }

    /**
     * @param sdp     the offer as sent before (CRLF lines, as {@link SessionDescription#serialize()} writes them)
     * @param version the new {@code o=} session version; must be above the one in {@code sdp}
     */
    public static String withNewCredentials(String sdp, String ufrag, String password, long version) {
        StringBuilder out = new StringBuilder(sdp.length() + 16);
        for (String line : sdp.split("\r\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("a=ice-ufrag:")) {
                line = "a=ice-ufrag:" + ufrag;
            } else if (line.startsWith("a=ice-pwd:")) {
                line = "a=ice-pwd:" + password;
            } else if (line.startsWith("o=")) {
                // o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (RFC 8866 5.2)
                String[] f = line.substring(2).split(" ");
                if (f.length == 6) {
                    f[2] = Long.toString(version);
                    line = "o=" + String.join(" ", f);
                }
            }
            out.append(line).append("\r\n");
        }
        return out.toString();
    }
}
