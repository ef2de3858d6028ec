package io.relaycast.signaling.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.corundumstudio.socketio.protocol.Event;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.sfu.api.IceCandidate;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Socket.IO event payloads the way the gateway reads them: the event array after the packet type and ack id
 * ({@code ["stream:join", {...}]}) through our {@link GuardedJsonSupport} over netty-socketio's Jackson layer (with the
 * JsonNode mapping every handler registers), then {@link Payload} and the typed reads each handler makes before it
 * does anything (streamId, SDP, candidate, numbers...). Contract: decoding either yields an event we serve, or
 * {@code UNKNOWN} (name cut to 64 chars) / {@code OVERSIZE}, or an {@link IOException} (netty-socketio then drops
 * that connection); the typed reads throw only {@link ServiceException} with {@code INVALID_FIELD} or
 * {@code PAYLOAD_TOO_LARGE}, which the client gets as {@code stream:error}.
 */
class SocketIoPayloadFuzzTest {
    /** The gateway's default ({@code relaycast.signaling.max-event-bytes}); small inputs stay under it. */
    private static final int MAX_EVENT_BYTES = 64 * 1024;
    private static final Set<ErrorCode> CLIENT_ERRORS = EnumSet.of(ErrorCode.INVALID_FIELD, ErrorCode.PAYLOAD_TOO_LARGE);
    private final GuardedJsonSupport json;

    SocketIoPayloadFuzzTest() {
        JacksonJsonSupport jackson = new JacksonJsonSupport();
        GuardedJsonSupport guarded = new GuardedJsonSupport(jackson, MAX_EVENT_BYTES);
        for (String event : Events.CLIENT_EVENTS) {
            guarded.addEventMapping("", event, JsonNode.class); // what server.addEventListener(event, JsonNode.class, ..) does
        }
        guarded.addEventMapping("", Events.UNKNOWN, Object.class);
        guarded.addEventMapping("", Events.OVERSIZE, Object.class);
        this.json = guarded;
    }

    @FuzzTest(maxDuration = "10m")
    void event(byte[] frame) {
        Event e;
        try {
            e = json.readValue("", new ByteBufInputStream(Unpooled.wrappedBuffer(frame)), Event.class);
        } catch (IOException malformed) {
            return; // netty-socketio's decoder fails the packet; the connection is closed, others are not touched
        }
        if (e == null) {
            return;
        }
        String name = e.getName();
        if (Events.UNKNOWN.equals(name)) {
            assertTrue(String.valueOf(e.getArgs().get(0)).length() <= 64, "the unknown name is echoed cut to 64 chars");
            return;
        }
        if (Events.OVERSIZE.equals(name)) {
            assertTrue(frame.length > MAX_EVENT_BYTES);
            return;
        }
        assertTrue(Events.CLIENT_EVENTS.contains(name), "only events we serve reach a handler: " + name);
        List<Object> args = e.getArgs();
        Object data = args == null || args.isEmpty() ? null : args.get(0); // netty-socketio hands the first argument
        try {
            readAsHandlerDoes(name, Payload.of(data));
        } catch (ServiceException refused) {
            assertTrue(CLIENT_ERRORS.contains(refused.code()), "a bad payload is the client's error: " + refused.code());
        }
    }

    /** The reads WebRtcHandlers and ChatHandlers make first, with the same names and limits. */
    private static void readAsHandlerDoes(String event, Payload p) {
        String streamId = p.requiredString("streamId", 64);
        assertTrue(!streamId.isEmpty() && streamId.length() <= 64);
        switch (event) {
            case Events.OFFER -> assertTrue(p.sdp("offer", WebRtcHandlers.MAX_SDP_BYTES).length() <= WebRtcHandlers.MAX_SDP_BYTES);
            case Events.ANSWER -> assertTrue(p.sdp("answer", WebRtcHandlers.MAX_SDP_BYTES).length() <= WebRtcHandlers.MAX_SDP_BYTES);
            case Events.ICE_CANDIDATE -> {
                IceCandidate c = WebRtcHandlers.candidate(p);
                assertTrue(c.candidate() != null && c.candidate().length() <= 1024);
            }
            case Events.QUALITY_UPDATE -> {
                for (String field : new String[] {"bitrate", "width", "height", "fps", "packetLoss", "rtt"}) {
                    p.optionalNumber(field);
                }
            }
            case Events.QUALITY -> assertTrue(p.requiredString("quality", 16).length() <= 16);
            case Events.CHAT_MESSAGE -> p.optionalString("message");
            case Events.CHAT_PIN, Events.CHAT_DELETE -> p.requiredString("id", 64);
            case Events.REACTION -> {
                p.requiredString("type", 16);
                p.optionalNumber("x");
                p.optionalNumber("y");
            }
            case Events.JOIN, Events.LEAVE, Events.ICE_RESTART, Events.END, Events.JOIN_LIVESTREAM,
                 Events.LEAVE_LIVESTREAM -> {
                // streamId only
            }
            default -> fail("a client event without a case here: " + event);
        }
    }
}
