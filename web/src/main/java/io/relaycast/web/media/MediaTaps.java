package io.relaycast.web.media;

import io.relaycast.hls.HlsBridge;
import io.relaycast.hls.HlsConfig;
import io.relaycast.recorder.Recorder;
import io.relaycast.recorder.RecordingConfig;
import io.relaycast.recorder.RecordingStore;
import io.relaycast.sfu.Sfu;
import io.relaycast.sfu.tap.RoomTaps;
import io.relaycast.signaling.recording.Recording;
import io.relaycast.signaling.recording.RecordingRepository;
import io.relaycast.signaling.stream.Stream;
import io.relaycast.signaling.stream.StreamLifecycleListener;
import io.relaycast.signaling.stream.StreamService;
import io.relaycast.web.health.ReadinessCheck;

import java.nio.file.Path;
import java.util.Map;

/**
 * What taps the SFU's rooms on this node: the recorder (VOD) and the HLS bridge (with the live thumbnails), driven
 * by the streams' lifecycle. Taps need this
 * node's own SFU; with an external media plane there is nothing to tap and recording is off.
 */
public final class MediaTaps implements StreamLifecycleListener, AutoCloseable {
    private final RoomTaps taps;
    private final Recorder recorder;
    private final HlsBridge hls;
    private volatile java.util.function.Predicate<String> startHere = id -> true;

    private MediaTaps(RoomTaps taps, Recorder recorder, HlsBridge hls) {
        this.taps = taps;
        this.recorder = recorder;
        this.hls = hls;
    }

    /** Over given parts (tests: a bridge on no SFU's rooms). */
    static MediaTaps of(RoomTaps taps, Recorder recorder, HlsBridge hls) {
        return new MediaTaps(taps, recorder, hls);
    }

    /** @param thumbnails folder of the live thumbnails */
    public static MediaTaps start(Sfu sfu, RecordingConfig recording, RecordingRepository recordings, HlsConfig hls,
                                  Path thumbnails, StreamService streams) {
        if (sfu == null) {
            return new MediaTaps(null, null, null);
        }
        RoomTaps taps = new RoomTaps(sfu);
        MediaTaps m = new MediaTaps(taps, new Recorder(recording, taps, new Store(recordings)),
                new HlsBridge(hls, taps, thumbnails));
        streams.addListener(m);
        m.recorder.recoverUnfinished(); // recordings a crash left behind
        return m;
    }

    /** The recorder, or null without an SFU of our own. */
    public Recorder recorder() {
        return recorder;
    }

    /** The HLS bridge, or null without an SFU of our own. */
    public HlsBridge hls() {
        return hls;
    }

    /**
     * Taps start on a stream going live only where its publisher is (clustered: a REST start may land on a node the
     * encoder never reaches; the publish there starts them through {@link #onPublisherAttached}).
     */
    public void onlyWherePublished(java.util.function.Predicate<String> publishedHere) {
        this.startHere = publishedHere;
    }

    /**
     * The stream went live. Going live and its publisher attaching are told on different threads, often at the same
     * moment (a studio's publish does both): each starts only what is not running, under one lock, so a stream never
     * gets two HLS sessions or two recordings, the second replacing (and the first's cleanup deleting) the other's.
     */
    @Override
    public synchronized void onStarted(Stream stream) {
        if (startHere.test(stream.id())) {
            startMissing(stream);
        }
    }

    /** A publisher came back to a live stream (reconnect, or a publish after a restart): start what is not running. */
    @Override
    public synchronized void onPublisherAttached(Stream stream) {
        startMissing(stream);
    }

    private void startMissing(Stream stream) {
        if (hls != null && hls.session(stream.id()) == null) {
            hls.start(stream.id());
        }
        if (recorder != null && stream.recordingEnabled() && recorder.session(stream.id()) == null) {
            recorder.start(stream.id());
        }
    }

    @Override
    public synchronized void onEnded(Stream stream) {
        if (hls != null) {
            hls.stop(stream.id());
        }
        if (recorder != null) {
            recorder.stop(stream.id());
        }
    }

    /** Readiness detail for the recorder: not essential, a node without ffmpeg still serves live streams. */
    public ReadinessCheck recorderCheck() {
        return new ReadinessCheck() {
            @Override
            public String name() {
                return "recorder";
            }

            @Override
            public boolean essential() {
                return false;
            }

            @Override
            public Result check() {
                if (recorder == null) {
                    return new Result(true, "no local SFU: nothing to record");
                }
                Map<String, Object> h = recorder.health();
                Object last = h.get("lastError");
                String detail = !(Boolean) h.get("enabled") ? "recording disabled (relaycast.recording.enabled)"
                        : h.get("recording") + " recording(s)" + (last == null ? "" : "; last failure: " + last);
                return new Result((Boolean) h.get("ok"), detail);
            }
        };
    }

    @Override
    public void close() {
        if (hls != null) {
            hls.close();
        }
        if (recorder != null) {
            recorder.close();
        }
        if (taps != null) {
            taps.close();
        }
    }

    /** The recordings table as the recorder's store. */
    private record Store(RecordingRepository repo) implements RecordingStore {
        @Override
        public void started(String recordingId, String streamId, long startedAt) {
            repo.insert(new Recording(recordingId, streamId, "recording", null, null, null, null, null, startedAt,
                    null, null));
        }

        @Override
        public void ready(String recordingId, String filePath, String format, long durationMs, long sizeBytes,
                          String thumbnailPath, long endedAt) {
            repo.finish(recordingId, "ready", filePath, format, durationMs, sizeBytes, thumbnailPath, endedAt, null);
        }

        @Override
        public void failed(String recordingId, String error, long endedAt) {
            repo.finish(recordingId, "failed", null, null, null, null, null, endedAt, error);
        }

        @Override
        public java.util.List<Unfinished> unfinished() {
            return repo.unfinished().stream()
                    .map(e -> new Unfinished(e.getKey().id(), e.getKey().streamId(), e.getValue())).toList();
        }
    }
}
