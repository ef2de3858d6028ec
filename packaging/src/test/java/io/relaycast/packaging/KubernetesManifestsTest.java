package io.relaycast.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import org.testng.annotations.Test;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

/**
 * deploy/kubernetes, checked without a cluster (kubectl's --dry-run=client needs an API server for discovery and
 * validation; none runs here): every manifest is read into the Kubernetes API types of fabric8's model (a field of
 * the wrong type fails, a field the API does not have lands in additionalProperties and fails here), and what the
 * issue asks for is checked: media on the host network, readiness and liveness probes on the health endpoints,
 * config from the ConfigMap (whose relaycast.conf keys all exist in config/relaycast.conf) and secrets from the
 * Secret.
 */
public class KubernetesManifestsTest {
    private static final Path DIR = Repo.ROOT.resolve("deploy/kubernetes");
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "ConfigMap", ConfigMap.class, "Secret", Secret.class, "Service", Service.class,
            "DaemonSet", DaemonSet.class);

    @Test
    public void everyManifestIsAValidKubernetesObject() throws Exception {
        List<HasMetadata> all = load();
        assertTrue(all.size() >= 4, "objects: " + all.size());
        for (HasMetadata o : all) {
            List<String> unknown = new ArrayList<>();
            unknownFields(o, o.getKind(), unknown, new IdentityHashMap<>());
            assertTrue(unknown.isEmpty(), "fields the Kubernetes API does not have: " + unknown);
            assertTrue(o.getMetadata().getName().matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"), o.getMetadata().getName());
        }
    }

    @Test
    public void mediaOnTheHostNetworkWithProbesConfigAndSecrets() throws Exception {
        List<HasMetadata> all = load();
        DaemonSet ds = one(all, DaemonSet.class);
        ConfigMap cm = one(all, ConfigMap.class);
        Secret secret = one(all, Secret.class);
        Service svc = one(all, Service.class);
        var pod = ds.getSpec().getTemplate().getSpec();
        assertEquals(pod.getHostNetwork(), Boolean.TRUE, "media must be on the host network");
        assertEquals(pod.getDnsPolicy(), "ClusterFirstWithHostNet");
        assertEquals(ds.getSpec().getSelector().getMatchLabels(), ds.getSpec().getTemplate().getMetadata().getLabels());
        assertEquals(svc.getSpec().getSelector(), ds.getSpec().getTemplate().getMetadata().getLabels());

        Container c = pod.getContainers().get(0);
        int http = Integer.parseInt(cm.getData().get("PORT"));
        assertProbe(c.getReadinessProbe(), "/health/ready", c, http);
        assertProbe(c.getLivenessProbe(), "/health/live", c, http);
        assertTrue(c.getPorts().stream().anyMatch(p -> p.getProtocol().equals("UDP")
                && p.getContainerPort() == Integer.parseInt(cm.getData().get("RTC_UDP_PORT"))), "no media UDP port");

        List<String> fromConfig = c.getEnvFrom().stream().map(EnvFromSource::getConfigMapRef)
                .filter(r -> r != null).map(r -> r.getName()).toList();
        List<String> fromSecret = c.getEnvFrom().stream().map(EnvFromSource::getSecretRef)
                .filter(r -> r != null).map(r -> r.getName()).toList();
        assertEquals(fromConfig, List.of(cm.getMetadata().getName()));
        assertEquals(fromSecret, List.of(secret.getMetadata().getName()));
        for (String key : List.of("JWT_SECRET", "DATABASE_URL", "REDIS_URL", "TURN_SECRET")) {
            assertTrue(secret.getStringData().containsKey(key), "the Secret lacks " + key);
            assertTrue(!cm.getData().containsKey(key), key + " must not be in the ConfigMap");
        }

        // the config file: mounted where RELAYCAST_CONFIG points, and every key is one the server knows
        Volume v = pod.getVolumes().stream().filter(x -> x.getConfigMap() != null).findFirst().orElseThrow();
        assertEquals(v.getConfigMap().getName(), cm.getMetadata().getName());
        String mount = c.getVolumeMounts().stream().filter(m -> m.getName().equals(v.getName())).findFirst()
                .orElseThrow().getMountPath();
        String path = v.getConfigMap().getItems().get(0).getPath();
        assertEquals(cm.getData().get("RELAYCAST_CONFIG"), mount + "/" + path);
        Config file = ConfigFactory.parseString(cm.getData().get(v.getConfigMap().getItems().get(0).getKey()));
        Config builtIn = ConfigFactory.parseFile(Repo.file("config/relaycast.conf").toFile()).resolve();
        for (var e : file.entrySet()) {
            assertTrue(builtIn.hasPath(e.getKey()), "relaycast.conf in the ConfigMap sets an unknown key " + e.getKey());
        }
        assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals(cm.getData().get("DATA_DIR"))),
                "DATA_DIR is not on a volume");
    }

    @Test
    public void kustomizationListsTheManifestsButNotTheExampleSecret() throws Exception {
        JsonNode k = Repo.yaml("deploy/kubernetes/kustomization.yaml");
        List<String> resources = new ArrayList<>();
        k.path("resources").forEach(r -> resources.add(r.asText()));
        for (String r : resources) {
            assertTrue(Files.isRegularFile(DIR.resolve(r)), "kustomization lists a missing file " + r);
        }
        assertTrue(resources.containsAll(List.of("configmap.yaml", "daemonset.yaml", "service.yaml")), resources.toString());
        assertTrue(!resources.contains("secret.example.yaml"), "the example Secret must never be applied as is");
    }

    private static void assertProbe(Probe p, String path, Container c, int httpPort) {
        assertNotNull(p, path + " probe missing");
        assertEquals(p.getHttpGet().getPath(), path);
        var port = p.getHttpGet().getPort();
        int number = port.getIntVal() != null ? port.getIntVal() : c.getPorts().stream()
                .filter(x -> port.getStrVal().equals(x.getName())).findFirst().orElseThrow().getContainerPort();
        assertEquals(number, httpPort, path + " probe on the wrong port");
    }

    private static List<HasMetadata> load() throws Exception {
        List<HasMetadata> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (JsonNode doc : Repo.yamlDocuments(f)) {
                    String kind = doc.path("kind").asText();
                    if (kind.equals("Kustomization")) {
                        continue;
                    }
                    Class<? extends HasMetadata> type = KINDS.get(kind);
                    assertNotNull(type, f.getFileName() + ": a kind this test does not know: " + kind);
                    HasMetadata o = Repo.YAML.treeToValue(doc, type);
                    String group = doc.path("apiVersion").asText();
                    assertEquals(group, kind.equals("DaemonSet") ? "apps/v1" : "v1", f.getFileName() + " apiVersion");
                    out.add(o);
                }
            }
        }
        return out;
    }

    private static <T> T one(List<HasMetadata> all, Class<T> type) {
        List<T> found = all.stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(found.size(), 1, type.getSimpleName());
        return found.get(0);
    }

    /** Walks the model objects' getters and collects every non-empty additionalProperties (unknown fields). */
    private static void unknownFields(Object o, String where, List<String> out, Map<Object, Boolean> seen) throws Exception {
        if (o == null || seen.put(o, true) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object x : c) {
                unknownFields(x, where + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (var e : m.entrySet()) {
                unknownFields(e.getValue(), where + "." + e.getKey(), out, seen);
            }
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method g : o.getClass().getMethods()) {
            if (g.getParameterCount() != 0 || !g.getName().startsWith("get") || g.getDeclaringClass() == Object.class) {
                continue;
            }
            Object v = g.invoke(o);
            if (g.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    out.add(where + ": " + extra.keySet());
                }
            } else {
                unknownFields(v, where + "." + g.getName().substring(3), out, seen);
            }
        }
    }
}
