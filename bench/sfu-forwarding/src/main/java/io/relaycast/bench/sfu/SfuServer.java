package io.relaycast.bench.sfu;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.relaycast.sfu.Sfu;
import io.relaycast.sfu.api.IceCandidate;
import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.config.MediaConfig;
import io.relaycast.sfu.ice.IceConfig;
import io.relaycast.sfu.room.Room;
import io.relaycast.sfu.room.Subscriber;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SFU under test, in its own JVM: the real {@link Sfu} bound to 127.0.0.1, driven through its
 * {@link MediaPlane} methods by one-line commands on stdin (SDP in base64), answering one line on stdout.
 * {@code stats} reports this process's CPU, the CPU of each SFU thread (ThreadMXBean) and the SFU's own packet
 * counters, so the load generator never has to guess what the SFU spent.
 *
 * <pre>
 * publish   stream peer b64(offer)   -> ok b64(answer)
 * subscribe stream peer              -> ok b64(offer)
 * answer    stream peer b64(answer)  -> ok
 * close     stream peer              -> ok
 * stats     stream                   -> ok {json}
 * quit
 * </pre>
 */
public final class SfuServer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaPlane.CandidateSink NO_TRICKLE = new MediaPlane.CandidateSink() {
        @Override
        public void onLocalCandidate(IceCandidate candidate) {
            // every candidate is in the SDP already (single shared port)
        }

        @Override
        public void onPeerClosed(String reason) {
            System.err.println("peer closed by the SFU: " + reason);
        }
    };

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        System.setOut(System.err); // nothing but answers on the real stdout
        quietJul();
        IceConfig ice = IceConfig.defaults().withBindAddresses(List.of(InetAddress.getLoopbackAddress()));
        Sfu sfu = Sfu.start(new MediaConfig(0, ""), ice);
        out.println("ready " + sfu.udpPort() + " " + ProcessHandle.current().pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Base64.Decoder b64d = Base64.getDecoder();
        Base64.Encoder b64e = Base64.getEncoder();
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.split(" ");
            try {
                switch (w[0]) {
                    case "publish" -> out.println("ok " + b64e.encodeToString(sfu.publish(w[1], w[2],
                            new String(b64d.decode(w[3]), StandardCharsets.UTF_8), NO_TRICKLE).getBytes(StandardCharsets.UTF_8)));
                    case "subscribe" -> out.println("ok " + b64e.encodeToString(
                            sfu.subscribe(w[1], w[2], NO_TRICKLE).getBytes(StandardCharsets.UTF_8)));
                    case "answer" -> {
                        sfu.acceptAnswer(w[1], w[2], new String(b64d.decode(w[3]), StandardCharsets.UTF_8));
                        out.println("ok");
                    }
                    case "close" -> {
                        sfu.close(w[1], w[2]);
                        out.println("ok");
                    }
                    case "stats" -> out.println("ok " + JSON.writeValueAsString(stats(sfu, w[1])));
                    case "quit" -> {
                        sfu.close();
                        out.println("ok");
                        return;
                    }
                    default -> out.println("err UNKNOWN_COMMAND " + w[0]);
                }
            } catch (MediaException e) {
                out.println("err " + e.code() + " " + e.getMessage().replace('\n', ' '));
            } catch (RuntimeException e) {
                e.printStackTrace();
                out.println("err EXCEPTION " + e);
            }
        }
        sfu.close();
    }

    /** ice4j and jitsi-srtp log through java.util.logging at INFO per session: warnings only. */
    static void quietJul() {
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(java.util.logging.Level.WARNING);
        for (java.util.logging.Handler h : root.getHandlers()) {
            h.setLevel(java.util.logging.Level.WARNING);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stats(Sfu sfu, String streamId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("wallNs", System.nanoTime());
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        m.put("processCpuNs", os.getProcessCpuTime());
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> byName = new TreeMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu > 0) {
                // pools: sfu-dtls-7 -> sfu-dtls-*
                String name = info.getThreadName().replaceAll("-\\d+$", "-*");
                byName.merge(name, cpu, Long::sum);
            }
        }
        m.put("threadCpuNs", byName);
        Room room = sfu.room(streamId);
        long rtpOut = 0;
        long sendFailures = 0;
        long protectFailures = 0;
        int ready = 0;
        long publisherRtpIn = 0;
        long publisherLost = 0;
        long forwarded = 0;
        if (room != null) {
            for (Subscriber s : room.subscribers()) {
                Map<String, Object> d = s.debugState();
                Map<String, Object> packets = (Map<String, Object>) ((Map<String, Object>) d.get("transport")).get("packets");
                rtpOut += ((Number) packets.get("rtpOut")).longValue();
                sendFailures += ((Number) packets.get("sendFailures")).longValue();
                protectFailures += ((Number) packets.get("protectFailures")).longValue();
                if (Boolean.TRUE.equals(d.get("ready"))) {
                    ready++;
                }
            }
            if (room.publisher() != null) {
                Map<String, Object> p = room.publisher().debugState();
                Map<String, Object> packets = (Map<String, Object>) ((Map<String, Object>) p.get("transport")).get("packets");
                publisherRtpIn = ((Number) packets.get("rtpIn")).longValue();
                for (Map<String, Object> source : (List<Map<String, Object>>) p.get("sources")) {
                    publisherLost += ((Number) source.get("lost")).longValue();
                }
            }
            forwarded = ((Number) room.debugState().get("packetsForwarded")).longValue();
        }
        m.put("subscribers", room == null ? 0 : room.subscriberCount());
        m.put("readySubscribers", ready);
        m.put("rtpOut", rtpOut);
        m.put("sendFailures", sendFailures);
        m.put("protectFailures", protectFailures);
        m.put("publisherRtpIn", publisherRtpIn);
        m.put("publisherLost", publisherLost);
        m.put("roomPacketsForwarded", forwarded);
        m.put("srtpBackend", sfu.debugState().get("srtpBackend"));
        return m;
    }
}
