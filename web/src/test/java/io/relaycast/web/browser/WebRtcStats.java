package io.relaycast.web.browser;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a page's RTCPeerConnection reports through getStats(), reduced to the numbers the
 * media tests assert on.
 *
 * <p>Counters are summed over all inbound streams of a kind (a viewer normally has one of each);
 * framesPerSecond is the highest. {@code availableOutgoingBitrate} and the candidate types come from
 * the selected candidate pair and are null until ICE has selected one; the bitrate is only
 * estimated on the sending side.
 */
public record WebRtcStats(
        long videoFramesDecoded,
        double videoFramesPerSecond,
        long videoFreezeCount,
        long videoNackCount,
        long audioPacketsReceived,
        long audioSamplesReceived,
        Double availableOutgoingBitrate,
        String localCandidateType,
        String remoteCandidateType) {

    /** A global variable or property path such as {@code pc2} or {@code app.viewer.pc}. */
    private static final Pattern JS_PATH = Pattern.compile("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*");

    /** Reads the stats of the RTCPeerConnection the page holds in {@code pcVariable}. */
    public static WebRtcStats read(WebBrowser browser, String pcVariable) {
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) browser.executeAsync(script(pcVariable));
        if (r.get("error") != null) {
            throw new AssertionError("WebRTC stats of " + pcVariable + ": " + r.get("error")
                    + "\nbrowser console:\n" + String.join("\n", browser.consoleLog()));
        }
        return new WebRtcStats(
                count(r, "framesDecoded"), number(r, "framesPerSecond"), count(r, "freezeCount"),
                count(r, "nackCount"), count(r, "audioPacketsReceived"), count(r, "audioSamplesReceived"),
                r.get("availableOutgoingBitrate") == null ? null : number(r, "availableOutgoingBitrate"),
                (String) r.get("localCandidateType"), (String) r.get("remoteCandidateType"));
    }

    /**
     * The async script for {@link WebBrowser#executeAsync(String, Object...)}. The variable is written
     * into the script, not looked up with eval, because `let`/`const` globals are not properties of
     * window and pages with a strict CSP forbid eval; the pattern check keeps that injection-free.
     */
    public static String script(String pcVariable) {
        if (!JS_PATH.matcher(pcVariable).matches()) {
            throw new IllegalArgumentException("not a JS variable or property path: " + pcVariable);
        }
        return """
                const done = arguments[arguments.length - 1];
                let target;
                try { target = %s; } catch (e) { done({ error: String(e) }); return; }
                if (!(target instanceof RTCPeerConnection)) {
                  done({ error: '%s is not an RTCPeerConnection but ' + target }); return;
                }
                target.getStats().then(report => {
                  const out = { framesDecoded: 0, framesPerSecond: 0, freezeCount: 0, nackCount: 0,
                                audioPacketsReceived: 0, audioSamplesReceived: 0,
                                availableOutgoingBitrate: null, localCandidateType: null, remoteCandidateType: null };
                  let pair = null;
                  report.forEach(s => {
                    if (s.type === 'inbound-rtp' && s.kind === 'video') {
                      out.framesDecoded += s.framesDecoded || 0;
                      out.framesPerSecond = Math.max(out.framesPerSecond, s.framesPerSecond || 0);
                      out.freezeCount += s.freezeCount || 0;
                      out.nackCount += s.nackCount || 0;
                    } else if (s.type === 'inbound-rtp' && s.kind === 'audio') {
                      out.audioPacketsReceived += s.packetsReceived || 0;
                      out.audioSamplesReceived += s.totalSamplesReceived || 0;
                    } else if (s.type === 'transport' && s.selectedCandidatePairId) {
                      pair = report.get(s.selectedCandidatePairId);
                    }
                  });
                  if (!pair) {
                    // Firefox and bundle-less setups mark the pair itself instead of the transport
                    report.forEach(s => {
                      if (s.type === 'candidate-pair' && (s.selected || (s.nominated && s.state === 'succeeded'))) pair = s;
                    });
                  }
                  if (pair) {
                    if (pair.availableOutgoingBitrate !== undefined) out.availableOutgoingBitrate = pair.availableOutgoingBitrate;
                    const local = report.get(pair.localCandidateId), remote = report.get(pair.remoteCandidateId);
                    out.localCandidateType = local ? local.candidateType : null;
                    out.remoteCandidateType = remote ? remote.candidateType : null;
                  }
                  done(out);
                }, e => done({ error: String(e) }));
                """.formatted(pcVariable, pcVariable);
    }

    private static long count(Map<String, Object> r, String key) {
        return ((Number) r.get(key)).longValue();
    }

    private static double number(Map<String, Object> r, String key) {
        return ((Number) r.get(key)).doubleValue();
    }
}
