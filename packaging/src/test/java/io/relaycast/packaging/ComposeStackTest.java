package io.relaycast.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import org.testng.annotations.Test;

import java.nio.file.Files;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * docker/compose.yaml, docker/prometheus/prometheus.yml and Grafana's provisioning agree: Prometheus scrapes the
 * relaycast service on its HTTP port at /metrics, Grafana mounts the provisioning and the dashboards where the
 * provisioning looks, and every file the stack mounts exists in the repository.
 */
public class ComposeStackTest {

    @Test
    public void prometheusScrapesTheRelaycastService() throws Exception {
        JsonNode prom = Repo.yaml("docker/prometheus/prometheus.yml");
        JsonNode compose = Repo.yaml("docker/compose.yaml");
        JsonNode job = null;
        for (JsonNode j : prom.path("scrape_configs")) {
            if (j.path("job_name").asText().equals("relaycast")) {
                job = j;
            }
        }
        assertTrue(job != null, "no relaycast scrape job");
        assertEquals(job.path("metrics_path").asText("/metrics"), "/metrics");
        String target = job.path("static_configs").get(0).path("targets").get(0).asText();
        String[] hostPort = target.split(":");
        assertTrue(compose.path("services").has(hostPort[0]), "scrape target " + target + " is no compose service");
        String port = compose.path("services").path(hostPort[0]).path("environment").path("PORT").asText("8080");
        assertEquals(hostPort[1], port, "the scrape port is not the service's HTTP port");
        assertTrue(prom.path("global").path("scrape_interval").asText().matches("\\d+[smh]"));
    }

    @Test
    public void grafanaIsProvisionedWithPrometheusAndTheDashboard() throws Exception {
        JsonNode services = Repo.yaml("docker/compose.yaml").path("services");
        assertTrue(services.has("prometheus") && services.has("grafana"), "compose runs no Prometheus or Grafana");
        JsonNode ds = Repo.yaml("docker/grafana/provisioning/datasources/prometheus.yaml").path("datasources").get(0);
        assertEquals(ds.path("type").asText(), "prometheus");
        assertEquals(ds.path("url").asText(), "http://prometheus:9090");
        String dashboardsPath = Repo.yaml("docker/grafana/provisioning/dashboards/relaycast.yaml")
                .path("providers").get(0).path("options").path("path").asText();
        boolean provisioning = false;
        boolean dashboards = false;
        for (String service : new String[] {"prometheus", "grafana"}) {
            for (JsonNode v : services.path(service).path("volumes")) {
                String[] parts = v.asText().split(":");
                if (parts[0].startsWith("./")) {
                    // compose resolves relative paths against docker/
                    assertTrue(Files.exists(Repo.ROOT.resolve("docker").resolve(parts[0].substring(2))),
                            service + " mounts a path that does not exist: " + parts[0]);
                }
                provisioning |= parts[1].equals("/etc/grafana/provisioning");
                dashboards |= parts[1].equals(dashboardsPath)
                        && Files.exists(Repo.ROOT.resolve("docker").resolve(parts[0].substring(2)).resolve("relaycast.json"));
            }
        }
        assertTrue(provisioning, "Grafana does not mount its provisioning");
        assertTrue(dashboards, "Grafana does not mount the dashboards where its provisioning reads them: " + dashboardsPath);
        assertTrue(services.path("grafana").path("environment").path("GF_SECURITY_ADMIN_PASSWORD").asText()
                .startsWith("${"), "Grafana's admin password must come from the environment, not the file");
    }
}
