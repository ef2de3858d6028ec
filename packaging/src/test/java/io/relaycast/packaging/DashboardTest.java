package io.relaycast.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import org.testng.annotations.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/**
 * docker/grafana/dashboards/relaycast.json: valid JSON, every panel's PromQL names only series docs/operations.md
 * documents (a renamed metric breaks this test, not an operator's dashboard), its data source is the provisioned
 * one, and the panels the issue asks for are there.
 */
public class DashboardTest {
    private static final String DASHBOARD = "docker/grafana/dashboards/relaycast.json";
    /** Identifiers in a PromQL expression that are series (functions, labels and keywords are filtered out). */
    private static final Pattern SERIES = Pattern.compile("\\b((?:relaycast|process|jvm)_[a-z0-9_]+)\\b");

    @Test
    public void everyQueryNamesADocumentedSeries() throws Exception {
        JsonNode d = Repo.json(DASHBOARD);
        Set<String> documented = Repo.documentedSeries();
        assertFalse(documented.isEmpty(), "docs/operations.md documents no series");
        List<String> undocumented = new ArrayList<>();
        int queries = 0;
        for (JsonNode p : d.path("panels")) {
            if (p.path("type").asText().equals("row")) {
                continue;
            }
            assertTrue(p.path("targets").size() > 0, "panel without a query: " + p.path("title"));
            for (JsonNode t : p.path("targets")) {
                String expr = t.path("expr").asText();
                queries++;
                assertBalanced(expr);
                Matcher m = SERIES.matcher(expr);
                boolean any = false;
                while (m.find()) {
                    any = true;
                    String base = m.group(1).replaceAll("_(bucket|count|sum)$", "");
                    if (!documented.contains(m.group(1)) && !documented.contains(base)) {
                        undocumented.add(p.path("title").asText() + ": " + m.group(1));
                    }
                }
                assertTrue(any, "a query that names no series: " + expr);
            }
        }
        assertTrue(queries >= 20, "queries: " + queries);
        assertTrue(undocumented.isEmpty(), "series the dashboard queries but docs/operations.md does not document: "
                + undocumented);
    }

    @Test
    public void theIssuesPanelsAreThere() throws Exception {
        JsonNode d = Repo.json(DASHBOARD);
        StringBuilder all = new StringBuilder();
        for (JsonNode p : d.path("panels")) {
            for (JsonNode t : p.path("targets")) {
                all.append(t.path("expr").asText()).append('\n');
            }
        }
        String q = all.toString();
        for (String needed : List.of("relaycast_live_streams", "relaycast_viewers", "relaycast_sfu_bytes_in_total",
                "relaycast_sfu_bytes_out_total", "relaycast_sfu_retransmissions_total", "relaycast_sfu_nacks_total",
                "relaycast_sfu_keyframe_requests_total", "relaycast_sfu_forwarding_latency_seconds_bucket",
                "relaycast_socketio_connections", "relaycast_chat_messages_total", "relaycast_ffmpeg_restarts_total",
                "relaycast_ffmpeg_processes", "relaycast_webhook_deliveries_total")) {
            assertTrue(q.contains(needed), "no panel queries " + needed);
        }
        assertTrue(q.contains("by (transport)"), "viewers are not split by transport");
    }

    @Test
    public void panelsUseTheProvisionedDataSourceAndDoNotOverlap() throws Exception {
        JsonNode d = Repo.json(DASHBOARD);
        String uid = Repo.yaml("docker/grafana/provisioning/datasources/prometheus.yaml")
                .path("datasources").get(0).path("uid").asText();
        assertFalse(uid.isEmpty());
        assertFalse(d.path("uid").asText().isEmpty(), "the dashboard needs a stable uid");
        Set<String> cells = new HashSet<>();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode p : d.path("panels")) {
            assertTrue(ids.add(p.path("id").asInt()), "duplicate panel id " + p.path("id"));
            JsonNode g = p.path("gridPos");
            assertTrue(g.path("x").asInt() + g.path("w").asInt() <= 24, "panel wider than the grid: " + p.path("title"));
            for (int x = g.path("x").asInt(); x < g.path("x").asInt() + g.path("w").asInt(); x++) {
                for (int y = g.path("y").asInt(); y < g.path("y").asInt() + g.path("h").asInt(); y++) {
                    assertTrue(cells.add(x + "," + y), "panels overlap at " + x + "," + y + ": " + p.path("title"));
                }
            }
            if (!p.path("type").asText().equals("row")) {
                assertEquals(p.path("datasource").path("uid").asText(), uid, p.path("title").asText());
                for (JsonNode t : p.path("targets")) {
                    assertEquals(t.path("datasource").path("uid").asText(), uid, p.path("title").asText());
                }
            }
        }
    }

    private static void assertBalanced(String expr) {
        int round = 0;
        int square = 0;
        int curly = 0;
        boolean quoted = false;
        for (char c : expr.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (quoted) {
                continue;
            }
            round += c == '(' ? 1 : c == ')' ? -1 : 0;
            square += c == '[' ? 1 : c == ']' ? -1 : 0;
            curly += c == '{' ? 1 : c == '}' ? -1 : 0;
            assertTrue(round >= 0 && square >= 0 && curly >= 0, "unbalanced: " + expr);
        }
        assertTrue(round == 0 && square == 0 && curly == 0 && !quoted, "unbalanced: " + expr);
    }
}
