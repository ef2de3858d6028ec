package io.relaycast.signaling.gateway;

import io.relaycast.sfu.api.IceCandidate;
import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.api.MediaPlane;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test double for the SFU (the gateway's tests only; the media plane's own tests use the real one): records
 * the calls, answers with fixed SDP, trickles one candidate back, and refuses SDP that says "bad".
 */
public final class RecordingMediaPlane implements MediaPlane {
    public final List<String> calls = new CopyOnWriteArrayList<>();
    public final Map<String, CandidateSink> sinks = new ConcurrentHashMap<>();
    public final Map<String, String> published = new ConcurrentHashMap<>();

    @Override
    public String publish(String streamId, String peerId, String sdpOffer, CandidateSink candidates) throws MediaException {
        if (sdpOffer.contains("bad")) {
            throw new MediaException("SDP_MALFORMED", "line 1: not an SDP offer");
        }
        calls.add("publish " + streamId + " " + peerId);
        if (sdpOffer.contains("slow")) {
            slowPublish(); // a media plane that takes its time: keeps a handler thread busy
        }
        sinks.put(peerId, candidates);
        published.put(streamId, peerId);
        candidates.onLocalCandidate(new IceCandidate("candidate:1 1 udp 2130706431 127.0.0.1 10000 typ host", "0", 0));
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=answer-for-" + peerId + "\r\n";
    }

    @Override
    public String subscribe(String streamId, String peerId, CandidateSink candidates) throws MediaException {
        if (!published.containsKey(streamId)) {
            throw new MediaException("NOT_PUBLISHED", "nobody publishes this stream yet");
        }
        calls.add("subscribe " + streamId + " " + peerId);
        sinks.put(peerId, candidates);
        return "v=0\r\no=- 2 1 IN IP4 127.0.0.1\r\ns=offer-for-" + peerId + "\r\n";
    }

    @Override
    public String answerViewer(String streamId, String peerId, String sdpOffer, CandidateSink candidates) throws MediaException {
        if (!published.containsKey(streamId)) {
            throw new MediaException("NOT_PUBLISHED", "nobody publishes this stream yet");
        }
        if (sdpOffer.contains("bad")) {
            throw new MediaException("SDP_MALFORMED", "not an SDP offer");
        }
        calls.add("answerViewer " + streamId + " " + peerId);
        sinks.put(peerId, candidates);
        return "v=0\r\no=- 3 1 IN IP4 127.0.0.1\r\ns=whep-answer-for-" + peerId + "\r\n";
    }

    @Override
    public void acceptAnswer(String streamId, String peerId, String sdpAnswer) throws MediaException {
        if (sdpAnswer.contains("bad")) {
            throw new MediaException("SDP_MALFORMED", "not an SDP answer");
        }
        calls.add("answer " + streamId + " " + peerId);
    }

    @Override
    public void addRemoteCandidate(String streamId, String peerId, IceCandidate candidate) {
        calls.add("candidate " + streamId + " " + peerId + " " + candidate.candidate());
    }

    /** Ufrags starting with "new" restart (fixed server credentials back); others are the current generation. */
    @Override
    public IceRestartAnswer restartIceAnswering(String streamId, String peerId, String remoteUfrag, String remotePassword,
                                                List<String> remoteCandidates, boolean endOfCandidates)
            throws MediaException {
        calls.add("restart " + streamId + " " + peerId + " " + remoteUfrag + " " + remoteCandidates.size());
        if (!remoteUfrag.startsWith("new")) {
            throw new MediaException("ICE_CREDENTIALS_UNCHANGED", "same generation");
        }
        return new IceRestartAnswer("srvU", "srvPasswordSrvPassword1",
                List.of("candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host"));
    }

    @Override
    public String restartIce(String streamId, String peerId) throws MediaException {
        calls.add("restartIce " + streamId + " " + peerId);
        return "restart-offer-for:" + peerId;
    }

    @Override
    public void setQuality(String streamId, String peerId, String quality) {
        calls.add("quality " + streamId + " " + peerId + " " + quality);
    }

    @Override
    public void close(String streamId, String peerId) {
        calls.add("close " + streamId + " " + peerId);
        published.remove(streamId, peerId);
    }

    @Override
    public void closeStream(String streamId) {
        calls.add("closeStream " + streamId);
        published.remove(streamId);
    }

    /** How long an offer containing "slow" takes; a test occupies the handler pool with it. */
    public volatile long slowPublishMillis = 3000;

    private void slowPublish() {
        try {
            Thread.sleep(slowPublishMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isPublished(String streamId) {
        return published.containsKey(streamId);
    }
}
