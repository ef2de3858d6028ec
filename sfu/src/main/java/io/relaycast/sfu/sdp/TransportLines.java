package io.relaycast.sfu.sdp;

import java.util.concurrent.ThreadLocalRandom;

/** Writes our ICE and DTLS lines, the c= line and the session head, shared by answers and offers. */
final class TransportLines {

    private TransportLines() {
    }

    /**
     * RFC 8829 section 5.2.1: {@code o=- <random 62-bit id> 0 IN IP4 0.0.0.0}, {@code s=-}, {@code t=0 0};
     * then a=ice-lite when we are lite (RFC 8839 section 5.3).
     */
    static SessionDescription sessionHead(LocalTransport local) {
        SessionDescription session = new SessionDescription();
        session.addLine('v', "0");
        long sessionId = ThreadLocalRandom.current().nextLong() >>> 2;
        session.addLine('o', "- " + sessionId + " 0 IN IP4 0.0.0.0");
        session.addLine('s', "-");
        session.addLine('t', "0 0");
        if (local.iceLite()) {
            session.addAttribute("ice-lite");
        }
        return session;
    }

    /**
     * The port for every bundled m= line and its c= line. With candidates, the first one is the default candidate;
     * without (trickle), RFC 8829 section 5.2.1 uses port 9 and {@code IN IP4 0.0.0.0}.
     */
    static int port(LocalTransport local) {
        return local.candidates().isEmpty() ? 9 : local.candidates().get(0).port();
    }

    static void appendConnection(MediaDescription section, LocalTransport local) {
        if (local.candidates().isEmpty()) {
            section.addLine('c', "IN IP4 0.0.0.0");
        } else {
            IceCandidate first = local.candidates().get(0);
            section.addLine('c', (first.isIpv6() ? "IN IP6 " : "IN IP4 ") + first.address());
        }
    }

    /**
     * Candidates go in the BUNDLE-tagged section only (RFC 8843 section 7.1.3), followed by a=end-of-candidates
     * (RFC 8840 section 8.2) because our shared-port host candidates are all known up front.
     */
    static void appendCandidates(MediaDescription section, LocalTransport local) {
        for (IceCandidate candidate : local.candidates()) {
            section.addAttribute("candidate", candidate.toAttributeValue());
        }
        if (!local.candidates().isEmpty()) {
            section.addAttribute("end-of-candidates");
        }
    }

    /**
     * Identical ICE and DTLS attributes in every bundled section. RFC 8843 section 7.1.3 only asks for them in the
     * tagged one, but Chrome writes them in every section itself and both browsers accept either form, while a
     * peer that reads a section on its own never misses them. a=ice-options:trickle says we take trickled
     * candidates (RFC 8840 section 4.1.1).
     */
    static void appendIceAndDtls(MediaDescription section, LocalTransport local, DtlsSetup setup) {
        section.addAttribute("ice-ufrag", local.iceUfrag());
        section.addAttribute("ice-pwd", local.icePwd());
        section.addAttribute("ice-options", "trickle");
        section.addAttribute("fingerprint", local.fingerprint().toAttributeValue());
        section.addAttribute("setup", setup.value());
    }
}
