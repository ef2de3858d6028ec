package io.relaycast.web.media;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.relaycast.signaling.recording.Recording;
import io.relaycast.signaling.recording.RecordingRepository;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The recorder's files: {@code GET /vod/{recordingId}/recording.{mp4|webm}} and {@code .../thumbnail.jpg}, with
 * range requests. Paths never come from the URL: the id must be a UUID, the file is the one the recordings table
 * names, and it must lie inside the recordings folder (a row pointing elsewhere is not served).
 */
public final class VodRoutes {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** Finished recordings never change under their id. */
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /** A restricted stream's recording: the viewer's browser may keep it, no shared cache may. */
    private static final String PRIVATE_IMMUTABLE = "private, max-age=31536000, immutable";

    private final RecordingRepository recordings;
    private final Path root;
    private final PlaybackAccess access;

    public VodRoutes(RecordingRepository recordings, Path recordingsDir, PlaybackAccess access) {
        this.recordings = recordings;
        this.root = recordingsDir.toAbsolutePath().normalize();
        this.access = access;
    }

    public void register(Javalin app) {
        app.get("/vod/{recordingId}/recording.{ext}", this::recording);
        app.head("/vod/{recordingId}/recording.{ext}", this::recording);
        app.get("/vod/{recordingId}/thumbnail.jpg", this::thumbnail);
    }

    private void recording(Context ctx) throws IOException {
        String ext = ctx.pathParam("ext");
        Optional<Recording> r = ready(ctx.pathParam("recordingId"));
        if (r.isEmpty() || !ext.equals(r.get().format()) || r.get().filePath() == null) {
            notFound(ctx);
            return;
        }
        serve(ctx, r.get(), r.get().filePath(), ext.equals("webm") ? "video/webm" : "video/mp4");
    }

    private void thumbnail(Context ctx) throws IOException {
        Optional<Recording> r = ready(ctx.pathParam("recordingId"));
        if (r.isEmpty() || r.get().thumbnailPath() == null) {
            notFound(ctx);
            return;
        }
        serve(ctx, r.get(), r.get().thumbnailPath(), "image/jpeg");
    }

    private Optional<Recording> ready(String id) {
        if (!ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return recordings.find(id).filter(r -> "ready".equals(r.status()));
    }

    private void serve(Context ctx, Recording r, String stored, String type) throws IOException {
        Optional<PlaybackAccess.Grant> grant = access.check(ctx, r.streamId());
        Path file = Path.of(stored).toAbsolutePath().normalize();
        if (grant.isEmpty() || !file.startsWith(root) || !Files.isRegularFile(file)) {
            notFound(ctx);
            return;
        }
        FileResponses.serve(ctx, file, type, grant.get().restricted() ? PRIVATE_IMMUTABLE : IMMUTABLE);
    }

    private static void notFound(Context ctx) {
        ctx.status(404).contentType("text/plain").result("no such recording file");
    }
}
