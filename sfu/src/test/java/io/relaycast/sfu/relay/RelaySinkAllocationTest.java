package io.relaycast.sfu.relay;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.relaycast.sfu.api.IceCandidate;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.media.ForwardedCodec;
import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.NegotiatedCodec;
import io.relaycast.sfu.media.PublishedTrack;
import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.media.StreamSsrcs;
import io.relaycast.sfu.room.Publisher;
import io.relaycast.sfu.room.Room;
import io.relaycast.sfu.rtcp.ReceiverReport;
import io.relaycast.sfu.rtcp.ReportBlock;
import io.relaycast.sfu.rtp.BigEndian;
import io.relaycast.sfu.srtp.SrtpKeyingMaterial;
import io.relaycast.sfu.srtp.SrtpRole;
import io.relaycast.sfu.srtp.SrtpSession;
import io.relaycast.sfu.srtp.SrtpSessionOptions;
import io.relaycast.sfu.transport.PacketTransport;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.testng.annotations.Test;

/**
 * The origin's relay sink on the packet path allocates nothing per packet of its own (architecture: the per-packet
 * path allocates nothing it can pool): publisher receive → room fan-out (inline here) → {@link RelaySink#send}: copy,
 * SRTP protect, write through a direct buffer to the connected UDP socket. Measured with the JVM's per-thread
 * allocation counter after a warm-up, against what SRTP protection alone allocates for as many packets (jitsi-srtp's
 * own cost, the same for every viewer, is not the relay's).
 */
public class RelaySinkAllocationTest {
    private static final byte[] SECRET = "allocation test secret, 32 bytes at least".getBytes(StandardCharsets.UTF_8);

    @Test
    public void relayingAPacketAllocatesNothingBeyondSrtp() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        byte[] edgeNonce = RelayKeys.nonce();
        byte[] originNonce = RelayKeys.nonce();
        SrtpKeyingMaterial keys = RelayKeys.derive(SECRET, "r", "s", edgeNonce, originNonce);
        try (DatagramChannel edge = DatagramChannel.open()) {
            edge.bind(new InetSocketAddress("127.0.0.1", 0));
            Room room = new Room("s", timer); // inline fan-out: the sink runs on this thread
            PublishedTracks tracks = new PublishedTracks(new PublishedTrack(MediaKind.AUDIO, "0",
                    List.of(new NegotiatedCodec(ForwardedCodec.OPUS, 111, "opus", 48000, 2, "", -1, "", List.of())),
                    List.of(), List.of(new StreamSsrcs(11, 0)), List.of(), "s", "a", "c"), null);
            Publisher publisher = new Publisher("p", new NullTransport(), new NoSignaling(), tracks, room);
            room.setPublisher(publisher);
            DatagramChannel channel = DatagramChannel.open();
            channel.bind(new InetSocketAddress("127.0.0.1", 0));
            RelaySink sink = new RelaySink("r", "s", "edge", room, tracks,
                    new SrtpSession(keys, SrtpRole.SERVER, new SrtpSessionOptions(true, 64)), channel, () -> { });
            room.addSink(sink);
            sink.start();
            // the edge speaks first: its authenticated receiver report latches the sink onto the edge's address
            SrtpSession edgeSrtp = new SrtpSession(keys, SrtpRole.CLIENT);
            byte[] rr = new byte[128];
            int n = edgeSrtp.protectRtcp(rr, 0, ReceiverReport.write(rr, 0, 77, new ReportBlock[0], 0));
            edge.send(ByteBuffer.wrap(rr, 0, n), new InetSocketAddress("127.0.0.1", sink.port()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (String.valueOf(sink.debugState().get("edge")).equals("null")) {
                assertTrue(System.nanoTime() < deadline, "the sink never latched onto the edge");
                Thread.sleep(10);
            }

            byte[] packet = new byte[12 + 100 + 64];
            packet[0] = (byte) 0x80;
            packet[1] = 111;
            BigEndian.put32(packet, 8, 11);
            int[] seq = {0};
            Runnable relayOne = () -> {
                int s = seq[0]++;
                BigEndian.put16(packet, 2, s & 0xFFFF);
                BigEndian.put32(packet, 4, 960L * s);
                publisher.onRtp(packet, 0, 112);
            };
            // SRTP alone for as many packets, on its own session (jitsi-srtp's cost, not the relay's)
            SrtpSession alone = new SrtpSession(RelayKeys.derive(SECRET, "x", "s", edgeNonce, originNonce),
                    SrtpRole.SERVER);
            byte[] copy = new byte[packet.length];
            int[] seq2 = {0};
            Runnable protectOne = () -> {
                System.arraycopy(packet, 0, copy, 0, 112);
                BigEndian.put16(copy, 2, seq2[0]++ & 0xFFFF);
                alone.protectRtp(copy, 0, 112);
            };
            int rounds = 20_000;
            for (int i = 0; i < 30_000; i++) {
                relayOne.run();
                protectOne.run();
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < rounds; i++) {
                protectOne.run();
            }
            long srtpOnly = threads.getCurrentThreadAllocatedBytes() - before;
            before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < rounds; i++) {
                relayOne.run();
            }
            long relayed = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(sink.packetsSent(), 50_000L, "every packet relayed: " + sink.debugState());
            System.out.println("relaying " + rounds + " packets allocated " + relayed + " bytes; SRTP protection "
                    + "alone " + srtpOnly + " bytes");
            // jitsi-srtp's GCM allocates ~90 bytes a packet (measured: 1.9 MB for 20,000), and varies by a few
            // percent run to run; one object of our own per packet (16 bytes at least) would add 320 kB
            assertTrue(relayed - srtpOnly < 16 * 1024 + srtpOnly / 10, "the relay path allocated " + relayed
                    + " bytes for " + rounds + " packets, SRTP alone " + srtpOnly);
            room.removeSink(sink);
            sink.close();
        } finally {
            timer.shutdownNow();
        }
    }

    private static final class NoSignaling implements MediaPlane.CandidateSink {
        @Override
        public void onLocalCandidate(IceCandidate candidate) {
        }
    }

    /** The publisher's side: its RTCP goes nowhere. */
    private static final class NullTransport implements PacketTransport {
        @Override
        public boolean sendRtp(byte[] buf, int off, int len) {
            return false;
        }

        @Override
        public boolean sendRtcp(byte[] buf, int off, int len) {
            return true;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public int rtpOverhead() {
            return 0;
        }

        @Override
        public int rtcpOverhead() {
            return 0;
        }

        @Override
        public void close() {
        }

        @Override
        public Map<String, Object> debugState() {
            return Map.of();
        }
    }
}
