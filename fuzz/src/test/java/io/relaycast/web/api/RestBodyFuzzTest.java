package io.relaycast.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.stream.StreamDraft;
import io.relaycast.web.http.Json;
import io.relaycast.web.http.JsonBody;
import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * REST request bodies as every route reads them: {@link JsonBody#parse} with the HTTP edge's one mapper (nesting
 * capped at 32), then the typed field reads (string, boolean, whole number, number, decimal, string list, ISO-8601
 * instant) under every field name a route reads, and the stream create/update request ({@code StreamRoutes.draft}).
 * Contract: only {@link ServiceException} with {@code BAD_JSON}, {@code INVALID_FIELD} or {@code VALIDATION_FAILED} (a 400 naming the
 * field), never a 500; values read are the JSON's (a whole number fits an int, a decimal is stripped of trailing
 * zeros, a list holds only strings).
 */
class RestBodyFuzzTest {
    private static final ObjectMapper MAPPER = Json.mapper();
    private static final Set<ErrorCode> CLIENT_ERRORS = EnumSet.of(ErrorCode.BAD_JSON, ErrorCode.INVALID_FIELD, ErrorCode.VALIDATION_FAILED);
    /** Every field name a route reads from a body (StreamRoutes, AuthRoutes, ShopRoutes, EngagementRoutes, ...). */
    private static final List<String> FIELDS = List.of("title", "description", "category", "tags", "quality",
            "visibility", "scheduledAt", "recordingEnabled", "chatEnabled", "reactionsEnabled", "chatMode",
            "slowModeSeconds", "name", "userId", "roles", "content", "sessionId", "type", "x", "y", "url", "imageUrl",
            "price", "currency", "durationSeconds", "reason", "orderId", "featuredId", "productId", "buyerId",
            "quantity", "amount", "events");

    @FuzzTest(maxDuration = "10m")
    void body(byte[] bytes) {
        JsonBody body;
        try {
            body = JsonBody.parse(bytes, MAPPER);
        } catch (ServiceException refused) {
            assertEquals(ErrorCode.BAD_JSON, refused.code());
            return;
        }
        for (String name : FIELDS) {
            body.has(name);
            read(() -> body.string(name));
            read(() -> body.bool(name));
            read(() -> body.integer(name));
            read(() -> body.number(name));
            BigDecimal d = read(() -> body.decimal(name));
            if (d != null) {
                assertTrue(d.signum() == 0 || d.unscaledValue().mod(java.math.BigInteger.TEN).signum() != 0, "trailing zeros stripped");
            }
            List<String> list = read(() -> body.stringList(name));
            if (list != null) {
                list.forEach(s -> assertTrue(s != null));
            }
            read(() -> body.instant(name));
        }
        read(() -> StreamRoutes.draft(body, true));
        StreamDraft update = read(() -> StreamRoutes.draft(body, false));
        if (update != null && update.title() != null) {
            assertTrue(!update.title().isBlank(), "an update never blanks the title");
        }
    }

    private static <T> T read(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (ServiceException refused) {
            assertTrue(CLIENT_ERRORS.contains(refused.code()), "a bad body is the client's error, not " + refused.code());
            return null;
        }
    }
}
