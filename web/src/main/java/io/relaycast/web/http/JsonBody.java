package io.relaycast.web.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * A request's JSON object with typed, strict field access: unknown fields are ignored, a present field of
 * the wrong type is a 400 {@code INVALID_FIELD} naming it (no "123" → 123 coercion), JSON {@code null}
 * counts as absent.
 */
public final class JsonBody {
    private final JsonNode root;

    private JsonBody(JsonNode root) {
        this.root = root;
    }

    /** Reads at most {@code maxBytes}; an empty body is an empty object. */
    public static JsonBody read(Context ctx, ObjectMapper mapper, long maxBytes) {
        String type = ctx.contentType();
        if (type != null && !type.isBlank() && !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ServiceException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json");
        }
        return parse(readLimited(ctx, maxBytes), mapper);
    }

    /**
     * The body's bytes as a JSON object: empty, {@code null} or absent is an empty object; anything but an object is
     * 400 {@code BAD_JSON}. Never throws anything but {@link ServiceException} (RestBodyFuzzTest holds it to that).
     */
    public static JsonBody parse(byte[] bytes, ObjectMapper mapper) {
        if (bytes.length == 0) {
            return new JsonBody(mapper.createObjectNode());
        }
        JsonNode node;
        try {
            node = mapper.readTree(bytes);
        } catch (JacksonException e) {
            throw new ServiceException(ErrorCode.BAD_JSON, "body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ServiceException(ErrorCode.BAD_JSON, "body could not be read");
        }
        if (node == null || node.isMissingNode() || node.isNull()) {
            return new JsonBody(mapper.createObjectNode());
        }
        if (!node.isObject()) {
            throw new ServiceException(ErrorCode.BAD_JSON, "body must be a JSON object");
        }
        return new JsonBody(node);
    }

    static byte[] readLimited(Context ctx, long maxBytes) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge(maxBytes);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw tooLarge(maxBytes);
            }
            return bytes;
        } catch (IOException e) {
            throw new ServiceException(ErrorCode.BAD_JSON, "body could not be read");
        }
    }

    private static ServiceException tooLarge(long maxBytes) {
        return new ServiceException(ErrorCode.PAYLOAD_TOO_LARGE, "body is larger than " + maxBytes + " bytes");
    }

    public boolean has(String name) {
        JsonNode n = root.get(name);
        return n != null && !n.isNull();
    }

    public String string(String name) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw wrongType(name, "a string");
        }
        return n.textValue();
    }

    public Boolean bool(String name) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isBoolean()) {
            throw wrongType(name, "true or false");
        }
        return n.booleanValue();
    }

    public Integer integer(String name) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw wrongType(name, "a whole number");
        }
        return n.intValue();
    }

    public Double number(String name) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw wrongType(name, "a number");
        }
        return n.doubleValue();
    }

    public BigDecimal decimal(String name) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw wrongType(name, "a number");
        }
        return n.decimalValue().stripTrailingZeros();
    }

    public List<String> stringList(String name) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw wrongType(name, "an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw wrongType(name, "an array of strings");
            }
            out.add(e.textValue());
        }
        return out;
    }

    /** An ISO-8601 instant with offset, e.g. {@code 2026-12-01T18:00:00Z}, as epoch millis. */
    public Long instant(String name) {
        String s = string(name);
        if (s == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(s).toEpochMilli();
            } catch (DateTimeParseException e2) {
                throw new ServiceException(ErrorCode.INVALID_FIELD, "'" + name + "' must be an ISO-8601 date-time such as 2026-12-01T18:00:00Z");
            }
        }
    }

    private static ServiceException wrongType(String name, String expected) {
        return new ServiceException(ErrorCode.INVALID_FIELD, "'" + name + "' must be " + expected);
    }
}
