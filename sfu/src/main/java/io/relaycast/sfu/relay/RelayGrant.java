package io.relaycast.sfu.relay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.relaycast.sfu.media.PublishedTracks;

import java.io.IOException;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The origin's answer to a {@link RelayRequest}: the relay's id, where its packets come from ({@code host:port},
 * where the edge also sends its RTCP), the origin's nonce, and the publication's tracks ({@link RelayTracks}).
 * No key: both sides derive them ({@link RelayKeys}).
 */
public record RelayGrant(String relayId, String streamId, String publisherId, String host, int port,
                         byte[] originNonce, PublishedTracks tracks, JsonNode tracksJson) {
    /** The longest answer an edge reads. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{0,253}");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public RelayGrant withHost(String newHost) {
        return new RelayGrant(relayId, streamId, publisherId, newHost, port, originNonce, tracks, tracksJson);
    }

    public byte[] toJson() {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("relayId", relayId);
        o.put("streamId", streamId);
        o.put("publisherId", publisherId);
        o.put("host", host);
        o.put("port", port);
        o.put("nonce", Base64.getUrlEncoder().withoutPadding().encodeToString(originNonce));
        o.set("tracks", tracksJson);
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Strict reading of an origin's answer; {@link IllegalArgumentException} for anything malformed. */
    public static RelayGrant parse(byte[] body) {
        if (body == null || body.length == 0 || body.length > MAX_BODY_BYTES) {
            throw new IllegalArgumentException("the answer must be 1-" + MAX_BODY_BYTES + " bytes of JSON");
        }
        JsonNode json;
        try {
            json = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the answer is not JSON");
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("the answer must be an object");
        }
        String host = text(json, "host", HOST);
        JsonNode port = json.get("port");
        if (port == null || !port.isIntegralNumber() || !port.canConvertToInt() || port.asInt() < 1 || port.asInt() > 65535) {
            throw new IllegalArgumentException("port must be 1-65535");
        }
        JsonNode n = json.get("nonce");
        byte[] nonce;
        try {
            nonce = n == null || !n.isTextual() ? new byte[0] : Base64.getUrlDecoder().decode(n.textValue());
        } catch (IllegalArgumentException e) {
            nonce = new byte[0];
        }
        if (nonce.length != RelayKeys.NONCE_BYTES) {
            throw new IllegalArgumentException("nonce must be " + RelayKeys.NONCE_BYTES + " octets in base64url");
        }
        JsonNode tracks = json.get("tracks");
        return new RelayGrant(text(json, "relayId", ID), text(json, "streamId", ID), text(json, "publisherId", ID),
                host, port.asInt(), nonce, RelayTracks.read(tracks), tracks);
    }

    private static String text(JsonNode json, String field, Pattern pattern) {
        JsonNode n = json.get(field);
        if (n == null || !n.isTextual() || !pattern.matcher(n.textValue()).matches()) {
            throw new IllegalArgumentException(field + " is missing or malformed");
        }
        return n.textValue();
    }
}
