package io.relaycast.signaling.stream;

import java.util.List;

/**
 * The editable fields of a stream as a client sent them; {@code null} means "not given" (defaults on
 * create, unchanged on update). Values are checked by {@link StreamDraftValidator} when {@link StreamService}
 * creates or updates a stream.
 */
public record StreamDraft(
        String title,
        String description,
        String category,
        List<String> tags,
        String quality,
        String visibility,
        Long scheduledAt,
        Boolean recordingEnabled,
        Boolean chatEnabled,
        Boolean reactionsEnabled,
        String chatMode,
        Integer slowModeSeconds) {
}
