package io.relaycast.signaling.stream;

import io.relaycast.signaling.error.ServiceException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The checks on a {@link StreamDraft}'s free-form fields, shared by create and update so both refuse the same
 * values with the same message. Each returns the value to store (stripped, de-duplicated) or throws
 * {@code VALIDATION_FAILED}; what a missing field means (default or unchanged) is the caller's business.
 */
final class StreamDraftValidator {
    private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{N} _.+#-]{1,32}");
    private static final int MAX_TAGS = 20;

    private StreamDraftValidator() {
    }

    static String title(String t) {
        if (t == null) {
            throw ServiceException.invalid("title is required");
        }
        String v = t.strip();
        if (v.isEmpty() || v.length() > 120) {
            throw ServiceException.invalid("title must be 1-120 characters");
        }
        return v;
    }

    static String description(String d) {
        if (d == null) {
            return "";
        }
        if (d.length() > 5000) {
            throw ServiceException.invalid("description must be at most 5000 characters");
        }
        return d.strip();
    }

    static String category(String c) {
        if (c == null || c.isBlank()) {
            return null;
        }
        String v = c.strip();
        if (v.length() > 64) {
            throw ServiceException.invalid("category must be at most 64 characters");
        }
        return v;
    }

    static List<String> tags(List<String> tags) {
        if (tags == null) {
            return List.of();
        }
        if (tags.size() > MAX_TAGS) {
            throw ServiceException.invalid("at most " + MAX_TAGS + " tags");
        }
        List<String> out = new ArrayList<>();
        for (String t : tags) {
            String v = t == null ? "" : t.strip();
            if (!TAG.matcher(v).matches()) {
                throw ServiceException.invalid("each tag must be 1-32 letters, digits, spaces or _.+#-");
            }
            if (!out.contains(v)) {
                out.add(v);
            }
        }
        return List.copyOf(out);
    }

    static Long scheduledAt(Long at, long now) {
        if (at == null) {
            return null;
        }
        if (at < now - 60_000) {
            throw ServiceException.invalid("scheduledAt must not be in the past");
        }
        return at;
    }

    static int slowModeSeconds(Integer given, int fallback, boolean slowMode) {
        int v = given == null ? fallback : given;
        if (v < 0 || v > 3600) {
            throw ServiceException.invalid("slowModeSeconds must be 0-3600");
        }
        if (slowMode && v == 0) {
            throw ServiceException.invalid("slowModeSeconds must be at least 1 in slow mode");
        }
        return v;
    }
}
