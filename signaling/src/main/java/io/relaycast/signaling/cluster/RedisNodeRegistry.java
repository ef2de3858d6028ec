package io.relaycast.signaling.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.redisson.Redisson;
import org.redisson.api.RBucket;
import org.redisson.api.RMap;
import org.redisson.api.RSet;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The nodes of one cluster and the origins of its live streams, in Redis (decision 301). Keys, all under
 * {@code relaycast:cluster:<name>:}:
 * <ul>
 *   <li>{@code node:<id>}: the node's last heartbeat (JSON), written every {@code heartbeat} with a time to live
 *   of {@code ttl}: Redis itself forgets a node that stops, so no node judges another by its own clock;</li>
 *   <li>{@code nodes}: the set of node ids that registered; an id whose {@code node:} key is gone is a dead node;</li>
 *   <li>{@code origins}: a hash, stream id → the id of the node holding its publisher;</li>
 *   <li>{@code events}: a pub/sub channel: a node removed (with its orphaned streams), a stream ended.</li>
 * </ul>
 * Every node sweeps after each heartbeat; the node whose {@code SREM} of a dead id succeeds is the only one that
 * claims it: it takes the dead node's entries out of {@code origins} (each only if still the dead node's) and
 * publishes the removal, which every node, the claimer included, hands to its listeners. A dead node is therefore
 * gone from {@link #nodes()} within {@code ttl} and announced within {@code ttl + heartbeat}.
 */
public final class RedisNodeRegistry implements NodeRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(RedisNodeRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RedissonClient redis;
    private final boolean ownClient;
    private final String prefix;
    private final String id;
    private final String httpUrl;
    private final String mediaHost;
    private final Duration heartbeat;
    private final Duration ttl;
    /** The streams this node set itself origin of: taken back if a pause longer than ttl made others drop us. */
    private final Set<String> localOrigins = ConcurrentHashMap.newKeySet();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    /** Each node's last heartbeat seen by a sweep: what a removal announces about it. */
    private final Map<String, NodeInfo> lastSeen = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    /** Listeners run here, never on Redisson's I/O threads: they stop ffmpeg, write the database, send events. */
    private final ExecutorService events;
    private final RTopic topic;
    private volatile int topicListener = -1;
    private volatile IntSupplier peers = () -> 0;
    private volatile IntSupplier viewers = () -> 0;
    private volatile boolean registered;
    private volatile boolean stopped;

    private RedisNodeRegistry(RedissonClient redis, boolean ownClient, String cluster, String id, String httpUrl,
                              String mediaHost, Duration heartbeat, Duration ttl) {
        this.redis = redis;
        this.ownClient = ownClient;
        this.prefix = "relaycast:cluster:" + cluster + ":";
        this.id = id;
        this.httpUrl = httpUrl;
        this.mediaHost = mediaHost;
        this.heartbeat = heartbeat;
        this.ttl = ttl;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "cluster-heartbeat"));
        this.events = Executors.newSingleThreadExecutor(r -> daemon(r, "cluster-events"));
        this.topic = redis.getTopic(prefix + "events", StringCodec.INSTANCE);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Connects to {@code redis://host:port} with a client of its own, registers this node (one heartbeat before it
     * returns, so the node is routable as soon as it serves) and heartbeats from then on.
     */
    public static RedisNodeRegistry connect(String redisUrl, ClusterConfig config, String id, String httpUrl,
                                            String mediaHost) {
        org.redisson.config.Config c = new org.redisson.config.Config();
        c.useSingleServer().setAddress(redisUrl).setConnectionMinimumIdleSize(1).setConnectionPoolSize(4)
                .setSubscriptionConnectionMinimumIdleSize(1).setSubscriptionConnectionPoolSize(2);
        RedissonClient client = Redisson.create(c);
        try {
            return new RedisNodeRegistry(client, true, config.name(), id, httpUrl, mediaHost, config.heartbeat(),
                    config.ttl()).start();
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    private RedisNodeRegistry start() {
        topicListener = topic.addListener(String.class, (channel, msg) -> {
            try {
                events.execute(() -> onEvent(msg));
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // this node is stopping
            }
        });
        beat();
        long ms = heartbeat.toMillis();
        timer.scheduleWithFixedDelay(this::beat, ms, ms, TimeUnit.MILLISECONDS);
        LOG.info("cluster {}: node {} registered ({}; media on {}), heartbeat {}, removed {} after its last",
                prefix.substring(0, prefix.length() - 1), id, httpUrl, mediaHost, heartbeat, ttl);
        return this;
    }

    // ---- heartbeat and sweep ----

    private void beat() {
        if (stopped) {
            return;
        }
        try {
            // the key first, then the id: a sweep that sees the id in the set always finds the key
            bucket(id).set(Heartbeat.json(self(), viewers.getAsInt()), ttl);
            boolean readded = nodeIds().add(id);
            if (registered && readded) {
                // a pause longer than ttl: another node removed us and orphaned our streams; take back those that
                // no other node has become origin of since
                LOG.warn("cluster: this node had been removed (no heartbeat for {}); registering again", ttl);
                for (String s : localOrigins) {
                    origins().fastPutIfAbsent(s, id);
                }
            }
            registered = true;
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("cluster heartbeat failed: {}", e.toString());
        }
    }

    private void sweep() {
        RSet<String> ids = nodeIds();
        Set<String> registered = ids.readAll(); // one snapshot: a node registering meanwhile is judged next time
        Map<String, Heartbeat> live = read(registered);
        for (String other : registered) {
            Heartbeat b = live.get(other);
            if (b != null) {
                lastSeen.put(other, b.node());
            } else if (!other.equals(id) && ids.remove(other)) {
                claimRemoval(other);
            }
        }
    }

    /** This node removed {@code dead} from the set: it alone takes the dead node's streams and announces it. */
    private void claimRemoval(String dead) {
        List<String> orphaned = new ArrayList<>();
        RMap<String, String> origins = origins();
        for (Map.Entry<String, String> e : origins.readAllMap().entrySet()) {
            if (dead.equals(e.getValue()) && origins.remove(e.getKey(), dead)) {
                orphaned.add(e.getKey());
            }
        }
        NodeInfo last = dead.equals(id) ? self() : lastSeen.getOrDefault(dead, new NodeInfo(dead, "", "", 0, 0));
        if (dead.equals(id)) {
            LOG.info("cluster: this node leaves; {} stream(s) lose their origin", orphaned.size());
        } else {
            LOG.warn("cluster: node {} ({}) stopped heartbeating; removed; {} stream(s) lost their origin", dead,
                    last.httpUrl(), orphaned.size());
        }
        ObjectNode m = JSON.createObjectNode();
        m.put("type", "removed");
        m.set("node", Heartbeat.nodeJson(last, 0));
        orphaned.forEach(m.putArray("streams")::add);
        topic.publish(m.toString());
    }

    private void onEvent(String msg) {
        try {
            JsonNode m = JSON.readTree(msg);
            switch (m.path("type").asText()) {
                case "removed" -> {
                    NodeInfo node = Heartbeat.parse(m.get("node")).node();
                    lastSeen.remove(node.id());
                    List<String> streams = new ArrayList<>();
                    m.path("streams").forEach(s -> streams.add(s.asText()));
                    for (Listener l : listeners) {
                        run(() -> l.onNodeRemoved(node, List.copyOf(streams)));
                    }
                }
                case "ended" -> {
                    String stream = m.path("stream").asText();
                    String on = m.path("node").asText();
                    if (!on.equals(id)) {
                        localOrigins.remove(stream);
                        for (Listener l : listeners) {
                            run(() -> l.onStreamEnded(stream, on));
                        }
                    }
                }
                default -> LOG.debug("cluster: unknown event {}", msg);
            }
        } catch (Exception e) {
            LOG.warn("cluster event not handled: {}", e.toString());
        }
    }

    private static void run(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("cluster listener failed", e);
        }
    }

    // ---- NodeRegistry ----

    @Override
    public NodeInfo self() {
        return new NodeInfo(id, httpUrl, mediaHost, peers.getAsInt(), System.currentTimeMillis());
    }

    @Override
    public List<NodeInfo> nodes() {
        return beats().stream().map(Heartbeat::node).toList();
    }

    private List<Heartbeat> beats() {
        List<Heartbeat> all = new ArrayList<>(read(nodeIds().readAll()).values());
        all.sort(Comparator.comparingLong((Heartbeat b) -> b.node().heartbeatAtMillis()).reversed());
        return all;
    }

    @Override
    public Optional<NodeInfo> node(String nodeId) {
        if (nodeId == null) {
            return Optional.empty();
        }
        String v = bucket(nodeId).get();
        return v == null ? Optional.empty() : Optional.of(Heartbeat.parse(v).node());
    }

    @Override
    public void setOrigin(String streamId) {
        localOrigins.add(streamId);
        origins().fastPut(streamId, id);
    }

    @Override
    public void clearOrigin(String streamId) {
        localOrigins.remove(streamId);
        origins().remove(streamId, id);
    }

    @Override
    public Optional<NodeInfo> origin(String streamId) {
        return node(origins().get(streamId));
    }

    @Override
    public void streamEnded(String streamId) {
        localOrigins.remove(streamId);
        origins().fastRemove(streamId);
        ObjectNode m = JSON.createObjectNode();
        m.put("type", "ended");
        m.put("stream", streamId);
        m.put("node", id);
        topic.publish(m.toString());
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public void useLoad(IntSupplier peers, IntSupplier viewers) {
        this.peers = peers;
        this.viewers = viewers;
    }

    @Override
    public List<NodeStatus> status() {
        Map<String, List<String>> streams = new HashMap<>();
        new TreeMap<>(origins().readAllMap()).forEach((s, n) -> streams.computeIfAbsent(n, k -> new ArrayList<>()).add(s));
        return beats().stream().map(b -> new NodeStatus(b.node(), b.viewers(),
                List.copyOf(streams.getOrDefault(b.node().id(), List.of())))).toList();
    }

    /**
     * Stops heartbeating without a word, as a node that died would (kill -9, a cut cable): tests of removal.
     * The node disappears from every registry within {@code ttl}; {@link #close()} still frees the client.
     */
    public void stopHeartbeats() {
        stopped = true;
        timer.shutdownNow();
    }

    /**
     * One heartbeat after {@link #stopHeartbeats()}, as a node back from a pause longer than the ttl would send
     * (tests: it registers again and takes back its streams' origins that nobody took meanwhile).
     */
    void beatOnceAfterPause() {
        stopped = false;
        beat();
        stopped = true;
    }

    /** Leaves the cluster at once: the others hear of the removal (with this node's streams) without waiting for ttl. */
    @Override
    public void close() {
        boolean wasBeating = !stopped;
        stopped = true;
        timer.shutdownNow();
        try {
            if (wasBeating) {
                bucket(id).delete();
                if (nodeIds().remove(id)) {
                    claimRemoval(id);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("cluster: leaving failed ({}); the others remove this node within {}", e.toString(), ttl);
        } finally {
            if (topicListener >= 0) {
                try {
                    topic.removeListener(topicListener);
                } catch (RuntimeException ignored) {
                    // the client is going away
                }
            }
            events.shutdown();
            try {
                events.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (ownClient) {
                redis.shutdown();
            }
        }
    }

    // ---- Redis keys and JSON ----

    private RBucket<String> bucket(String nodeId) {
        return redis.getBucket(prefix + "node:" + nodeId, StringCodec.INSTANCE);
    }

    private RSet<String> nodeIds() {
        return redis.getSet(prefix + "nodes", StringCodec.INSTANCE);
    }

    private RMap<String, String> origins() {
        return redis.getMap(prefix + "origins", StringCodec.INSTANCE);
    }

    /** The heartbeats of {@code ids} that have not expired, by id (one MGET). */
    private Map<String, Heartbeat> read(Set<String> ids) {
        Map<String, Heartbeat> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        String[] keys = ids.stream().map(i -> prefix + "node:" + i).toArray(String[]::new);
        Map<String, String> values = redis.getBuckets(StringCodec.INSTANCE).get(keys);
        for (String v : values.values()) {
            if (v != null) {
                try {
                    Heartbeat b = Heartbeat.parse(v);
                    out.put(b.node().id(), b);
                } catch (RuntimeException e) {
                    LOG.warn("cluster: unreadable heartbeat {}", v);
                }
            }
        }
        return out;
    }
}
