package io.relaycast.sfu.ice;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.relaycast.sfu.config.MediaConfig;
import io.relaycast.sfu.config.SocketBufferConfig;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testng.annotations.Test;

/**
 * The kernel's drop counter of our UDP sockets ({@code /proc/net/udp}) and the receive buffer of the shared port,
 * checked against the kernel itself: a socket nobody reads really overflows, and {@code ss} (iproute2) reports the
 * shared port's real SO_RCVBUF.
 */
public class UdpKernelDropsTest {

    @Test
    public void parsesTheDropsColumnOfProcNetUdp() {
        List<UdpKernelDrops.Row> rows = UdpKernelDrops.parse(List.of(
                "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops",
                "  12: 0100007F:2710 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 123456 2 0000000000000000 17",
                "  13: 00000000000000000000000001000000:2711 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 99 2 0000000000000000 0",
                "garbage line"));
        assertEquals(rows, List.of(new UdpKernelDrops.Row(10000, 123456, 17), new UdpKernelDrops.Row(10001, 99, 0)));
    }

    @Test
    public void countsWhatTheKernelDropsOnOurSocketOnly() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket other = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket sender = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            receiver.setReceiveBufferSize(4096); // the kernel's minimum: a few datagrams fit
            UdpKernelDrops drops = UdpKernelDrops.forPort(receiver.getLocalPort());
            UdpKernelDrops otherDrops = UdpKernelDrops.forPort(other.getLocalPort());
            assertEquals(drops.sockets(), 1);
            assertEquals(drops.drops(), 0L);
            byte[] payload = new byte[1000];
            int sent = 500;
            for (int i = 0; i < sent; i++) {
                sender.send(new DatagramPacket(payload, payload.length, receiver.getLocalSocketAddress()));
            }
            // nobody reads: all but the few that fit are dropped by the kernel, on this socket only
            long counted = drops.drops();
            assertTrue(counted > sent / 2 && counted <= sent, "dropped of " + sent + ": " + counted);
            assertEquals(otherDrops.drops(), 0L, "another socket of ours is not charged");
            assertEquals(counted, ssCounter(receiver.getLocalPort(), "d"), "the kernel's own count (ss -m)");
        }
    }

    @Test
    public void theSharedPortGetsTheConfiguredReceiveBuffer() throws Exception {
        try (IceHarvesters h = new IceHarvesters(new MediaConfig(0, ""), IceTestSupport.CONFIG)) {
            // ice4j binds a pool of send sockets on the port too; the one it reads from has the buffer it set
            long rb = ssCounters(h.port(), "rb").stream().mapToLong(Long::longValue).max().orElseThrow();
            // Linux doubles the request for its bookkeeping (socket(7)); the JDK reports it halved, as asked
            assertEquals(rb, 2L * h.receiveBufferBytes(), "what the SFU reports is what ice4j's socket has");
            // asked for 4 MiB by default: granted up to net.core.rmem_max
            long rmemDefault = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/net/core/rmem_default")).get(0).trim());
            long rmemMax = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/net/core/rmem_max")).get(0).trim());
            long granted = h.receiveBufferBytes();
            long wanted = Math.min(rmemMax, (long) SocketBufferConfig.DEFAULT_RECEIVE_BYTES);
            assertTrue(granted == wanted, "the request, capped at net.core.rmem_max: " + granted + " != " + wanted);
            assertTrue(rb > rmemDefault || rmemMax <= rmemDefault / 2, "rb " + rb + " vs default " + rmemDefault);
            assertTrue(h.kernelDrops() >= 0, "our sockets on the port are found in /proc/net/udp");
        }
    }

    private static long ssCounter(int port, String name) throws IOException, InterruptedException {
        List<Long> values = ssCounters(port, name);
        assertEquals(values.size(), 1, "one socket on port " + port);
        return values.get(0);
    }

    /** One counter of the skmem of each socket bound to {@code port}, from {@code ss -uamn}. */
    private static List<Long> ssCounters(int port, String name) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ss", "-uamn", "sport = :" + port).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "ss ran");
        Matcher m = Pattern.compile("[(,]" + name + "(\\d+)[,)]").matcher(out);
        List<Long> values = new java.util.ArrayList<>();
        while (m.find()) {
            values.add(Long.parseLong(m.group(1)));
        }
        assertTrue(!values.isEmpty(), "ss output: " + out);
        System.out.println("ss -uamn sport = :" + port + ": " + out.replaceAll("\\s+", " "));
        return values;
    }
}
