package io.relaycast.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import org.testng.annotations.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/**
 * The compose stack's two nodes behind HAProxy (issue 15): docker/haproxy.cfg parses with the haproxy of the OS
 * packages ({@code haproxy -c}, run-tests installs it), both its backends (HTTP and Socket.IO) list every Relaycast
 * node of docker/compose.yaml, and each node shares Redis and PostgreSQL, names its own NODE_URL and publishes its
 * own media port (media never goes through the balancer).
 */
public class LoadBalancerConfigTest {

    @Test
    public void haproxyAcceptsTheConfig() throws Exception {
        Process p = new ProcessBuilder("haproxy", "-c", "-f", Repo.file("docker/haproxy.cfg").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "haproxy -c did not finish");
        assertEquals(p.exitValue(), 0, out);
        assertTrue(out.contains("Configuration file is valid"), out);
        assertFalse(out.contains("[ALERT]"), out);
    }

    @Test
    public void everyNodeIsBalancedAndHasItsOwnMediaPort() throws Exception {
        String cfg = Files.readString(Repo.file("docker/haproxy.cfg"));
        JsonNode services = Repo.yaml("docker/compose.yaml").path("services");
        List<String> nodes = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().path("environment").has("NODE_URL")) {
                nodes.add(e.getKey());
            }
        }
        assertTrue(nodes.size() >= 2, "compose runs fewer than two nodes: " + nodes);
        Set<String> mediaPorts = new HashSet<>();
        Set<String> nodeUrls = new HashSet<>();
        for (String node : nodes) {
            JsonNode env = services.path(node).path("environment");
            assertTrue(cfg.contains(" " + node + ":8080\n"), node + " is not in the HTTP backend");
            assertTrue(cfg.contains(" " + node + ":8081 "), node + " is not in the Socket.IO backend");
            assertEquals(env.path("REDIS_URL").asText(), "redis://redis:6379", node);
            assertTrue(env.path("DATABASE_URL").asText().contains("@postgres:5432/"), node);
            assertTrue(nodeUrls.add(env.path("NODE_URL").asText()), node + " shares its NODE_URL");
            String udp = env.path("RTC_UDP_PORT").asText("10000");
            assertTrue(mediaPorts.add(udp), node + " shares UDP port " + udp);
            boolean published = false;
            for (JsonNode port : services.path(node).path("ports")) {
                published |= port.asText().equals(udp + ":" + udp + "/udp");
            }
            assertTrue(published, node + " does not publish its media port " + udp + "/udp on the host");
        }
        JsonNode lb = services.path("lb");
        assertTrue(lb.path("volumes").get(0).asText().startsWith("./haproxy.cfg:"), "the balancer does not use docker/haproxy.cfg");
    }
}
