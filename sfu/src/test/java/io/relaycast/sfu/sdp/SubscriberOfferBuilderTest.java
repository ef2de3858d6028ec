package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.ExtMap;
import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.NegotiatedCodec;
import io.relaycast.sfu.media.PublishedTrack;
import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.media.ViewerSsrcs;

import static io.relaycast.sfu.sdp.SdpFixtures.lines;
import static io.relaycast.sfu.sdp.SdpFixtures.section;
import static io.relaycast.sfu.sdp.SdpFixtures.sessionLines;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

public class SubscriberOfferBuilderTest {

    static final ViewerSsrcs VIEWER = new ViewerSsrcs(111_111L, 222_222L, 333_333L, "rc-viewer-7", "live42");

    private final SubscriberOfferBuilder builder = new SubscriberOfferBuilder();

    static PublishedTracks tracksOf(String fixture) throws SdpException {
        return new PublisherAnswerBuilder().answer(SdpFixtures.load(fixture), SdpFixtures.trickleTransport()).tracks();
    }

    private static List<String> matching(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).collect(Collectors.toList());
    }

    @DataProvider
    public Object[][] offers() {
        return SdpFixtures.offers();
    }

    @Test(dataProvider = "offers")
    public void offersEachPublishedTrackSendonlyWithThePublishersPayloadTypes(String fixture) throws SdpException {
        PublishedTracks tracks = tracksOf(fixture);
        String sdp = builder.offer(tracks, SdpFixtures.transportWithCandidates(), VIEWER).serialize();
        assertEquals(new SdpParser().parse(sdp).serialize(), sdp);
        assertTrue(sessionLines(sdp).contains("a=group:BUNDLE 0 1"));
        assertTrue(sessionLines(sdp).contains("a=msid-semantic: WMS live42"));
        List<PublishedTrack> published = tracks.all();
        for (int i = 0; i < published.size(); i++) {
            PublishedTrack track = published.get(i);
            List<String> section = section(sdp, i);
            assertTrue(section.contains("a=mid:" + i));
            assertTrue(section.contains("a=sendonly"));
            assertTrue(section.contains("a=setup:actpass"));
            assertTrue(section.contains("a=rtcp-mux"));
            assertTrue(section.contains("a=ice-ufrag:" + SdpFixtures.SFU_UFRAG));
            assertTrue(section.contains("a=fingerprint:sha-256 " + SdpFixtures.SFU_FINGERPRINT.value()));
            assertTrue(section.contains("a=msid:live42 live42-" + track.kind().media()));
            List<Integer> expectedPts = new ArrayList<>();
            for (NegotiatedCodec codec : track.codecs()) {
                expectedPts.add(codec.payloadType());
                if (codec.hasRtx()) {
                    expectedPts.add(codec.rtxPayloadType());
                }
                assertTrue(section.contains("a=rtpmap:" + codec.payloadType() + " " + codec.encodingName() + "/"
                        + codec.clockRate() + (codec.channels() > 0 ? "/" + codec.channels() : "")), section.toString());
                if (!codec.formatParameters().isEmpty()) {
                    assertTrue(section.contains("a=fmtp:" + codec.payloadType() + " " + codec.formatParameters()));
                }
                for (String fb : codec.feedback()) {
                    assertTrue(section.contains("a=rtcp-fb:" + codec.payloadType() + " " + fb), fb);
                }
            }
            String pts = expectedPts.stream().map(String::valueOf).collect(Collectors.joining(" "));
            assertEquals(section.get(0), "m=" + track.kind().media() + " 10000 UDP/TLS/RTP/SAVPF " + pts);
            for (ExtMap map : track.headerExtensions()) {
                boolean forwarded = !map.uri().contains("rtp-stream-id");
                assertEquals(section.contains("a=extmap:" + map.id() + " " + map.uri()), forwarded, map.uri());
            }
        }
        // Candidates only in the first (tagged) section.
        assertEquals(matching(section(sdp, 0), "a=candidate:").size(), 2);
        assertTrue(matching(section(sdp, 1), "a=candidate:").isEmpty());
    }

    @Test(dataProvider = "offers")
    public void videoCarriesTheViewersOwnSsrcsAndAnRtxFidGroupWhenRtxWasNegotiated(String fixture) throws SdpException {
        PublishedTracks tracks = tracksOf(fixture);
        String sdp = builder.offer(tracks, SdpFixtures.trickleTransport(), VIEWER).serialize();
        List<String> audio = section(sdp, 0);
        List<String> video = section(sdp, 1);
        assertEquals(matching(audio, "a=ssrc:"), List.of("a=ssrc:111111 cname:rc-viewer-7",
                "a=ssrc:111111 msid:live42 live42-audio"));
        boolean rtx = tracks.videoTrack().orElseThrow().primaryCodec().hasRtx();
        assertEquals(video.contains("a=ssrc-group:FID 222222 333333"), rtx);
        assertEquals(video.contains("a=ssrc:333333 cname:rc-viewer-7"), rtx);
        assertTrue(video.contains("a=ssrc:222222 cname:rc-viewer-7"));
        assertTrue(video.contains("a=ssrc:222222 msid:live42 live42-video"));
        assertFalse(lines(sdp).stream().anyMatch(l -> l.contains("rtp-stream-id")), "no rid extensions toward viewers");
        assertTrue(section(sdp, 0).contains("c=IN IP4 0.0.0.0") && section(sdp, 0).get(0).startsWith("m=audio 9 "));
    }

    @Test(dataProvider = "offers")
    public void videoAlwaysOffersNackAndPliBecauseTheSfuServesThem(String fixture) throws SdpException {
        PublishedTracks tracks = tracksOf(fixture);
        List<String> video = section(builder.offer(tracks, SdpFixtures.trickleTransport(), VIEWER).serialize(), 1);
        for (NegotiatedCodec codec : tracks.videoTrack().orElseThrow().codecs()) {
            assertTrue(video.contains("a=rtcp-fb:" + codec.payloadType() + " nack"), video.toString());
            assertTrue(video.contains("a=rtcp-fb:" + codec.payloadType() + " nack pli"), video.toString());
        }
    }

    @Test
    public void noRtxSsrcMeansNoRtxPayloadTypes() throws SdpException {
        ViewerSsrcs noRtx = new ViewerSsrcs(1, 2, 0, "c", "s");
        String sdp = builder.offer(tracksOf(SdpFixtures.CHROME), SdpFixtures.trickleTransport(), noRtx).serialize();
        assertEquals(section(sdp, 1).get(0), "m=video 9 UDP/TLS/RTP/SAVPF 96 109 98");
        assertFalse(sdp.contains("rtx/90000"));
        assertFalse(sdp.contains("ssrc-group"));
    }

    @Test
    public void audioOnlyBroadcastGetsOneSection() throws SdpException {
        PublishedTracks audioOnly = new PublishedTracks(tracksOf(SdpFixtures.OBS_WHIP).audio(), null);
        SessionDescription offer = builder.offer(audioOnly, SdpFixtures.trickleTransport(), new ViewerSsrcs(5, 0, 0, "c", "s"));
        assertEquals(offer.media().size(), 1);
        assertEquals(offer.bundleMids(), List.of("0"));
        assertEquals(offer.media().get(0).kind().orElseThrow(), MediaKind.AUDIO);
    }

    @Test
    public void missingViewerSsrcForAPublishedTrackIsAProgrammingError() throws SdpException {
        PublishedTracks tracks = tracksOf(SdpFixtures.OBS_WHIP);
        expectThrows(IllegalArgumentException.class,
                () -> builder.offer(tracks, SdpFixtures.trickleTransport(), new ViewerSsrcs(5, 0, 0, "c", "s")));
        expectThrows(IllegalArgumentException.class, () -> new ViewerSsrcs(5, 5, 0, "c", "s"));
        expectThrows(IllegalArgumentException.class, () -> new ViewerSsrcs(1L << 32, 2, 0, "c", "s"));
        expectThrows(IllegalArgumentException.class, () -> new ViewerSsrcs(1, 2, 3, "has space", "s"));
    }
}
