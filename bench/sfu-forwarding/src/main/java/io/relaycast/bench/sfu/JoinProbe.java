package io.relaycast.bench.sfu;

import io.relaycast.load.rtc.*;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Join → first key frame: decrypting viewers joined one by one (1.2 s apart: past our SFU's 500 ms keyframe
 * throttle), with ICE, DTLS, first RTP and "PLI reached the publisher" on the way. Janus's RTP mountpoint has no
 * way to ask the publisher for a key frame, so there it measures the wait for the next periodic one (GOP 2 s).
 */
final class JoinProbe {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] NAMES = {"offerMs", "answerAcceptedMs", "firstCheckSentMs", "firstCheckAnsweredMs",
            "sfuFirstCheckMs", "iceDoneMs", "dtlsDoneMs", "firstRtpMs", "pliAtPublisherMs", "firstKeyframeMs"};
    private final Ramp ramp;

    JoinProbe(Ramp ramp) {
        this.ramp = ramp;
    }

    ObjectNode probe(int count) throws Exception {
        Pacer pacer = ramp.pacer;
        List<double[]> rows = new ArrayList<>();
        long kfBefore = pacer.keyframesOnRequest;
        for (int i = 0; i < count; i++) {
            Thread.sleep(1200);
            Peer v = ramp.join(true, false);
            long deadline = System.currentTimeMillis() + 10_000;
            while (v.tFirstKeyframe == 0 && v.failure == null && System.currentTimeMillis() < deadline) {
                Thread.sleep(1);
            }
            if (v.tFirstKeyframe != 0) {
                rows.add(new double[] {Ramp.ms(v.tOffer - v.tStart), Ramp.ms(v.tAnswerAccepted - v.tStart),
                        Ramp.ms(v.tFirstCheck - v.tStart), Ramp.ms(v.tFirstResponse - v.tStart),
                        Ramp.ms(v.tFirstSfuCheck - v.tStart), Ramp.ms(v.tIceDone - v.tStart),
                        Ramp.ms(v.tDtlsDone - v.tStart), Ramp.ms(v.tFirstRtp - v.tStart),
                        pacer.requestedAtNanos > v.tStart ? Ramp.ms(pacer.requestedAtNanos - v.tStart) : -1,
                        Ramp.ms(v.tFirstKeyframe - v.tStart)});
            } else {
                ramp.joinFailures++;
                Ramp.log("%s probe %s: no keyframe (%s)", ramp.target().name(), v.id, v.failure);
            }
            ramp.target().leave(v);
            v.close();
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("joins", rows.size());
        out.put("viewersAlready", ramp.viewers.size());
        for (int k = 0; k < NAMES.length; k++) {
            double[] col = new double[rows.size()];
            for (int i = 0; i < col.length; i++) {
                col[i] = rows.get(i)[k];
            }
            col = Ramp.sorted(col);
            ObjectNode c = out.putObject(NAMES[k]);
            c.put("median", col.length == 0 ? -1 : Ramp.round(col[col.length / 2]));
            c.put("min", col.length == 0 ? -1 : Ramp.round(col[0]));
            c.put("max", col.length == 0 ? -1 : Ramp.round(col[col.length - 1]));
        }
        ArrayNode samples = out.putArray("samples");
        for (double[] row : rows) {
            ObjectNode one = samples.addObject();
            for (int k = 0; k < NAMES.length; k++) {
                one.put(NAMES[k], Ramp.round(row[k]));
            }
        }
        out.put("keyframesOnRequest", pacer.keyframesOnRequest - kfBefore);
        out.put("publisherRequestToKeyframeMs", Ramp.round(Ramp.ms(pacer.lastRequestToKeyframeNanos)));
        if (count > 0) {
            Ramp.log("%s: join -> first keyframe with %d viewers watching: median %.1f ms, max %.1f ms (medians: offer %.1f, ICE %.1f, DTLS %.1f, first RTP %.1f, PLI at publisher %.1f)",
                    ramp.target().name(), ramp.viewers.size(), out.get("firstKeyframeMs").get("median").asDouble(),
                    out.get("firstKeyframeMs").get("max").asDouble(), out.get("offerMs").get("median").asDouble(),
                    out.get("iceDoneMs").get("median").asDouble(), out.get("dtlsDoneMs").get("median").asDouble(),
                    out.get("firstRtpMs").get("median").asDouble(), out.get("pliAtPublisherMs").get("median").asDouble());
        }
        return out;
    }
}
