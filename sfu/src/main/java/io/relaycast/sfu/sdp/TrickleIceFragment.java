package io.relaycast.sfu.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The body of a WHIP/WHEP PATCH, media type {@code application/trickle-ice-sdpfrag} (RFC 8840 section 9,
 * RFC 9725 section 4.3.1): ICE credentials, candidates grouped under m= lines with their mids, and possibly
 * a=end-of-candidates. New credentials mean an ICE restart (RFC 9725 section 4.3.2); the caller compares them.
 *
 * @param iceUfrag   null when the fragment carries none
 * @param icePwd     null when the fragment carries none
 * @param candidates in order, each with the mid and m-line index of the m= line it was under
 */
public record TrickleIceFragment(String iceUfrag, String icePwd, List<TrickleCandidate> candidates,
                                 boolean endOfCandidates) {

    public static final String MEDIA_TYPE = "application/trickle-ice-sdpfrag";

    public TrickleIceFragment {
        candidates = List.copyOf(candidates);
    }

    public static TrickleIceFragment parse(String body, SdpLimits limits) throws SdpException {
        Objects.requireNonNull(limits, "limits");
        List<SdpLineReader.NumberedLine> lines = SdpLineReader.read(body, limits);
        String ufrag = null;
        String pwd = null;
        boolean end = false;
        List<TrickleCandidate> candidates = new ArrayList<>();
        List<IceCandidate> pending = new ArrayList<>();
        int mLineIndex = -1;
        String mid = null;
        for (SdpLineReader.NumberedLine numbered : lines) {
            SdpLine line = numbered.line();
            try {
                if (line.type() == 'm') {
                    flush(pending, mid, mLineIndex, candidates);
                    MediaLine.parse(line.value(), SdpSyntax.quote(line.toString()));
                    mLineIndex++;
                    mid = null;
                    continue;
                }
                if (!line.isAttribute()) {
                    throw SdpException.malformed("a trickle-ice-sdpfrag holds only a= and m= lines (RFC 8840 section 9)");
                }
                String value = line.attributeValue();
                switch (line.attributeName()) {
                    case "ice-ufrag" -> ufrag = credential(ufrag, value, 4, "ice-ufrag");
                    case "ice-pwd" -> pwd = credential(pwd, value, 22, "ice-pwd");
                    case "mid" -> {
                        if (value == null || !SdpSyntax.isToken(value)) {
                            throw SdpException.malformed("mid must be a token (RFC 5888 section 4)");
                        }
                        mid = value;
                    }
                    case "candidate" -> {
                        if (candidates.size() + pending.size() >= limits.maxCandidates()) {
                            throw new SdpException(SdpErrorCode.TOO_MANY_CANDIDATES,
                                    "more than " + limits.maxCandidates() + " candidates");
                        }
                        pending.add(IceCandidate.parseAttributeValue(value == null ? "" : value));
                    }
                    case "end-of-candidates" -> end = true;
                    default -> {
                        // a=ice-options, a=group and others carry nothing we act on here.
                    }
                }
            } catch (SdpException e) {
                throw SdpLineReader.atLine(e, numbered);
            }
        }
        flush(pending, mid, mLineIndex, candidates);
        if (ufrag == null != (pwd == null)) {
            throw new SdpException(SdpErrorCode.MISSING_ICE_CREDENTIALS,
                    "the fragment has an ice-ufrag or an ice-pwd but not both (RFC 8840 section 4.4)");
        }
        return new TrickleIceFragment(ufrag, pwd, candidates, end);
    }

    /** Candidates get their section's mid even when a=mid comes after them; before any m= line, index 0. */
    private static void flush(List<IceCandidate> pending, String mid, int mLineIndex, List<TrickleCandidate> out) {
        for (IceCandidate candidate : pending) {
            out.add(TrickleCandidate.of(candidate, mid, Math.max(mLineIndex, 0)));
        }
        pending.clear();
    }

    private static String credential(String previous, String value, int minLength, String name) throws SdpException {
        if (value == null || !SdpSyntax.isIceChars(value) || value.length() < minLength || value.length() > 256) {
            throw SdpException.malformed(name + " must be " + minLength + "-256 ice-chars (RFC 8839 section 5.4)");
        }
        if (previous != null && !previous.equals(value)) {
            throw SdpException.malformed("two different " + name + " values in one fragment");
        }
        return value;
    }

    public boolean hasCredentials() {
        return iceUfrag != null;
    }
}
