package io.relaycast.signaling.cluster;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.fail;

/**
 * The Redis registry against the real local Redis, three registries standing for three nodes of one cluster (a
 * cluster name of this test's own, so nothing else on the same Redis is seen): registration and heartbeats, load,
 * origins set and cleared, stream ends heard by the other nodes, and a node that stops heartbeating removed within
 * its ttl and announced once to every node with its orphaned streams.
 */
public class RedisNodeRegistryTest {
    private static final String REDIS = System.getenv().getOrDefault("RELAYCAST_TEST_REDIS", "redis://127.0.0.1:6379");
    private static final Duration HEARTBEAT = Duration.ofMillis(200);
    private static final Duration TTL = Duration.ofSeconds(1);

    private final List<NodeRegistry> open = new ArrayList<>();
    private ClusterConfig config;

    /** What one registry's listener heard. */
    static final class Heard implements NodeRegistry.Listener {
        final List<Map.Entry<NodeInfo, List<String>>> removed = new CopyOnWriteArrayList<>();
        final List<String> ended = new CopyOnWriteArrayList<>();

        @Override
        public void onNodeRemoved(NodeInfo node, List<String> orphanedStreams) {
            removed.add(Map.entry(node, orphanedStreams));
        }

        @Override
        public void onStreamEnded(String streamId, String endedOn) {
            ended.add(streamId + "@" + endedOn);
        }
    }

    @BeforeMethod
    public void cluster() {
        config = new ClusterConfig("test-" + UUID.randomUUID(), "", "", "", HEARTBEAT, TTL);
    }

    @AfterMethod(alwaysRun = true)
    public void closeAll() {
        open.forEach(NodeRegistry::close);
        open.clear();
    }

    private RedisNodeRegistry node(String id) {
        RedisNodeRegistry r = RedisNodeRegistry.connect(REDIS, config, id, "http://" + id + ":8080", id + ".media");
        open.add(r);
        return r;
    }

