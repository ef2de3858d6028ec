package io.relaycast.signaling.gateway;

import com.corundumstudio.socketio.AckRequest;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.sfu.api.MediaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

/**
 * Turns Socket.IO events into {@link Handler} calls on the connection's {@link SerialExecutor} (never on Netty's
 * threads), sends the handler's result as the ack, and answers every refusal with {@code stream:error}.
 */
final class EventDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);

    /** A request handler: returns the ack payload (or null for {@code {ok:true}}). */
    @FunctionalInterface
    interface Handler {
        Object handle(ClientSession session, SocketIOClient client, Payload payload) throws MediaException;
    }

    private final SocketIOServer server;
    private final ClientSessions sessions;

    EventDispatcher(SocketIOServer server, ClientSessions sessions) {
        this.server = server;
        this.sessions = sessions;
    }

    void on(String event, Handler handler) {
        server.addEventListener(event, JsonNode.class, (client, data, ack) -> {
            ClientSession s = sessions.get(client.getSessionId());
            if (s == null) {
                error(client, ack, event, new ServiceException(ErrorCode.UNAUTHENTICATED, "not authenticated"));
                return;
            }
            try {
                s.executor.execute(() -> run(event, handler, s, client, data, ack));
            } catch (RejectedExecutionException e) {
                error(client, ack, event, new ServiceException(ErrorCode.RATE_LIMITED, "too many pending events; slow down"));
            }
        });
    }

    /**
     * Answers the two events {@link GuardedJsonSupport} makes of what it would not parse: an unknown event name,
     * and an event above {@code maxEventBytes}. Both are answered; the connection is kept.
     */
    void refuseUnknownAndOversize(int maxEventBytes) {
        server.addEventListener(Events.UNKNOWN, Object.class, (client, data, ack) ->
                error(client, ack, String.valueOf(data), new ServiceException(ErrorCode.UNKNOWN_EVENT,
                        "event '" + data + "' is not one this server handles")));
        server.addEventListener(Events.OVERSIZE, Object.class, (client, data, ack) ->
                error(client, ack, "", new ServiceException(ErrorCode.PAYLOAD_TOO_LARGE,
                        "event of " + data + " bytes is larger than " + maxEventBytes + " bytes")));
    }

    private void run(String event, Handler handler, ClientSession s, SocketIOClient client, JsonNode data, AckRequest ack) {
        // every log line of this event's work names it (and its stream): see docs/api.md, "Logs"
        MDC.put("requestId", LogIds.next());
        JsonNode sid = data == null ? null : data.get("streamId");
        if (sid != null && sid.isTextual() && sid.asText().length() <= 64) {
            MDC.put("streamId", sid.asText());
        }
        try {
            Object result = handler.handle(s, client, Payload.of(data));
            if (ack.isAckRequested()) {
                ack.sendAckData(result == null ? Map.of("ok", true) : result);
            }
        } catch (ServiceException e) {
            error(client, ack, event, e);
        } catch (MediaException e) {
            error(client, ack, event, e.code(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("handler for {} failed", event, e);
            error(client, ack, event, ErrorCode.INTERNAL.name(), "internal error");
        } finally {
            MDC.remove("requestId");
            MDC.remove("streamId");
        }
    }

    static Map<String, Object> errorBody(String code, String message, String event) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", code);
        m.put("message", message);
        m.put("event", event);
        return m;
    }

    private static void error(SocketIOClient client, AckRequest ack, String event, ServiceException e) {
        error(client, ack, event, e.wireCode(), e.getMessage());
    }

    /** {@code stream:error} to the client, and the same error as the ack when one was asked for: never silence. */
    static void error(SocketIOClient client, AckRequest ack, String event, String code, String message) {
        Map<String, Object> body = errorBody(code, message, event);
        client.sendEvent(Events.ERROR, body);
        if (ack != null && ack.isAckRequested()) {
            ack.sendAckData(Map.of("error", body));
        }
    }
}
