package io.relaycast.web.turn;

import io.relaycast.signaling.ice.EpochSecret;
import io.relaycast.signaling.ice.IceServer;
import io.relaycast.signaling.ice.IceServerService;
import io.relaycast.signaling.ice.IceServersConfig;
import io.relaycast.signaling.ice.RedisTurnSecrets;
import io.relaycast.signaling.ice.TurnEpochs;
import io.relaycast.signaling.ice.TurnSecretKeeper;
import io.relaycast.signaling.ice.TurnSecretStoreConfig;
import io.relaycast.signaling.testing.TestClock;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.relaycast.web.turn.TurnTests.now;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/**
 * The life of epoch secrets in coturn's store, against a real coturn and Redis: Relaycast nodes here are
 * {@link TurnSecretKeeper}s with clocks the test moves, so an epoch can be retired without waiting for it, while
 * coturn keeps real time (the credentials' expiries are all in coturn's future: a 401 is the store's doing).
 */
public class TurnEpochRetirementTest {
    private static final int TTL_SECONDS = 600;
    private static final int EPOCH_SECONDS = 300;
    private static final TurnEpochs EPOCHS = new TurnEpochs(EPOCH_SECONDS, TTL_SECONDS);

    private String realm;
    private Coturn coturn;
    private RedisTurnSecrets store;
    private final List<TurnSecretKeeper> nodes = new ArrayList<>();

    @BeforeClass
    public void start() {
        realm = TurnTests.randomRealm();
        store = RedisTurnSecrets.connect(TurnTests.redisUrl(), realm);
        coturn = Coturn.builder().redisSecrets(realm).start();
    }

    @AfterMethod(alwaysRun = true)
    public void stopNodes() {
        nodes.forEach(TurnSecretKeeper::close);
        nodes.clear();
        store.deleteAll();
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        try {
            if (coturn != null) {
                coturn.close();
            }
        } finally {
            if (store != null) {
                store.deleteAll();
                store.close();
            }
        }
    }

    /** A Relaycast node's TURN half: its keeper (not started: the test calls maintain()) and its API's signer. */
    private record Node(TurnSecretKeeper keeper, IceServerService api) {
        IceServer credential(String userId) {
            return api.forUser(userId).get(0);
        }
    }

    private Node node(String master, String previous, TestClock clock) {
        TurnSecretKeeper keeper = new TurnSecretKeeper(RedisTurnSecrets.connect(TurnTests.redisUrl(), realm), EPOCHS,
                master, previous, clock);
        nodes.add(keeper);
        IceServersConfig config = new IceServersConfig(List.of(), List.of("turn:127.0.0.1:" + coturn.port + "?transport=udp"),
                master, previous, Duration.ofSeconds(TTL_SECONDS),
                new TurnSecretStoreConfig(TurnSecretStoreConfig.Kind.REDIS, TurnTests.redisUrl(), realm,
                        Duration.ofSeconds(EPOCH_SECONDS)));
        return new Node(keeper, new IceServerService(config, clock, keeper));
    }

    private TurnClient.Answer allocate(IceServer s) throws IOException {
        try (TurnClient c = TurnClient.udp(coturn.udpAddress())) {
            return c.allocate(s.username(), s.credential());
        }
    }

    /** Moves a node's clock to exactly the start of a Unix second. */
    private static void setTo(TestClock clock, long unixSecond) {
        clock.advance(unixSecond * 1000 - clock.millis());
    }

    private static long expiry(IceServer s) {
        return Long.parseLong(s.username().substring(0, s.username().indexOf(':')));
    }

    @Test
    public void aCredentialStopsWorkingWhenItsEpochIsRetired() throws IOException {
        TestClock clock = new TestClock(System.currentTimeMillis());
        Node node = node(TurnTests.randomSecret(), "", clock);
        IceServer credential = node.credential("viewer-1");
        assertTrue(allocate(credential).ok(), "signing published the epoch first: " + coturn.log());
        // the node's clock reaches the retirement of the credential's epoch; coturn's clock has not moved
        long epoch = EPOCHS.epochOf(expiry(credential));
        setTo(clock, EPOCHS.retireAt(epoch));
        node.keeper().maintain();
        assertTrue(expiry(credential) > now(), "still unexpired for coturn");
        assertEquals(allocate(credential).code(), 401, "its epoch's secret is gone");
        // the same node's fresh credentials (of the epochs now live) work
        IceServer fresh = node.credential("viewer-1");
        assertTrue(allocate(fresh).ok(), fresh + " " + coturn.log());
    }

    @Test
    public void retirementIsExactlyAtRetireAt() throws IOException {
        TestClock clock = new TestClock(System.currentTimeMillis());
        Node node = node(TurnTests.randomSecret(), "", clock);
        IceServer credential = node.credential("viewer-2");
        long epoch = EPOCHS.epochOf(expiry(credential));
        setTo(clock, EPOCHS.retireAt(epoch) - 1);
        node.keeper().maintain();
        assertTrue(allocate(credential).ok(), "one second before retireAt it is still there");
        clock.advance(1000);
        node.keeper().maintain();
        assertEquals(allocate(credential).code(), 401);
    }

    /** The rotation of decisions.md 28 with epoch secrets: nodes sign with OLD or NEW during the overlap, both work. */
    @Test
    public void rotatingTheMasterSecretOverlaps() throws IOException {
        String oldMaster = TurnTests.randomSecret();
        String newMaster = TurnTests.randomSecret();
        TestClock clock = new TestClock(System.currentTimeMillis());
        Node notYetSwitched = node(oldMaster, "", clock);
        Node switched = node(newMaster, oldMaster, clock);
        notYetSwitched.keeper().maintain();
        switched.keeper().maintain();
        IceServer fromOld = notYetSwitched.credential("viewer-3");
        IceServer fromNew = switched.credential("viewer-3");
        assertTrue(allocate(fromOld).ok(), "OLD during the overlap");
        assertTrue(allocate(fromNew).ok(), "NEW during the overlap");

        // the overlap ends: every node runs NEW alone; nobody knows OLD, yet its secrets retire on schedule
        Node afterwards = node(newMaster, "", clock);
        setTo(clock, EPOCHS.retireAt(EPOCHS.epochOf(expiry(fromNew)) + 1));
        afterwards.keeper().maintain();
        Set<String> stored = store.secrets();
        long now = now();
        for (long k = EPOCHS.firstLive(now) - 5; k <= EPOCHS.lastLive(now) + 5; k++) {
            assertFalse(stored.contains(EpochSecret.derive(oldMaster, EPOCH_SECONDS, k)), "OLD's epoch " + k + " left");
        }
        assertEquals(allocate(fromOld).code(), 401, "OLD's credential after the overlap");
        assertEquals(allocate(fromNew).code(), 401, "an old NEW credential whose epoch passed");
        IceServer current = afterwards.credential("viewer-3");
        assertTrue(allocate(current).ok(), "NEW's current credential");
    }

    /** compose runs Redis without persistence: a restart empties the set, the next run refills it. */
    @Test
    public void aRedisThatLostItsDataIsRefilledByTheNextRun() throws IOException {
        TestClock clock = new TestClock(System.currentTimeMillis());
        Node node = node(TurnTests.randomSecret(), "", clock);
        IceServer credential = node.credential("viewer-4");
        assertTrue(allocate(credential).ok());
        store.deleteAll();
        assertEquals(allocate(credential).code(), 401, "coturn reads the store on every authentication");
        node.keeper().maintain();
        assertTrue(allocate(credential).ok(), "refilled");
    }
}
