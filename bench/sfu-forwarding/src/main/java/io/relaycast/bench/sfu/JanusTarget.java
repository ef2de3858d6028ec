package io.relaycast.bench.sfu;

import io.relaycast.load.rtc.*;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.relaycast.sfu.dtls.DtlsCertificate;
import io.relaycast.sfu.sdp.SessionDescription;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Janus 1.1.2 (Debian's {@code janus}) as the reference SFU, started with a private configuration written here
 * (nothing under /etc/janus is read): only the streaming plugin and the HTTP transport are loadable (the plugin
 * and transport folders hold just those two), HTTP on 127.0.0.1 at a free port, no admin API, no STUN/TURN, no
 * event handlers, media on a port range, ICE candidates only from {@code --janus-iface} (run.sh runs the bench in
 * a private network namespace whose only non-loopback interface is a veth with 10.200.0.1: Janus gathers no
 * candidates on a loopback interface, and the namespace keeps every packet on this host's loopback path).
 *
 * <p>One RTP mountpoint (id 1: Opus 111 and VP8 96 on 127.0.0.1 ports) is fed by the bench's publisher with
 * plain RTP: the same {@link Pacer} stream our SFU gets over SRTP. Viewers watch it through the Janus API
 * ({@link JanusApi}), one Janus session and handle each as a browser would have. Janus's viewers bind to the veth's
 * address (libnice pairs no loopback candidate with it); the packets still stay on the loopback path.
 */
final class JanusTarget implements Target {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MOUNTPOINT = 1;

    private final Process process;
    private final JanusApi api;
    private final DtlsCertificate cert;
    private final boolean viewerRtx;
    private final int audioPort;
    private final int videoPort;
    private final InetAddress viewerAddress;
    private final Map<String, long[]> sessions = new ConcurrentHashMap<>();
    private final Thread keepalive;
    private DatagramChannel publisherChannel;

    JanusTarget(Path dir, String cpus, String iface, InetAddress viewerAddress, int debugLevel, DtlsCertificate cert,
                boolean viewerRtx) throws Exception {
        this.viewerAddress = viewerAddress;
        this.cert = cert;
        this.viewerRtx = viewerRtx;
        Path libs = janusLibs();
        Files.createDirectories(dir);
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path transports = Files.createDirectories(dir.resolve("transports"));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        link(libs.resolve("plugins/libjanus_streaming.so"), plugins.resolve("libjanus_streaming.so"));
        link(libs.resolve("transports/libjanus_http.so"), transports.resolve("libjanus_http.so"));
        int httpPort = freeTcpPort();
        audioPort = freeUdpPort();
        videoPort = freeUdpPort();
        // libnice and the plugin bind inside this window; it is random so parallel runs rarely meet
        int rangeStart = 20000 + 1000 * new java.util.Random().nextInt(39);
        String range = rangeStart + "-" + (rangeStart + 999);
        Files.writeString(conf.resolve("janus.jcfg"), String.join("\n",
                "general: {",
                "  configs_folder = \"" + conf + "\"",
                "  plugins_folder = \"" + plugins + "\"",
                "  transports_folder = \"" + transports + "\"",
                "  events_folder = \"" + empty + "\"",
                "  loggers_folder = \"" + empty + "\"",
                "  debug_level = " + debugLevel,
                "  session_timeout = 60",
                "}",
                "certificates: {}",
                "media: {",
                "  ipv6 = false",
                "  rtp_port_range = \"" + range + "\"",
                "}",
                "nat: {",
                "  nice_debug = false",
                "  ice_enforce_list = \"" + iface + "\"",
                "  ignore_mdns = true",
                "}",
                "plugins: {}",
                "transports: {}",
                "events: { broadcast = false }", ""));
        Files.writeString(conf.resolve("janus.transport.http.jcfg"), String.join("\n",
                "general: {",
                "  json = \"plain\"",
                "  base_path = \"/janus\"",
                "  http = true",
                "  port = " + httpPort,
                "  ip = \"127.0.0.1\"",
                "  https = false",
                "}",
                "admin: {",
                "  admin_http = false",
                "  admin_https = false",
                "}", ""));
        Files.writeString(conf.resolve("janus.plugin.streaming.jcfg"), String.join("\n",
                "general: {",
                "  rtp_port_range = \"" + range + "\"",
                "  events = false",
                "}",
                "bench: {",
                "  type = \"rtp\"",
                "  id = " + MOUNTPOINT,
                "  description = \"relaycast bench\"",
                "  audio = true",
                "  video = true",
                "  audioport = " + audioPort,
                "  audioiface = \"127.0.0.1\"",
                "  audiopt = " + Sdp.OPUS,
                "  audiocodec = \"opus\"",
                "  videoport = " + videoPort,
                "  videoiface = \"127.0.0.1\"",
                "  videopt = " + Sdp.VP8,
                "  videocodec = \"vp8\"",
                "}", ""));
        List<String> cmd = new ArrayList<>();
        if (!cpus.isEmpty()) {
            cmd.addAll(List.of("taskset", "-c", cpus));
        }
        cmd.addAll(List.of("janus", "-F", conf.toString(), "-C", conf.resolve("janus.jcfg").toString(), "-o"));
        File log = dir.resolve("janus.log").toFile();
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
        api = new JanusApi(httpPort);
        long deadline = System.currentTimeMillis() + 15_000;
        while (!api.up()) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                process.destroyForcibly();
                throw new IOException("Janus did not start (see " + log + ")");
            }
            Thread.sleep(100);
        }
        keepalive = new Thread(this::keepSessionsAlive, "bench-janus-keepalive");
        keepalive.setDaemon(true);
        keepalive.start();
        Ramp.log("Janus pid %d: HTTP 127.0.0.1:%d, mountpoint RTP audio %d video %d, media ports %s, ICE on %s",
                process.pid(), httpPort, audioPort, videoPort, range, iface);
    }

    @Override
    public String name() {
        return "janus";
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public InetAddress viewerAddress() {
        return viewerAddress;
    }

    @Override
    public Set<Integer> ingressPorts() {
        return Set.of(audioPort, videoPort);
    }

    @Override
    public Pacer.Sink startPublisher(Ramp ramp, Runnable keyframeRequests) throws IOException {
        publisherChannel = DatagramChannel.open();
        publisherChannel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        InetSocketAddress audio = new InetSocketAddress(InetAddress.getLoopbackAddress(), audioPort);
        InetSocketAddress video = new InetSocketAddress(InetAddress.getLoopbackAddress(), videoPort);
        DatagramChannel ch = publisherChannel;
        return new Pacer.Sink() {
            @Override
            public int rtp(byte[] buf, int len, boolean isVideo) {
                try {
                    return ch.send(ByteBuffer.wrap(buf, 0, len), isVideo ? video : audio) == 0 ? -1 : len;
                } catch (IOException e) {
                    return -1;
                }
            }

            @Override
            public void rtcp(byte[] buf, int len) {
                // the mountpoint has no RTCP port: Janus writes its own sender reports to viewers
            }
        };
    }

    @Override
    public void join(Peer v, Consumer<Peer> register) throws Exception {
        long session = api.createSession();
        long handle = api.attachStreaming(session);
        sessions.put(v.id, new long[] {session, handle});
        api.watch(session, handle, MOUNTPOINT);
        String offer = api.awaitOffer(session, 15_000);
        v.tOffer = System.nanoTime();
        SessionDescription d = Sdp.readRemote(offer, v);
        String answer = Sdp.viewerAnswer(d, v, cert, viewerRtx);
        v.absSendTimeId = 0; // Janus stamps abs-send-time itself when it sends: only the payload stamp is end to end
        register.accept(v);
        api.start(session, handle, answer);
        api.trickle(session, handle, d.media().get(0).mid().orElseThrow(),
                "candidate:1 1 udp 2130706431 " + viewerAddress.getHostAddress() + " " + v.localPort() + " typ host");
        v.tAnswerAccepted = System.nanoTime();
    }

    @Override
    public void leave(Peer v) throws IOException {
        long[] s = sessions.remove(v.id);
        if (s != null) {
            api.destroy(s[0]);
        }
    }

    /** Janus drops a session after 60 s without a request, as janus.js's keepalives prevent. */
    private void keepSessionsAlive() {
        while (true) {
            try {
                Thread.sleep(15_000);
                for (long[] s : sessions.values()) {
                    api.keepalive(s[0]);
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                Ramp.log("Janus keepalive failed: %s", e.getMessage());
            }
        }
    }

    @Override
    public JsonNode stats() throws IOException {
        ProcStat.Sample s = ProcStat.sample(process.pid());
        ObjectNode m = JSON.createObjectNode();
        m.put("processCpuNs", s.processCpuNanos());
        Map<String, Long> byName = new TreeMap<>();
        for (ProcStat.ThreadCpu t : s.threads().values()) {
            byName.merge(t.name().replaceAll("\\d+", "*"), t.cpuNanos(), Long::sum);
        }
        m.set("threadCpuNs", JSON.valueToTree(byName));
        m.put("rtpOut", -1);
        m.put("sendFailures", 0);
        m.put("publisherLost", 0);
        m.put("publisherRtpIn", -1);
        m.put("roomPacketsForwarded", -1);
        m.put("subscribers", sessions.size());
        return m;
    }

    @Override
    public void close() {
        keepalive.interrupt();
        for (long[] s : sessions.values()) {
            try {
                api.destroy(s[0]);
            } catch (IOException e) {
                break; // Janus is going anyway
            }
        }
        sessions.clear();
        try {
            if (publisherChannel != null) {
                publisherChannel.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Where Debian put Janus's plugins and transports ({@code /usr/lib/<multiarch>/janus}). */
    private static Path janusLibs() throws IOException {
        try (var dirs = Files.newDirectoryStream(Path.of("/usr/lib"))) {
            for (Path d : dirs) {
                if (Files.exists(d.resolve("janus/plugins/libjanus_streaming.so"))) {
                    return d.resolve("janus");
                }
            }
        }
        throw new IOException("Janus's streaming plugin is not installed: run bench/sfu-forwarding/setup.sh "
                + "(apt-get install janus)");
    }

    private static void link(Path target, Path link) throws IOException {
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, target);
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
