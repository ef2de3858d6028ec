package io.relaycast.sfu.ice;

import io.relaycast.sfu.sdp.IceCandidate;
import org.ice4j.ice.CandidateType;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What an ICE session knows of its peer from signaling: its credentials (RFC 8839 section 5.4) and the candidates it
 * signalled or trickled (RFC 8838), checked, deduplicated and counted against {@link IceConfig#maxRemoteCandidates}.
 * Guarded by the session's control lock: only signaling threads come here.
 */
final class RemotePeer {
    private final int maxCandidates;
    private final Set<String> candidateKeys = new HashSet<>();
    private String ufrag;
    private String password;
    private boolean endOfCandidates;

    RemotePeer(int maxCandidates) {
        this.maxCandidates = maxCandidates;
    }

    /** Valid ice-chars values of RFC 8839 section 5.4 (checked before the lock is taken). */
    static boolean validCredentials(String ufrag, String password) {
        return isIceChars(ufrag, 4, 256) && isIceChars(password, 22, 256);
    }

    /**
     * Takes the credentials once; later calls are true only for the same ones (new ones are an ICE restart, RFC 8445
     * section 9, which takes a new session).
     *
     * @return whether they are this peer's
     */
    boolean setCredentials(String ufrag, String password) {
        if (this.ufrag != null) {
            return this.ufrag.equals(ufrag) && this.password.equals(password);
        }
        this.ufrag = ufrag;
        this.password = password;
        return true;
    }

    /** True when {@link #setCredentials} took them just now (first call). */
    boolean hasCredentials() {
        return ufrag != null;
    }

    String ufrag() {
        return ufrag;
    }

    /** The ufrag and password, or null before signaling set them. */
    String[] credentials() {
        return ufrag == null ? null : new String[] {ufrag, password};
    }

    void endOfCandidates() {
        endOfCandidates = true;
    }

    /** A line that is an end-of-candidates mark (or blank) rather than a candidate (RFC 8840). */
    static boolean isEndOfCandidates(String line) {
        if (line == null || line.isBlank()) {
            return true;
        }
        String s = line.strip();
        return s.equals("end-of-candidates") || s.equals("a=end-of-candidates");
    }

    /** Checks one candidate line and, when usable, counts it. */
    CandidateStatus add(String line, boolean sessionEnded) {
        IceCandidate c = IceCandidate.parseLine(line);
        if (c == null) {
            return CandidateStatus.MALFORMED;
        }
        if (!"udp".equalsIgnoreCase(c.transport())) {
            return CandidateStatus.UNSUPPORTED_TRANSPORT;
        }
        if (c.component() != 1) {
            return CandidateStatus.UNSUPPORTED_COMPONENT;
        }
        CandidateType type = typeOf(c.type());
        if (type == null || c.port() == 0) {
            return CandidateStatus.MALFORMED;
        }
        InetAddress address = IpLiteral.parse(c.address());
        if (address == null) {
            return CandidateStatus.UNRESOLVED_ADDRESS;
        }
        String candidateUfrag = c.extension("ufrag").orElse(null);
        if (sessionEnded) {
            return CandidateStatus.SESSION_ENDED;
        }
        if (endOfCandidates) {
            return CandidateStatus.AFTER_END_OF_CANDIDATES;
        }
        if (candidateUfrag != null && ufrag != null && !candidateUfrag.equals(ufrag)) {
            return CandidateStatus.WRONG_UFRAG;
        }
        String key = address.getHostAddress() + ' ' + c.port() + ' ' + type;
        if (candidateKeys.contains(key)) {
            return CandidateStatus.DUPLICATE;
        }
        if (candidateKeys.size() >= maxCandidates) {
            return CandidateStatus.TOO_MANY_CANDIDATES;
        }
        candidateKeys.add(key);
        return CandidateStatus.ACCEPTED;
    }

    void putInto(Map<String, Object> m) {
        m.put("remoteCandidates", candidateKeys.size());
        m.put("endOfRemoteCandidates", endOfCandidates);
    }

    private static CandidateType typeOf(String type) {
        return switch (type) {
            case "host" -> CandidateType.HOST_CANDIDATE;
            case "srflx" -> CandidateType.SERVER_REFLEXIVE_CANDIDATE;
            case "prflx" -> CandidateType.PEER_REFLEXIVE_CANDIDATE;
            case "relay" -> CandidateType.RELAYED_CANDIDATE;
            default -> null;
        };
    }

    /** RFC 8839 section 5.4: ice-ufrag 4-256, ice-pwd 22-256 ice-chars (ALPHA / DIGIT / "+" / "/"). */
    private static boolean isIceChars(String s, int min, int max) {
        if (s == null || s.length() < min || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/')) {
                return false;
            }
        }
        return true;
    }
}
