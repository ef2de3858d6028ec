package io.relaycast.sfu.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code a=simulcast:send q;h;f} (RFC 8853 section 5.1). Each direction lists simulcast streams separated by ';';
 * a stream may list alternative rids separated by ',', and a rid prefixed with '~' starts paused.
 *
 * @param send streams the writer sends, each a list of alternatives
 * @param recv streams the writer receives
 */
public record Simulcast(List<List<Stream>> send, List<List<Stream>> recv) {

    /** One rid inside a simulcast stream description. */
    public record Stream(String rid, boolean paused) {
        @Override
        public String toString() {
            return paused ? "~" + rid : rid;
        }
    }

    public Simulcast {
        send = copy(send);
        recv = copy(recv);
    }

    private static List<List<Stream>> copy(List<List<Stream>> streams) {
        List<List<Stream>> copy = new ArrayList<>(streams.size());
        for (List<Stream> alternatives : streams) {
            copy.add(List.copyOf(alternatives));
        }
        return List.copyOf(copy);
    }

    static Simulcast parse(String value) throws SdpException {
        String context = SdpSyntax.quote("a=simulcast:" + value);
        List<String> words = SdpSyntax.words(value);
        if (words.size() != 2 && words.size() != 4) {
            throw SdpException.malformed("simulcast needs one or two '<send|recv> <streams>' parts in " + context);
        }
        List<List<Stream>> send = List.of();
        List<List<Stream>> recv = List.of();
        for (int i = 0; i < words.size(); i += 2) {
            List<List<Stream>> streams = parseStreams(words.get(i + 1), context);
            switch (words.get(i)) {
                case "send" -> {
                    if (!send.isEmpty()) {
                        throw SdpException.malformed("simulcast lists send twice in " + context);
                    }
                    send = streams;
                }
                case "recv" -> {
                    if (!recv.isEmpty()) {
                        throw SdpException.malformed("simulcast lists recv twice in " + context);
                    }
                    recv = streams;
                }
                default -> throw SdpException.malformed("simulcast direction must be send or recv in " + context);
            }
        }
        return new Simulcast(send, recv);
    }

    private static List<List<Stream>> parseStreams(String list, String context) throws SdpException {
        List<List<Stream>> streams = new ArrayList<>();
        for (String alternativesText : list.split(";", -1)) {
            List<Stream> alternatives = new ArrayList<>();
            for (String idText : alternativesText.split(",", -1)) {
                boolean paused = idText.startsWith("~");
                String rid = paused ? idText.substring(1) : idText;
                if (!Rid.isRidId(rid)) {
                    throw SdpException.malformed("simulcast rid " + SdpSyntax.quote(idText) + " is not a rid id in " + context);
                }
                alternatives.add(new Stream(rid, paused));
            }
            streams.add(alternatives);
        }
        return streams;
    }

    public String toAttributeValue() {
        StringBuilder sb = new StringBuilder();
        if (!send.isEmpty()) {
            sb.append("send ").append(format(send));
        }
        if (!recv.isEmpty()) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append("recv ").append(format(recv));
        }
        return sb.toString();
    }

    private static String format(List<List<Stream>> streams) {
        List<String> parts = new ArrayList<>();
        for (List<Stream> alternatives : streams) {
            List<String> ids = new ArrayList<>();
            for (Stream stream : alternatives) {
                ids.add(stream.toString());
            }
            parts.add(String.join(",", ids));
        }
        return String.join(";", parts);
    }
}
