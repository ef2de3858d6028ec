package io.relaycast.sfu.relay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * An edge's request for a relay ({@code POST /internal/v1/relays}): {@code {"streamId", "edgeNode", "nonce"}}, the
 * nonce being 16 random octets in base64url (the edge's half of the key derivation, see {@link RelayKeys}).
 * {@link #parse} is strict (object with exactly these string fields, bounded lengths, id characters only) and
 * throws {@link IllegalArgumentException} for anything else.
 */
public record RelayRequest(String streamId, String edgeNode, byte[] nonce) {
    /** The longest request body read (the fields are short ids). */
    public static final int MAX_BODY_BYTES = 1024;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public RelayRequest {
        nonce = nonce.clone();
    }

    public static RelayRequest parse(byte[] body) {
        if (body == null || body.length == 0 || body.length > MAX_BODY_BYTES) {
            throw new IllegalArgumentException("the body must be 1-" + MAX_BODY_BYTES + " bytes of JSON");
        }
        JsonNode json;
        try {
            json = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not JSON");
        }
        if (json == null || !json.isObject() || json.size() != 3) {
            throw new IllegalArgumentException("the body must be an object with streamId, edgeNode and nonce");
        }
        String stream = id(json, "streamId");
        String edge = id(json, "edgeNode");
        JsonNode n = json.get("nonce");
        if (n == null || !n.isTextual() || n.textValue().length() > 64) {
            throw new IllegalArgumentException("nonce must be base64url text");
        }
        byte[] nonce;
        try {
            nonce = Base64.getUrlDecoder().decode(n.textValue());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("nonce must be base64url text");
        }
        if (nonce.length != RelayKeys.NONCE_BYTES) {
            throw new IllegalArgumentException("nonce must be " + RelayKeys.NONCE_BYTES + " octets");
        }
        return new RelayRequest(stream, edge, nonce);
    }

    public byte[] toJson() {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("streamId", streamId);
        o.put("edgeNode", edgeNode);
        o.put("nonce", Base64.getUrlEncoder().withoutPadding().encodeToString(nonce));
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String id(JsonNode json, String field) {
        JsonNode n = json.get(field);
        if (n == null || !n.isTextual() || !ID.matcher(n.textValue()).matches()) {
            throw new IllegalArgumentException(field + " must be 1-128 characters of A-Z a-z 0-9 . _ : -");
        }
        return n.textValue();
    }
}
