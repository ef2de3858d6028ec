package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.ExtMap;
import io.relaycast.sfu.media.MediaDirection;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Parses a session description (RFC 8866) into a {@link SessionDescription}, keeping every line in order.
 * Beyond the line grammar it validates the attributes WebRTC negotiation reads (rtpmap, fmtp, rtcp-fb, extmap,
 * ssrc, ssrc-group, rid, simulcast, msid, mid, setup, fingerprint, ice-ufrag/pwd, candidate), so that everything
 * after parsing works on well-formed values and every failure is an {@link SdpException} naming its line.
 */
public final class SdpParser {

    private final SdpLimits limits;

    public SdpParser(SdpLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public SdpParser() {
        this(SdpLimits.DEFAULTS);
    }

    public SdpLimits limits() {
        return limits;
    }

    /** Parses a request body, refusing it by size before decoding it. */
    public SessionDescription parse(byte[] utf8) throws SdpException {
        return parse(SdpLineReader.decode(utf8, limits));
    }

    public SessionDescription parse(String text) throws SdpException {
        List<SdpLineReader.NumberedLine> lines = SdpLineReader.read(text, limits);
        SdpLineReader.NumberedLine first = lines.get(0);
        if (first.line().type() != 'v' || !first.line().value().equals("0")) {
            throw SdpException.malformed(first.where() + ": SDP must start with v=0 (RFC 8866 section 5.1)");
        }
        SessionDescription session = new SessionDescription();
        SectionState sessionState = new SectionState();
        SectionState current = sessionState;
        MediaDescription media = null;
        Set<String> mids = new HashSet<>();
        int candidates = 0;
        boolean origin = false;
        boolean name = false;
        boolean timing = false;
        for (SdpLineReader.NumberedLine numbered : lines) {
            SdpLine line = numbered.line();
            try {
                switch (line.type()) {
                    case 'v' -> {
                        if (numbered != first) {
                            throw SdpException.malformed("v= may only be the first line");
                        }
                    }
                    case 'o' -> {
                        requireSessionLevel(media, 'o');
                        checkOrigin(line.value());
                        origin = true;
                    }
                    case 's' -> {
                        requireSessionLevel(media, 's');
                        name = true;
                    }
                    case 't' -> {
                        requireSessionLevel(media, 't');
                        checkTiming(line.value());
                        timing = true;
                    }
                    case 'c' -> checkConnection(line.value());
                    case 'm' -> {
                        if (session.media().size() >= limits.maxMediaSections()) {
                            throw new SdpException(SdpErrorCode.TOO_MANY_TRACKS,
                                    "more than " + limits.maxMediaSections() + " m-sections");
                        }
                        media = new MediaDescription(MediaLine.parse(line.value(), SdpSyntax.quote(line.toString())));
                        session.addMedia(media);
                        current = new SectionState();
                        continue;
                    }
                    case 'a' -> {
                        checkAttribute(line, current);
                        if (line.attributeName().equals("candidate") && ++candidates > limits.maxCandidates()) {
                            throw new SdpException(SdpErrorCode.TOO_MANY_CANDIDATES,
                                    "more than " + limits.maxCandidates() + " candidates");
                        }
                        if (line.attributeName().equals("mid") && !mids.add(line.attributeValue())) {
                            throw SdpException.malformed("mid " + line.attributeValue()
                                    + " is used by two m-sections (RFC 5888 section 4)");
                        }
                    }
                    default -> {
                        // i=, u=, e=, p=, b=, r=, z=, k= and unknown types: kept verbatim, not interpreted.
                    }
                }
            } catch (SdpException e) {
                throw SdpLineReader.atLine(e, numbered);
            }
            if (media == null) {
                session.addLine(line);
            } else {
                media.addLine(line);
            }
        }
        if (!origin || !name || !timing) {
            throw SdpException.malformed("SDP lacks a mandatory " + (!origin ? "o=" : !name ? "s=" : "t=")
                    + " line (RFC 8866 section 5)");
        }
        return session;
    }

    private static void requireSessionLevel(MediaDescription media, char type) throws SdpException {
        if (media != null) {
            throw SdpException.malformed(type + "= belongs to the session part, before the first m= line");
        }
    }

    /** RFC 8866 section 5.2: o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>. */
    private static void checkOrigin(String value) throws SdpException {
        List<String> words = SdpSyntax.words(value);
        if (words.size() != 6) {
            throw SdpException.malformed("o= needs username, session id, version, network type, address type and address");
        }
        if (!SdpSyntax.isDigits(words.get(1)) || !SdpSyntax.isDigits(words.get(2))) {
            throw SdpException.malformed("o= session id and version must be numbers");
        }
    }

    /** RFC 8866 section 5.9: t=<start-time> <stop-time>. */
    private static void checkTiming(String value) throws SdpException {
        List<String> words = SdpSyntax.words(value);
        if (words.size() != 2 || !SdpSyntax.isDigits(words.get(0)) || !SdpSyntax.isDigits(words.get(1))) {
            throw SdpException.malformed("t= needs a start and a stop time");
        }
    }

    /** RFC 8866 section 5.7: c=<nettype> <addrtype> <connection-address>. */
    private static void checkConnection(String value) throws SdpException {
        List<String> words = SdpSyntax.words(value);
        if (words.size() != 3 || !SdpSyntax.isToken(words.get(0)) || !SdpSyntax.isToken(words.get(1))
                || !SdpSyntax.isVisible(words.get(2))) {
            throw SdpException.malformed("c= needs a network type, an address type and an address");
        }
    }

    /** What must be unique inside one section. */
    private static final class SectionState {
        final Map<Integer, String> rtpMaps = new HashMap<>();
        final Map<Integer, String> extMaps = new HashMap<>();
        boolean direction;
    }

    private static void checkAttribute(SdpLine line, SectionState state) throws SdpException {
        String name = line.attributeName();
        if (!SdpSyntax.isToken(name)) {
            throw SdpException.malformed("attribute name is not a token (RFC 8866 section 5.13)");
        }
        String value = line.attributeValue();
        if (MediaDirection.fromAttribute(name).isPresent()) {
            if (value != null) {
                throw SdpException.malformed("a=" + name + " takes no value");
            }
            if (state.direction) {
                throw SdpException.malformed("a second direction attribute in one section (RFC 8866 section 6.7)");
            }
            state.direction = true;
            return;
        }
        if (value == null) {
            if (needsValue(name)) {
                throw SdpException.malformed("a=" + name + " needs a value");
            }
            return;
        }
        switch (name) {
            case "rtpmap" -> {
                RtpMap map = RtpMap.parse(value);
                if (state.rtpMaps.putIfAbsent(map.payloadType(), map.encodingName()) != null) {
                    throw SdpException.malformed("payload type " + map.payloadType() + " has two rtpmap lines");
                }
            }
            case "fmtp" -> FormatParameters.parse(value);
            case "rtcp-fb" -> RtcpFeedback.parse(value);
            case "extmap" -> {
                ExtMap map = ExtMapAttribute.parse(value);
                String previous = state.extMaps.putIfAbsent(map.id(), map.uri());
                if (previous != null && !previous.equals(map.uri())) {
                    throw SdpException.malformed("extmap id " + map.id() + " is mapped twice (RFC 8285 section 5)");
                }
            }
            case "ssrc" -> SsrcAttribute.parse(value);
            case "ssrc-group" -> SsrcGroup.parse(value);
            case "rid" -> Rid.parse(value);
            case "simulcast" -> Simulcast.parse(value);
            case "msid" -> { } // ignored when malformed: see Msid.tryParse
            case "fingerprint" -> Fingerprint.parse(value);
            case "candidate" -> IceCandidate.parseAttributeValue(value);
            case "setup" -> {
                if (DtlsSetup.parse(value).isEmpty()) {
                    throw SdpException.malformed("setup must be actpass, active, passive or holdconn (RFC 4145 section 4)");
                }
            }
            case "mid" -> {
                if (!SdpSyntax.isToken(value) || value.length() > 255) {
                    throw SdpException.malformed("mid must be a token (RFC 5888 section 4)");
                }
            }
            case "ice-ufrag" -> checkIceCredential(value, 4, "ice-ufrag");
            case "ice-pwd" -> checkIceCredential(value, 22, "ice-pwd");
            case "group" -> {
                List<String> words = SdpSyntax.words(value);
                for (String word : words) {
                    if (!SdpSyntax.isToken(word)) {
                        throw SdpException.malformed("group semantics and mids must be tokens (RFC 5888 section 5)");
                    }
                }
                if (words.isEmpty()) {
                    throw SdpException.malformed("group needs semantics (RFC 5888 section 5)");
                }
            }
            default -> {
                // Attributes we do not interpret are kept verbatim.
            }
        }
    }

    private static boolean needsValue(String name) {
        return switch (name) {
            case "rtpmap", "fmtp", "rtcp-fb", "extmap", "ssrc", "ssrc-group", "rid", "simulcast", "msid", "fingerprint",
                 "candidate", "setup", "mid", "ice-ufrag", "ice-pwd", "group" -> true;
            default -> false;
        };
    }

    /** RFC 8839 section 5.4: ufrag 4-256 and password 22-256 ice-chars. */
    private static void checkIceCredential(String value, int minLength, String name) throws SdpException {
        if (!SdpSyntax.isIceChars(value) || value.length() < minLength || value.length() > 256) {
            throw SdpException.malformed(name + " must be " + minLength + "-256 ice-chars (RFC 8839 section 5.4)");
        }
    }
}
