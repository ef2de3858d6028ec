package io.relaycast.rtmp.server;

import io.relaycast.rtmp.RtmpConfig;
import io.relaycast.rtmp.amf.Amf0;
import io.relaycast.rtmp.chunk.ChunkEncoder;
import io.relaycast.rtmp.chunk.RtmpMessage;
import io.relaycast.rtmp.chunk.RtmpProtocolException;
import io.relaycast.rtmp.media.AvcDecoderConfiguration;
import io.relaycast.rtmp.media.IngestPublication;
import io.relaycast.rtmp.media.IngestHealth;
import io.relaycast.sfu.api.MediaPlane;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * The command side of one RTMP connection (RTMP 1.0 section 7.2): {@code connect} to app {@code live},
 * {@code releaseStream}/{@code FCPublish}/{@code createStream} as OBS and ffmpeg send them, {@code publish} with the
 * stream key as the stream name, then FLV audio/video into the SFU until {@code FCUnpublish}/{@code deleteStream} or
 * the connection ends. A refused or malformed session gets an error status ({@code _error} for connect, {@code
 * onStatus} level error for publish) and the connection is closed. The stream key is never logged: log lines name
 * the stream id once it is known.
 */
final class RtmpSession implements PublicationMedia.Events {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpSession.class);
    static final String APP = "live";
    private static final int MEDIA_STREAM_ID = 1;

    /** What the session needs of its connection; all calls on the connection's event loop. */
    interface Wire {
        void send(int csid, RtmpMessage m);

        void flush();

        void closeAfterFlush();

        /** The client is publishing: the handshake deadline no longer applies. */
        void publishing();

        void runOnLoop(Runnable task);

        void runOnLoopAfter(long millis, Runnable task);

        String remote();
    }

    private enum State { NEW, CONNECTED, AUTHORIZING, AWAITING_VIDEO, STARTING, PUBLISHING, ENDED }

    private final RtmpConfig config;
    private final PublishAdmission admission;
    private final PublicationMedia media;
    private final Executor blocking;
    private Wire wire;
    private State state = State.NEW;
    private boolean streamCreated;
    private volatile String streamId;
    private IngestPublication publication;
    private boolean replayScheduled;

    RtmpSession(RtmpConfig config, MediaPlane media, PublishGate gate, Executor blocking, PublishingStreams publishing) {
        this.config = config;
        this.admission = new PublishAdmission(config, media, gate, publishing);
        this.media = new PublicationMedia(config, this);
        this.blocking = blocking;
    }

    void attach(Wire wire) {
        this.wire = wire;
    }

    void onMessage(RtmpMessage m) {
        if (state == State.ENDED) {
            return;
        }
        try {
            switch (m.typeId()) {
                case RtmpMessage.COMMAND_AMF0 -> command(Amf0.readAll(m.payload()), m);
                case RtmpMessage.COMMAND_AMF3 -> command(Amf0.readAll(amf3Wrapped(m.payload())), m);
                case RtmpMessage.VIDEO, RtmpMessage.AUDIO -> media.onMedia(m);
                case RtmpMessage.DATA_AMF0 -> media.onData(m);
                default -> {
                    // AMF3 data, aggregates, shared objects: nothing we need
                }
            }
        } catch (RtmpProtocolException e) {
            refuseConnection("NetConnection.Call.Failed", e.getMessage());
        } catch (IOException e) {
            transcoderFailed(e);
        }
    }

    /** An AMF3 command message is AMF0 after one format octet (RTMP 1.0 section 7.1.1). */
    private static byte[] amf3Wrapped(byte[] p) {
        return p.length == 0 ? p : Arrays.copyOfRange(p, 1, p.length);
    }

    private void command(List<Object> values, RtmpMessage m) throws RtmpProtocolException {
        if (values.size() < 2 || !(values.get(0) instanceof String name) || !(values.get(1) instanceof Double txn)) {
            throw new RtmpProtocolException("a command must start with its name and transaction id");
        }
        switch (name) {
            case "connect" -> connect(txn, values.size() > 2 ? values.get(2) : null);
            case "releaseStream", "FCPublish", "getStreamLength" -> {
                requireConnected(name);
                result(txn, (Object) null);
            }
            case "createStream" -> {
                requireConnected(name);
                streamCreated = true;
                result(txn, null, (double) MEDIA_STREAM_ID);
            }
            case "publish" -> publish(txn, values, m.streamId());
            case "FCUnpublish", "deleteStream", "closeStream" -> {
                if (state != State.NEW && state != State.CONNECTED) {
                    LOG.info("RTMP {} stream {}: the encoder stopped ({})", wire.remote(), streamId, name);
                    endPublication();
                }
            }
            case "play", "play2" -> refusePublish(0, "NetStream.Play.Failed",
                    "this server takes publications only; watch over WebRTC, WHEP or HLS");
            default -> {
                // _checkbw, onBWDone answers and the like: not needed for publishing
            }
        }
    }

    private void requireConnected(String command) throws RtmpProtocolException {
        if (state == State.NEW) {
            throw new RtmpProtocolException(command + " before connect");
        }
    }

    private void connect(double txn, Object commandObject) {
        if (state != State.NEW) {
            refuseConnection("NetConnection.Connect.Rejected", "connect was already sent");
            return;
        }
        String app = commandObject instanceof Map<?, ?> o && o.get("app") instanceof String a ? a : null;
        if (app != null && app.endsWith("/")) {
            app = app.substring(0, app.length() - 1);
        }
        if (!APP.equals(app)) {
            refuseConnection("NetConnection.Connect.Rejected",
                    "unknown application; publish to rtmp://<host>:<port>/" + APP + "/<stream key>");
            return;
        }
        state = State.CONNECTED;
        wire.send(ChunkEncoder.CONTROL_CSID, ChunkEncoder.control(RtmpMessage.WINDOW_ACK_SIZE,
                RtmpConnection.SERVER_WINDOW));
        wire.send(ChunkEncoder.CONTROL_CSID, ChunkEncoder.peerBandwidth(RtmpConnection.SERVER_WINDOW, 2));
        wire.send(ChunkEncoder.CONTROL_CSID, ChunkEncoder.control(RtmpMessage.SET_CHUNK_SIZE, 4096));
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("fmsVer", "FMS/3,0,1,123");
        props.put("capabilities", 31.0);
        Map<String, Object> info = Replies.status("status", "NetConnection.Connect.Success", "Connection succeeded.");
        info.put("objectEncoding", 0.0);
        wire.send(ChunkEncoder.COMMAND_CSID, Replies.command(0, "_result", txn, props, info));
        wire.flush();
    }

    private void publish(double txn, List<Object> values, int messageStreamId) throws RtmpProtocolException {
        requireConnected("publish");
        if (!streamCreated || messageStreamId != MEDIA_STREAM_ID) {
            throw new RtmpProtocolException("publish on a stream that createStream did not create");
        }
        if (state != State.CONNECTED) {
            refusePublish(messageStreamId, PublishGate.PublishRefused.BAD_NAME, "this connection already publishes");
            return;
        }
        String key = values.size() > 3 && values.get(3) instanceof String s ? s : "";
        int query = key.indexOf('?');
        String streamKey = query >= 0 ? key.substring(0, query) : key;
        if (streamKey.isEmpty()) {
            refusePublish(messageStreamId, PublishGate.PublishRefused.BAD_NAME,
                    "the stream name must be your stream key");
            return;
        }
        state = State.AUTHORIZING;
        CompletableFuture.supplyAsync(() -> admission.admit(streamKey, this), blocking).whenComplete((admitted, error) ->
                wire.runOnLoop(() -> authorized(admitted, error)));
    }

    private void authorized(PublishAdmission.Admitted admitted, Throwable error) {
        if (error != null || admitted.refusal() != null) {
            String code = error != null ? "NetStream.Publish.Failed" : admitted.refusal().statusCode();
            String why = error != null ? "internal error" : admitted.refusal().getMessage();
            if (error != null) {
                LOG.warn("RTMP {}: publish failed", wire.remote(), error);
            } else {
                LOG.info("RTMP {}: publish refused{}: {}", wire.remote(),
                        admitted.streamId() == null ? "" : " on stream " + admitted.streamId(), why);
            }
            refusePublish(MEDIA_STREAM_ID, code, why);
            return;
        }
        streamId = admitted.streamId();
        if (state != State.AUTHORIZING) { // the client went away meanwhile
            admission.release(streamId, this);
            return;
        }
        state = State.AWAITING_VIDEO;
        media.awaitConfiguration();
        LOG.info("RTMP {}: key accepted for stream {}; waiting for the H.264 configuration", wire.remote(), streamId);
        wire.send(ChunkEncoder.CONTROL_CSID, ChunkEncoder.streamBegin(MEDIA_STREAM_ID));
        wire.send(5, new RtmpMessage(RtmpMessage.COMMAND_AMF0, MEDIA_STREAM_ID, 0, Amf0.write("onStatus", 0.0, null,
                Replies.status("status", "NetStream.Publish.Start", "Publishing stream " + streamId + "."))));
        wire.flush();
    }

    /**
     * The SFU publication starts with the AVC sequence header, so its SDP carries the source's SPS and PPS
     * (sprop-parameter-sets: ffmpeg needs them to remux the top HLS rendition). Media until it is ready is held.
     */
    @Override
    public void configured(AvcDecoderConfiguration avc) {
        state = State.STARTING;
        wire.publishing(); // the client did its part: a slow server must not trip the client's deadline
        String id = streamId;
        CompletableFuture.supplyAsync(() -> {
            try {
                return admission.open(id, avc);
            } catch (PublishGate.PublishRefused e) {
                throw new CompletionException(e);
            }
        }, blocking).whenComplete((ingest, error) -> wire.runOnLoop(() -> started(ingest, error)));
    }

    private void started(IngestPublication ingest, Throwable error) {
        if (error != null) {
            admission.release(streamId, this);
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof PublishGate.PublishRefused r) {
                LOG.info("RTMP {}: stream {} cannot go live: {}", wire.remote(), streamId, r.getMessage());
                refusePublish(MEDIA_STREAM_ID, r.statusCode(), r.getMessage());
            } else {
                LOG.warn("RTMP {}: stream {} could not start", wire.remote(), streamId, cause);
                refusePublish(MEDIA_STREAM_ID, "NetStream.Publish.Failed", "internal error");
            }
            return;
        }
        publication = ingest;
        if (state != State.STARTING) { // the client went away meanwhile: undo
            state = State.PUBLISHING;
            endPublication();
            return;
        }
        state = State.PUBLISHING;
        wire.publishing();
        LOG.info("RTMP {}: publishing stream {}", wire.remote(), streamId);
        guarded(() -> media.started(ingest));
        ingest.onKeyframeRequest(() -> wire.runOnLoop(this::consumerAsked));
    }

    /**
     * A viewer or tap asked for a keyframe. The GOP cache goes out {@code gop-cache.join-delay} after the first such
     * request: a tap asks when it attaches to the room, before its ffmpeg reader listens (decision 241).
     */
    private void consumerAsked() {
        if (state != State.PUBLISHING || replayScheduled) {
            return;
        }
        replayScheduled = true;
        wire.runOnLoopAfter(config.gopCacheJoinDelay().toMillis(), () -> {
            if (state == State.PUBLISHING) {
                guarded(media::consumerAsked);
            }
        });
    }

    private interface MediaStep {
        void run() throws IOException;
    }

    /** A media step on the loop; the audio transcoder failing to start ends the publication. */
    private void guarded(MediaStep step) {
        try {
            step.run();
        } catch (IOException e) {
            transcoderFailed(e);
        }
    }

    private void transcoderFailed(IOException e) {
        LOG.warn("RTMP {} stream {}: audio transcoder could not start: {}", wire.remote(), streamId, e.toString());
        endPublication();
        wire.closeAfterFlush();
    }

    @Override
    public void unsupportedVideo(int codecId) {
        LOG.info("RTMP {} stream {}: video is not H.264 (FLV codec id {}); closing", wire.remote(), streamId, codecId);
        refusePublish(MEDIA_STREAM_ID, "NetStream.Publish.Failed", "only H.264 video is supported");
    }

    @Override
    public void keyframeIntervalTooLong(long intervalMillis) {
        LOG.info("RTMP {} stream {}: the encoder sends a keyframe every {} ms; viewers joining after the first wait"
                + " up to that long (set the encoder's keyframe interval to 1-2 s)", wire.remote(), streamId,
                intervalMillis);
    }

    @Override
    public void unsupportedAudio() {
        LOG.info("RTMP {} stream {}: audio is not AAC; it is dropped", wire.remote(), streamId);
    }

    /** The SFU ended the publication (the stream was ended, or another publisher replaced us). */
    @Override
    public void stoppedBySfu() {
        LOG.info("RTMP {} stream {}: the publication was ended on the server; closing", wire.remote(), streamId);
        refusePublish(MEDIA_STREAM_ID, "NetStream.Publish.Failed", "the stream was ended or taken over");
    }

    private void refuseConnection(String code, String description) {
        wire.send(ChunkEncoder.COMMAND_CSID, Replies.command(0, "_error", 1.0, null,
                Replies.status("error", code, description)));
        LOG.info("RTMP {}: {} ({}); closing", wire.remote(), code, description);
        endPublication();
        wire.closeAfterFlush();
    }

    private void refusePublish(int messageStreamId, String code, String description) {
        wire.send(5, new RtmpMessage(RtmpMessage.COMMAND_AMF0, messageStreamId, 0,
                Amf0.write("onStatus", 0.0, null, Replies.status("error", code, description))));
        endPublication();
        wire.closeAfterFlush();
    }

    private void result(double txn, Object... args) {
        wire.send(ChunkEncoder.COMMAND_CSID, Replies.command(0, "_result", txn, args));
        wire.flush();
    }

    /** The connection is gone. */
    void closed() {
        endPublication();
    }

    private void endPublication() {
        State was = state;
        state = State.ENDED;
        media.end();
        if (was == State.AWAITING_VIDEO) {
            admission.release(streamId, this); // admitted, but the SFU publication never started
        }
        if (was != State.PUBLISHING || publication == null) {
            return; // STARTING: started() undoes it when the SFU answers
        }
        boolean stillOurs = publication.isOpen();
        publication.close();
        String id = streamId;
        admission.release(id, this);
        LOG.info("RTMP {}: stream {} ended ({}, {})", wire.remote(), id, publication.stats(), media.stats());
        if (stillOurs) {
            blocking.execute(() -> {
                try {
                    admission.ended(id);
                } catch (RuntimeException e) {
                    LOG.warn("RTMP: stream {} could not be ended", id, e);
                }
            });
        }
    }

    /** The encoder's stream as measured at the ingest (null before its key was accepted). */
    IngestHealth.Reading health() {
        return streamId == null ? null : media.health().read(System.currentTimeMillis());
    }
}