    private static long waitFor(BooleanSupplier condition, long millis, String what) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > millis * 1_000_000) {
                fail("not within " + millis + " ms: " + what);
            }
            Thread.sleep(20);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    public void nodesRegisterAndShowTheirLoad() throws Exception {
        RedisNodeRegistry a = node("a");
        RedisNodeRegistry b = node("b");
        // registered before connect returns: routable at once
        assertEquals(a.nodes().stream().map(NodeInfo::id).sorted().toList(), List.of("a", "b"));
        NodeInfo seen = b.node("a").orElseThrow();
        assertEquals(seen.httpUrl(), "http://a:8080");
        assertEquals(seen.mediaHost(), "a.media");
        assertTrue(b.node("nobody").isEmpty());

        a.useLoad(() -> 7, () -> 3);
        a.setOrigin("s1");
        waitFor(() -> b.node("a").map(NodeInfo::load).orElse(-1) == 7, 2000, "a's load in its heartbeat");
        NodeRegistry.NodeStatus status = b.status().stream().filter(s -> s.node().id().equals("a")).findFirst().orElseThrow();
        assertEquals(status.viewers(), 3);
        assertEquals(status.streams(), List.of("s1"));
        long before = b.node("a").orElseThrow().heartbeatAtMillis();
        waitFor(() -> b.node("a").orElseThrow().heartbeatAtMillis() > before, 2000, "a heartbeats again");
    }

    @Test
    public void originsAreSetClearedAndEndedOnAnyNode() throws Exception {
        RedisNodeRegistry a = node("a");
        RedisNodeRegistry b = node("b");
        Heard heardOnA = new Heard();
        Heard heardOnB = new Heard();
        a.addListener(heardOnA);
        b.addListener(heardOnB);

        assertTrue(b.origin("s1").isEmpty());
        a.setOrigin("s1");
        assertEquals(b.origin("s1").map(NodeInfo::id), Optional.of("a"));
        b.clearOrigin("s1"); // b is not its origin: nothing changes
        assertEquals(b.origin("s1").map(NodeInfo::id), Optional.of("a"));
        a.clearOrigin("s1");
        assertTrue(b.origin("s1").isEmpty());

        // the publisher moved to b (reconnected through the load balancer): a's late clear does not undo b's origin
        a.setOrigin("s2");
        b.setOrigin("s2");
        a.clearOrigin("s2");
        assertEquals(a.origin("s2").map(NodeInfo::id), Optional.of("b"));

        // ended through b (a REST call that landed there): cleared whoever held it, and a hears of it
        a.setOrigin("s3");
        b.streamEnded("s3");
        assertTrue(a.origin("s3").isEmpty());
        waitFor(() -> heardOnA.ended.contains("s3@b"), 2000, "a hears that s3 ended on b");
        Thread.sleep(200);
        assertTrue(heardOnB.ended.isEmpty(), "the node that ended it is not told again: " + heardOnB.ended);
    }

    @Test
    public void aNodeThatStopsHeartbeatingIsRemovedWithinItsTtlAndAnnouncedOnce() throws Exception {
        RedisNodeRegistry a = node("a");
        RedisNodeRegistry b = node("b");
        RedisNodeRegistry c = node("c");
        Heard heardOnB = new Heard();
        Heard heardOnC = new Heard();
        b.addListener(heardOnB);
        c.addListener(heardOnC);
        a.setOrigin("s1");
        a.setOrigin("s2");
        c.setOrigin("s3");
        a.stopHeartbeats(); // as kill -9 would: no goodbye

        long gone = waitFor(() -> b.nodes().stream().noneMatch(n -> n.id().equals("a")), TTL.toMillis() + 1000,
                "a leaves the routing");
        long announced = waitFor(() -> !heardOnB.removed.isEmpty() && !heardOnC.removed.isEmpty(),
                TTL.toMillis() + HEARTBEAT.toMillis() + 1000, "b and c hear that a was removed");
        System.out.printf("dead node out of the routing after %d ms, announced after %d ms (ttl %d ms)%n",
                gone, gone + announced, TTL.toMillis());
        assertTrue(gone <= TTL.toMillis() + 300, "gone after " + gone + " ms");
        Thread.sleep(3 * HEARTBEAT.toMillis()); // every node swept again: still once
        for (Heard h : List.of(heardOnB, heardOnC)) {
            assertEquals(h.removed.size(), 1, "one announcement per node: " + h.removed);
            assertEquals(h.removed.get(0).getKey().id(), "a");
            assertEquals(h.removed.get(0).getKey().httpUrl(), "http://a:8080");
            assertEquals(h.removed.get(0).getValue().stream().sorted().toList(), List.of("s1", "s2"));
        }
        assertTrue(b.origin("s1").isEmpty());
        assertTrue(c.origin("s2").isEmpty());
        assertEquals(b.origin("s3").map(NodeInfo::id), Optional.of("c"), "the others' streams keep their origin");
    }

    @Test
    public void aNodeBackFromALongPauseRegistersAgainAndTakesBackWhatNobodyTook() throws Exception {
        RedisNodeRegistry a = node("a");
        RedisNodeRegistry b = node("b");
        Heard heardOnB = new Heard();
        b.addListener(heardOnB);
        a.setOrigin("kept");
        a.setOrigin("moved");
        a.stopHeartbeats(); // a long GC pause
        waitFor(() -> !heardOnB.removed.isEmpty(), TTL.toMillis() + HEARTBEAT.toMillis() + 1000, "a removed");
        b.setOrigin("moved"); // its broadcaster reconnected to b meanwhile
        a.beatOnceAfterPause();
        assertTrue(b.nodes().stream().anyMatch(n -> n.id().equals("a")), "a is back in the routing");
        assertEquals(b.origin("kept").map(NodeInfo::id), Optional.of("a"), "a took back the origin nobody took");
        assertEquals(b.origin("moved").map(NodeInfo::id), Optional.of("b"), "and left b the one b took");
    }

    @Test
    public void aNodeThatClosesIsAnnouncedAtOnce() throws Exception {
        RedisNodeRegistry a = node("a");
        RedisNodeRegistry b = node("b");
        Heard heardOnB = new Heard();
        b.addListener(heardOnB);
        a.setOrigin("s1");
        open.remove(a);
        a.close();
        long announced = waitFor(() -> !heardOnB.removed.isEmpty(), 1000, "b hears that a left");
        assertTrue(announced < TTL.toMillis(), "a graceful stop does not wait for the ttl");
        assertEquals(heardOnB.removed.get(0).getValue(), List.of("s1"));
        assertFalse(b.nodes().stream().anyMatch(n -> n.id().equals("a")));
    }

    @Test
    public void theLocalRegistryIsOneNodeThatHoldsItsOrigins() {
        LocalNodeRegistry local = new LocalNodeRegistry("only", "http://only:8080", "only.media");
        local.useLoad(() -> 2, () -> 1);
        assertEquals(local.nodes().size(), 1);
        assertEquals(local.self().load(), 2);
        local.setOrigin("s");
        assertEquals(local.origin("s").map(NodeInfo::id), Optional.of("only"));
        assertEquals(local.status().get(0).streams(), List.of("s"));
        local.streamEnded("s");
        assertTrue(local.origin("s").isEmpty());
    }

    @Test
    public void configRefusesATtlThatTwoMissedHeartbeatsWouldReach() {
        String base = "name = relaycast, node-id = \"\", node-url = \"\", media-host = \"\", heartbeat = 1s, ";
        ClusterConfig ok = ClusterConfig.from(ConfigFactory.parseString(base + "ttl = 4s"));
        assertEquals(ok.ttl(), Duration.ofSeconds(4));
        assertThrows(ConfigException.class, () -> ClusterConfig.from(ConfigFactory.parseString(base + "ttl = 2s")));
        assertThrows(ConfigException.class, () -> ClusterConfig.from(ConfigFactory.parseString(
                base.replace("node-url = \"\"", "node-url = \"http://a:8080/path\"") + "ttl = 4s")));
    }
}
