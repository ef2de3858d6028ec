package io.relaycast.recorder;

import io.relaycast.sfu.media.ForwardedCodec;
import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.NegotiatedCodec;
import io.relaycast.sfu.media.PublishedTrack;
import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.tap.TapPorts;
import io.relaycast.sfu.tap.TapSdp;
import org.testng.annotations.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/**
 * ffmpeg reads a tap only from the SFU (issue 11 item 5). A reader opened exactly as the recorder and the HLS bridge
 * open it ({@link TapFeed#inputArgs}, the SDP of {@link TapSdp}) is sent real H.264 RTP (ffmpeg's own RTP muxer)
 * to its port from another socket, bound to 127.0.0.2 as a packet from another host would be: none of it reaches
 * the output. The same packets from the tap's address (127.0.0.1) do, which proves the reader was listening.
 */
public class TapInputTest {
    private static final PublishedTracks H264_ONLY = new PublishedTracks(null, new PublishedTrack(MediaKind.VIDEO, "1",
            List.of(new NegotiatedCodec(ForwardedCodec.H264, 96, "H264", 90000, 0,
                    "packetization-mode=1;profile-level-id=42e01f", -1, "", List.of())),
            List.of(), List.of(), List.of(), "s", "t", "c"));

    /** Runs a reader on a fresh tap SDP while ffmpeg sends 5 s of RTP from {@code source}; the reader's output file. */
    private static Path readWhileSending(String source) throws Exception {
        Path dir = Files.createTempDirectory("tap-input");
        int videoPort = TapPorts.evenPair(InetAddress.getLoopbackAddress());
        int audioPort = videoPort + 2; // unused: the SDP has no audio track
        Path sdp = dir.resolve("tap.sdp");
        Files.writeString(sdp, TapSdp.describe(H264_ONLY, "127.0.0.1", audioPort, videoPort), StandardCharsets.US_ASCII);
        Path out = dir.resolve("out.mkv");
        List<String> reader = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "warning"));
        reader.addAll(TapFeed.inputArgs(sdp));
        reader.addAll(List.of("-t", "2", "-c", "copy", "-f", "matroska", "-y", out.toString()));
        CompletableFuture<Ffmpeg.Result> read = CompletableFuture.supplyAsync(() -> {
            try {
                return Ffmpeg.run(reader, 20);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1500); // the reader binds its port
        Ffmpeg.Result sent = Ffmpeg.run(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-t", "5", "-c:v", "libx264", "-preset", "ultrafast",
                "-tune", "zerolatency", "-g", "10", "-x264-params", "repeat-headers=1", "-f", "rtp", "-payload_type", "96",
                "rtp://127.0.0.1:" + videoPort + "?localaddr=" + source), 30);
        assertTrue(sent.ok(), "the sender ran: " + sent.stderrTail());
        read.get(40, TimeUnit.SECONDS);
        return out;
    }

    private static boolean hasVideo(Path file) throws Exception {
        return Files.isRegularFile(file) && Files.size(file) > 0
                && Ffmpeg.streams("ffprobe", file).contains("h264");
    }

    @Test
    public void rtpFromAnotherAddressNeverReachesTheRecording() throws Exception {
        Path injected = readWhileSending("127.0.0.2");
        assertFalse(hasVideo(injected), "RTP from 127.0.0.2 was taken into " + injected);
        Path legit = readWhileSending("127.0.0.1");
        assertTrue(hasVideo(legit), "the same RTP from the tap's address is recorded: " + legit);
    }
}
