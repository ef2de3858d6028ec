package io.relaycast.sfu.ice;

import java.util.ArrayList;
import java.util.List;

/**
 * One ICE candidate in RFC 8839 §5.1 syntax, the value of an SDP {@code a=candidate:} attribute and of a trickled
 * {@code RTCIceCandidate.candidate} (RFC 8838):
 *
 * <pre>
 * candidate:&lt;foundation&gt; &lt;component-id&gt; &lt;transport&gt; &lt;priority&gt; &lt;address&gt; &lt;port&gt; typ &lt;type&gt;
 *           [raddr &lt;address&gt;] [rport &lt;port&gt;] *(&lt;extension-name&gt; &lt;extension-value&gt;)
 * </pre>
 *
 * Only the syntax is checked here; whether the candidate is usable (UDP, component 1, an IP literal) is
 * {@link IceSession}'s call. Parsing runs on the signaling path, so it allocates freely.
 *
 * @param relPort    -1 when absent
 * @param extensions name, value, name, value... (e.g. {@code generation 0 ufrag 4ZcD}), kept for round trips
 */
public record CandidateLine(String foundation, int componentId, String transport, long priority,
                            String address, int port, String type, String relAddress, int relPort,
                            List<String> extensions) {

    private static final String PREFIX = "candidate:";
    private static final long MAX_PRIORITY = 0xFFFF_FFFFL; // RFC 8839: 1*10DIGIT holding RFC 8445's 32-bit priority

    public CandidateLine {
        extensions = List.copyOf(extensions);
    }

    /** A candidate of ours: no related address for host candidates, raddr/rport for reflexive ones. */
    public static CandidateLine of(String foundation, long priority, String address, int port, String type,
                                   String relAddress, int relPort) {
        return new CandidateLine(foundation, 1, "udp", priority, address, port, type, relAddress, relPort, List.of());
    }

    /**
     * Parses {@code candidate:...}, with or without a leading {@code a=}.
     *
     * @return the candidate, or {@code null} when the line is not RFC 8839 candidate syntax
     */
    public static CandidateLine parse(String line) {
        if (line == null) {
            return null;
        }
        String s = line.strip();
        if (s.startsWith("a=")) {
            s = s.substring(2);
        }
        if (!s.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return null;
        }
        String[] t = s.substring(PREFIX.length()).split(" +", -1);
        if (t.length < 8 || !isFoundation(t[0]) || !isToken(t[2]) || !"typ".equals(t[6]) || !isToken(t[7])
                || !isAddress(t[4])) {
            return null;
        }
        int component = (int) digits(t[1], 3);
        long priority = digits(t[3], 10);
        int port = (int) digits(t[5], 5);
        if (component < 1 || component > 256 || priority < 0 || priority > MAX_PRIORITY || port < 0 || port > 65535) {
            return null;
        }
        int i = 8;
        String relAddress = null;
        int relPort = -1;
        if (i + 1 < t.length && "raddr".equals(t[i])) {
            relAddress = t[i + 1];
            if (!isAddress(relAddress)) {
                return null;
            }
            i += 2;
        }
        if (i + 1 < t.length && "rport".equals(t[i])) {
            relPort = (int) digits(t[i + 1], 5);
            if (relPort < 0 || relPort > 65535) {
                return null;
            }
            i += 2;
        }
        if ((t.length - i) % 2 != 0) {
            return null; // an extension name without its value
        }
        List<String> ext = new ArrayList<>(t.length - i);
        for (; i < t.length; i++) {
            if (t[i].isEmpty() || !isVisible(t[i])) {
                return null;
            }
            ext.add(t[i]);
        }
        return new CandidateLine(t[0], component, t[2], priority, t[4], port, t[7], relAddress, relPort, ext);
    }

    /** The value of extension {@code name} (e.g. {@code ufrag}), or {@code null}. */
    public String extension(String name) {
        for (int i = 0; i + 1 < extensions.size(); i += 2) {
            if (extensions.get(i).equals(name)) {
                return extensions.get(i + 1);
            }
        }
        return null;
    }

    /** The attribute value, {@code candidate:...}, without {@code a=}: what SDP and trickle both carry. */
    public String format() {
        StringBuilder b = new StringBuilder(96).append(PREFIX)
                .append(foundation).append(' ').append(componentId).append(' ').append(transport).append(' ')
                .append(priority).append(' ').append(address).append(' ').append(port).append(" typ ").append(type);
        if (relAddress != null) {
            b.append(" raddr ").append(relAddress);
        }
        if (relPort >= 0) {
            b.append(" rport ").append(relPort);
        }
        for (String e : extensions) {
            b.append(' ').append(e);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return format();
    }

    /** Non-negative value of 1..max decimal digits, or -1. */
    private static long digits(String s, int max) {
        if (s.isEmpty() || s.length() > max) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** RFC 8839: foundation = 1*32ice-char, ice-char = ALPHA / DIGIT / "+" / "/". */
    private static boolean isFoundation(String s) {
        if (s.isEmpty() || s.length() > 32) {
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

    /** RFC 3261 token, loosely: visible characters without separators we would trip on. */
    private static boolean isToken(String s) {
        return !s.isEmpty() && isVisible(s);
    }

    /** RFC 4566 connection-address: an IP literal or a name (mDNS {@code .local} names included). */
    private static boolean isAddress(String s) {
        return !s.isEmpty() && isVisible(s);
    }

    private static boolean isVisible(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 0x7F) {
                return false;
            }
        }
        return true;
    }
}
