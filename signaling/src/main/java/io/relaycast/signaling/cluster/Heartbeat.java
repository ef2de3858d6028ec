package io.relaycast.signaling.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A node's heartbeat as kept in Redis ({@code relaycast:cluster:<name>:node:<id>}, JSON): the node as routing sees
 * it and its Socket.IO viewers (for GET /api/v1/nodes).
 */
record Heartbeat(NodeInfo node, int viewers) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static String json(NodeInfo n, int viewers) {
        return nodeJson(n, viewers).toString();
    }

    static ObjectNode nodeJson(NodeInfo n, int viewers) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", n.id());
        o.put("httpUrl", n.httpUrl());
        o.put("mediaHost", n.mediaHost());
        o.put("load", n.load());
        o.put("viewers", viewers);
        o.put("heartbeatAt", n.heartbeatAtMillis());
        return o;
    }

    static Heartbeat parse(String json) {
        try {
            return parse(JSON.readTree(json));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    static Heartbeat parse(JsonNode o) {
        if (o == null || !o.hasNonNull("id")) {
            throw new IllegalArgumentException("heartbeat without id");
        }
        return new Heartbeat(new NodeInfo(o.get("id").asText(), o.path("httpUrl").asText(""),
                o.path("mediaHost").asText(""), o.path("load").asInt(0), o.path("heartbeatAt").asLong(0)),
                o.path("viewers").asInt(0));
    }
}
