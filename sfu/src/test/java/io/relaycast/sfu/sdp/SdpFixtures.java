package io.relaycast.sfu.sdp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Loads the recorded offers under src/test/resources/sdp and builds the SFU-side parameters tests use. */
final class SdpFixtures {

    static final String CHROME = "chrome-offer.sdp";
    static final String CHROME_SIMULCAST = "chrome-simulcast-offer.sdp";
    static final String FIREFOX = "firefox-offer.sdp";
    static final String OBS_WHIP = "obs-whip-offer.sdp";
    static final String FFMPEG_WHIP = "ffmpeg-whip-offer.sdp";
    static final String WHIP_TRICKLE = "whip-trickle.sdpfrag";

    static final List<String> OFFERS = List.of(CHROME, CHROME_SIMULCAST, FIREFOX, OBS_WHIP, FFMPEG_WHIP);

    static final String SFU_UFRAG = "Rc7s";
    static final String SFU_PWD = "q1VvZ0d8xHmP3kLw9TnB2sYc";
    static final Fingerprint SFU_FINGERPRINT = Fingerprint.sha256(
            "3C:4E:91:0A:D2:7B:18:F6:55:0E:9C:A3:61:2D:B8:47:E0:19:76:C5:3F:8A:02:DD:B4:6E:91:27:5C:08:FA:13");

    private SdpFixtures() {
    }

    static String load(String name) {
        try (InputStream in = SdpFixtures.class.getResourceAsStream("/sdp/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /sdp/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Object[][] offers() {
        Object[][] rows = new Object[OFFERS.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new Object[] {OFFERS.get(i)};
        }
        return rows;
    }

    /** Our transport when candidates are trickled later. */
    static LocalTransport trickleTransport() {
        return new LocalTransport(SFU_UFRAG, SFU_PWD, SFU_FINGERPRINT, List.of());
    }

    /** Our transport with the shared UDP port's host candidates known up front. */
    static LocalTransport transportWithCandidates() {
        return new LocalTransport(SFU_UFRAG, SFU_PWD, SFU_FINGERPRINT, List.of(
                IceCandidate.of("1", 1, "udp", 2130706431L, "203.0.113.50", 10000, "host"),
                IceCandidate.of("2", 1, "tcp", 1518280447L, "203.0.113.50", 4443, "host")));
    }

    /** The lines of an SDP text without line endings. */
    static List<String> lines(String sdp) {
        return new ArrayList<>(Arrays.asList(sdp.split("\r\n")));
    }

    /** The lines of one m-section (from its m= line to the next), 0-based. */
    static List<String> section(String sdp, int index) {
        List<String> all = lines(sdp);
        List<String> section = new ArrayList<>();
        int seen = -1;
        for (String line : all) {
            if (line.startsWith("m=")) {
                seen++;
            }
            if (seen == index) {
                section.add(line);
            }
        }
        return section;
    }

    /** The session-level lines. */
    static List<String> sessionLines(String sdp) {
        List<String> session = new ArrayList<>();
        for (String line : lines(sdp)) {
            if (line.startsWith("m=")) {
                break;
            }
            session.add(line);
        }
        return session;
    }

    static String replaceLine(String sdp, String oldLine, String newLine) {
        String replaced = sdp.replace(oldLine + "\r\n", newLine.isEmpty() ? "" : newLine + "\r\n");
        if (replaced.equals(sdp)) {
            throw new IllegalArgumentException("fixture has no line " + oldLine);
        }
        return replaced;
    }

    static String removeLinesStartingWith(String sdp, String prefix) {
        StringBuilder out = new StringBuilder();
        for (String line : lines(sdp)) {
            if (!line.startsWith(prefix)) {
                out.append(line).append("\r\n");
            }
        }
        return out.toString();
    }
}
