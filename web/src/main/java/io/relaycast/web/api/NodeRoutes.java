package io.relaycast.web.api;

import io.javalin.Javalin;
import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.cluster.NodeRegistry;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/v1/nodes} (admin): every live node of the cluster with its URLs, load (open WebRTC peers), its
 * Socket.IO viewers and the live streams whose publisher it holds. Admins only: it shows the nodes' own addresses,
 * which the load balancer otherwise hides.
 */
public final class NodeRoutes {
    private NodeRoutes() {
    }

    public static void register(Javalin app, Api api, NodeRegistry registry) {
        app.get(Api.PREFIX + "/nodes", ctx -> {
            Principal who = api.auth().user(ctx);
            if (!who.isAdmin()) {
                throw new ServiceException(ErrorCode.FORBIDDEN, "the cluster's nodes are shown to admins only");
            }
            String self = registry.self().id();
            ctx.json(Map.of("self", self, "items", registry.status().stream().map(s -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", s.node().id());
                m.put("httpUrl", s.node().httpUrl());
                m.put("mediaHost", s.node().mediaHost());
                m.put("load", s.node().load());
                m.put("viewers", s.viewers());
                m.put("streams", s.streams());
                m.put("heartbeatAt", Views.iso(s.node().heartbeatAtMillis()));
                m.put("self", s.node().id().equals(self));
                return m;
            }).toList()));
        });
    }
}
