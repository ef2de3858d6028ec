package io.relaycast.bench.sfu;

import io.relaycast.load.rtc.*;
import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.sfu.dtls.DtlsCertificate;
import io.relaycast.sfu.sdp.SessionDescription;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** Our SFU in its own JVM ({@link SfuServer}), optionally pinned with {@code taskset}, driven by {@link Control}. */
final class RelaycastTarget implements Target {
    static final String STREAM = "bench";

    private final Control sfu;
    private final DtlsCertificate cert;
    private final boolean viewerRtx;
    Peer publisher;

    RelaycastTarget(String javaOpts, String cpus, String log, DtlsCertificate cert, boolean viewerRtx)
            throws Exception {
        this.cert = cert;
        this.viewerRtx = viewerRtx;
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        if (!cpus.isEmpty()) {
            cmd.addAll(List.of("taskset", "-c", cpus));
        }
        cmd.add(javaBin);
        cmd.addAll(Arrays.asList(javaOpts.split(" ")));
        cmd.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
                System.getProperty("java.class.path"), SfuServer.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectError(new File(log)).start();
        this.sfu = new Control(p);
    }

    @Override
    public String name() {
        return "relaycast";
    }

    @Override
    public long pid() {
        return sfu.pid;
    }

    int udpPort() {
        return sfu.udpPort;
    }

    @Override
    public Set<Integer> ingressPorts() {
        return Set.of(sfu.udpPort);
    }

    @Override
    public Pacer.Sink startPublisher(Ramp ramp, Runnable keyframeRequests) throws Exception {
        publisher = new Peer("pub", Peer.Role.PUBLISHER, false, cert, 1 << 20);
        publisher.tStart = System.nanoTime();
        String answer = sfu.publish(STREAM, publisher.id, Sdp.publisherOffer(publisher, cert, Ramp.AUDIO_SSRC,
                Ramp.VIDEO_SSRC, Ramp.RTX_SSRC));
        Sdp.readRemote(answer, publisher);
        publisher.onKeyframeRequest = keyframeRequests;
        ramp.register(publisher);
        Ramp.awaitReady(List.of(publisher), 10_000);
        if (!publisher.isReady()) {
            throw new IllegalStateException("the publisher did not connect to our SFU: " + publisher.failure);
        }
        Ramp.log("publisher connected in %.1f ms (ICE %.1f, DTLS %.1f)", Ramp.ms(publisher.tDtlsDone - publisher.tStart),
                Ramp.ms(publisher.tIceDone - publisher.tStart), Ramp.ms(publisher.tDtlsDone - publisher.tIceDone));
        return Pacer.srtp(publisher);
    }

    @Override
    public void join(Peer v, Consumer<Peer> register) throws Exception {
        String offer = sfu.subscribe(STREAM, v.id);
        v.tOffer = System.nanoTime();
        SessionDescription d = Sdp.readRemote(offer, v);
        String answer = Sdp.viewerAnswer(d, v, cert, viewerRtx);
        register.accept(v);
        sfu.answer(STREAM, v.id, answer);
        v.tAnswerAccepted = System.nanoTime();
    }

    @Override
    public void leave(Peer v) throws Exception {
        sfu.closePeer(STREAM, v.id);
    }

    @Override
    public JsonNode stats() throws Exception {
        return sfu.stats(STREAM);
    }

    @Override
    public void close() {
        if (publisher != null) {
            publisher.close();
        }
        sfu.close();
    }
}
