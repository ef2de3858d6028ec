package io.relaycast.sfu.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One ICE candidate as written in SDP and trickled (RFC 8839 section 5.1), the one candidate type of the SFU: the
 * SDP builders and readers, the ICE layer ({@code ice.IceSession}, {@code ice.IceTcpServer}) and the transports all
 * use it ({@code api.IceCandidate} is only the signaling envelope around its text):
 * {@code <foundation> <component> <transport> <priority> <address> <port> typ <type> [raddr <a>] [rport <p>]
 * *(<extension name> <extension value>)}.
 * Extensions (generation, ufrag, network-id, network-cost, and tcptype from RFC 6544 section 4.5) are kept in
 * order so a parsed candidate formats back to the same text.
 *
 * @param relatedAddress null when absent
 * @param relatedPort    -1 when absent
 */
public record IceCandidate(String foundation, int component, String transport, long priority, String address,
                           int port, String type, String relatedAddress, int relatedPort, List<Extension> extensions) {

    /** A {@code <name> <value>} pair after the fixed fields. */
    public record Extension(String name, String value) {
        public Extension {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    public IceCandidate {
        Objects.requireNonNull(foundation, "foundation");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(type, "type");
        extensions = List.copyOf(extensions);
    }

    /** A candidate of our own without related address, e.g. a host candidate of the shared UDP port. */
    public static IceCandidate of(String foundation, int component, String transport, long priority, String address,
                                  int port, String type) {
        IceCandidate candidate = new IceCandidate(foundation, component, transport, priority, address, port, type, null,
                -1, List.of());
        try {
            // Our own candidates go into SDP we send: check them with the same grammar we apply to others.
            return parseAttributeValue(candidate.toAttributeValue());
        } catch (SdpException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * A candidate of ours with every field (a reflexive one's related address, ICE-TCP's {@code tcptype}), checked
     * with the grammar we apply to others.
     */
    public static IceCandidate of(String foundation, int component, String transport, long priority, String address,
                                  int port, String type, String relatedAddress, int relatedPort,
                                  List<Extension> extensions) {
        IceCandidate candidate = new IceCandidate(foundation, component, transport, priority, address, port, type,
                relatedAddress, relatedPort, extensions);
        try {
            return parseAttributeValue(candidate.toAttributeValue());
        } catch (SdpException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * A signalled or trickled line, {@code candidate:...} with or without a leading {@code a=} (RFC 8839 section
     * 5.1, RFC 8838 section 4): the candidate, or null when it is not candidate syntax. For the ICE layer, which
     * answers a malformed trickle with a status rather than an error.
     */
    public static IceCandidate parseLine(String line) {
        if (line == null) {
            return null;
        }
        String value = line.strip();
        if (value.startsWith("a=")) {
            value = value.substring(2);
        }
        if (!value.regionMatches(true, 0, "candidate:", 0, "candidate:".length())) {
            return null;
        }
        try {
            return parseAttributeValue(value.substring("candidate:".length()));
        } catch (SdpException e) {
            return null;
        }
    }

    /**
     * Parses {@code a=candidate:...}, {@code candidate:...} (the form of RTCIceCandidate.candidate) or the bare
     * attribute value.
     */
    public static IceCandidate parse(String text) throws SdpException {
        String value = text.strip();
        if (value.startsWith("a=")) {
            value = value.substring(2);
        }
        if (value.startsWith("candidate:")) {
            value = value.substring("candidate:".length());
        }
        return parseAttributeValue(value);
    }

    static IceCandidate parseAttributeValue(String value) throws SdpException {
        String context = SdpSyntax.quote("a=candidate:" + value);
        List<String> words = SdpSyntax.words(value);
        if (words.size() < 8) {
            throw SdpException.malformed("candidate needs foundation, component, transport, priority, address, port"
                    + " and 'typ <type>' in " + context);
        }
        String foundation = words.get(0);
        if (!SdpSyntax.isIceChars(foundation) || foundation.length() > 32) {
            throw SdpException.malformed("candidate foundation must be 1-32 ice-chars in " + context);
        }
        int component = SdpSyntax.integer(words.get(1), 1, 256, "component id", context);
        String transport = words.get(2);
        if (!SdpSyntax.isToken(transport)) {
            throw SdpException.malformed("candidate transport is not a token in " + context);
        }
        long priority = SdpSyntax.number(words.get(3), 0, 0xFFFF_FFFFL, "priority", context);
        String address = words.get(4);
        if (!SdpSyntax.isVisible(address)) {
            throw SdpException.malformed("candidate address is not printable in " + context);
        }
        int port = SdpSyntax.integer(words.get(5), 0, 65535, "port", context);
        if (!words.get(6).equals("typ")) {
            throw SdpException.malformed("candidate is missing 'typ' after the port in " + context);
        }
        String type = words.get(7);
        if (!SdpSyntax.isToken(type)) {
            throw SdpException.malformed("candidate type is not a token in " + context);
        }
        int i = 8;
        String relatedAddress = null;
        int relatedPort = -1;
        if (i + 1 < words.size() && words.get(i).equals("raddr")) {
            relatedAddress = words.get(i + 1);
            if (!SdpSyntax.isVisible(relatedAddress)) {
                throw SdpException.malformed("candidate related address is not printable in " + context);
            }
            i += 2;
        }
        if (i + 1 < words.size() && words.get(i).equals("rport")) {
            relatedPort = SdpSyntax.integer(words.get(i + 1), 0, 65535, "related port", context);
            i += 2;
        }
        if ((words.size() - i) % 2 != 0) {
            throw SdpException.malformed("candidate extension without a value in " + context);
        }
        List<Extension> extensions = new ArrayList<>();
        for (; i < words.size(); i += 2) {
            String name = words.get(i);
            if (!SdpSyntax.isToken(name) || !SdpSyntax.isVisible(words.get(i + 1))) {
                throw SdpException.malformed("candidate extension is not a printable name/value pair in " + context);
            }
            extensions.add(new Extension(name, words.get(i + 1)));
        }
        return new IceCandidate(foundation, component, transport, priority, address, port, type, relatedAddress,
                relatedPort, extensions);
    }

    public boolean isUdp() {
        return transport.equalsIgnoreCase("udp");
    }

    public boolean isTcp() {
        return transport.equalsIgnoreCase("tcp");
    }

    /** RFC 6544 section 4.5 {@code tcptype}: active, passive or so. */
    public Optional<String> tcpType() {
        return extension("tcptype").map(v -> v.toLowerCase(Locale.ROOT));
    }

    public Optional<String> extension(String name) {
        for (Extension extension : extensions) {
            if (extension.name().equals(name)) {
                return Optional.of(extension.value());
            }
        }
        return Optional.empty();
    }

    /** The address is an IPv6 literal (contains ':'), which decides {@code IN IP6} on a c= line. */
    public boolean isIpv6() {
        return address.indexOf(':') >= 0;
    }

    /** The a=candidate value without the {@code candidate:} prefix. */
    public String toAttributeValue() {
        StringBuilder sb = new StringBuilder(96).append(foundation).append(' ').append(component).append(' ')
                .append(transport).append(' ').append(priority).append(' ').append(address).append(' ').append(port)
                .append(" typ ").append(type);
        if (relatedAddress != null) {
            sb.append(" raddr ").append(relatedAddress);
        }
        if (relatedPort >= 0) {
            sb.append(" rport ").append(relatedPort);
        }
        for (Extension extension : extensions) {
            sb.append(' ').append(extension.name()).append(' ').append(extension.value());
        }
        return sb.toString();
    }

    /** The form browsers put in RTCIceCandidate.candidate: {@code candidate:<attribute value>}. */
    public String toCandidateString() {
        return "candidate:" + toAttributeValue();
    }
}
