package io.relaycast.signaling.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;

/** An event's payload object with strict typed access; a missing or mistyped field is an {@code INVALID_FIELD}. */
final class Payload {
    private final JsonNode node;

    private Payload(JsonNode node) {
        this.node = node;
    }

    static Payload of(Object data) {
        if (!(data instanceof JsonNode n) || !n.isObject()) {
            throw new ServiceException(ErrorCode.INVALID_FIELD, "the payload must be an object");
        }
        return new Payload(n);
    }

    String requiredString(String name, int maxLength) {
        String v = optionalString(name);
        if (v == null || v.isEmpty()) {
            throw new ServiceException(ErrorCode.INVALID_FIELD, "'" + name + "' is required");
        }
        if (v.length() > maxLength) {
            throw new ServiceException(ErrorCode.INVALID_FIELD, "'" + name + "' is too long");
        }
        return v;
    }

    String optionalString(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new ServiceException(ErrorCode.INVALID_FIELD, "'" + name + "' must be a string");
        }
        return v.textValue();
    }

    Double optionalNumber(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new ServiceException(ErrorCode.INVALID_FIELD, "'" + name + "' must be a number");
        }
        return v.doubleValue();
    }

    JsonNode object(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            throw new ServiceException(ErrorCode.INVALID_FIELD, "'" + name + "' is required");
        }
        if (!v.isObject()) {
            throw new ServiceException(ErrorCode.INVALID_FIELD, "'" + name + "' must be an object");
        }
        return v;
    }

    /** An SDP may arrive as a string or as {type, sdp} (RTCSessionDescriptionInit); we take both. */
    String sdp(String name, int maxBytes) {
        JsonNode v = node.get(name);
        String sdp;
        if (v != null && v.isTextual()) {
            sdp = v.textValue();
        } else if (v != null && v.isObject() && v.path("sdp").isTextual()) {
            sdp = v.get("sdp").textValue();
        } else {
            throw new ServiceException(ErrorCode.INVALID_FIELD, "'" + name + "' must be an SDP string or {type, sdp}");
        }
        if (sdp.length() > maxBytes) {
            throw new ServiceException(ErrorCode.PAYLOAD_TOO_LARGE, "'" + name + "' is larger than " + maxBytes + " bytes");
        }
        return sdp;
    }
}
