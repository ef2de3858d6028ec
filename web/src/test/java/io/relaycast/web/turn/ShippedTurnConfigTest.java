package io.relaycast.web.turn;

import io.relaycast.web.turn.TurnTests.Credential;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.relaycast.web.turn.TurnTests.now;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/**
 * config/turnserver.conf as shipped: coturn 4.6.1 loads every line of it (it would only log, not refuse, a
 * misspelt option), every denied range is in force, the hardening options are set and the dangerous ones are not,
 * and the per-user quota holds.
 */
public class ShippedTurnConfigTest {
    private Coturn coturn;
    private String secret;
    private Map<String, List<String>> options;

    @BeforeClass
    public void start() throws IOException {
        options = options();
        secret = TurnTests.randomSecret();
        coturn = Coturn.builder().secret(secret).tls().start();
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (coturn != null) {
            coturn.close();
        }
    }

    /** Option name → values, from the file's non-comment lines (a flag has the value ""). */
    private static Map<String, List<String>> options() throws IOException {
        Map<String, List<String>> o = new HashMap<>();
        for (String raw : Files.readAllLines(Coturn.shippedConfig())) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String name = eq < 0 ? line : line.substring(0, eq).strip();
            String value = eq < 0 ? "" : line.substring(eq + 1).strip();
            o.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return o;
    }

    @Test
    public void coturnLoadsTheShippedFileWithoutAComplaint() {
        String log = coturn.log();
        // the realm is set only by the file, so this line shows coturn read it
        assertTrue(log.contains("Default realm: relaycast"), log);
        for (String line : log.split("\n")) {
            // coturn's words for an option it does not know, a value it cannot parse, a file it cannot read
            assertFalse(line.contains("Bad configuration format"), line);
            assertFalse(line.contains("Wrong address format"), line);
            assertFalse(line.contains("CONFIG ERROR"), line);
            assertFalse(line.contains("cannot find"), line);
        }
        assertTrue(coturn.isAlive(), log);
    }

    @Test
    public void everyDeniedRangeOfTheFileIsInForce() {
        String log = coturn.log();
        List<String> denied = options.get("denied-peer-ip");
        assertTrue(denied.size() >= 15, "denied-peer-ip lines: " + denied);
        for (String range : denied) {
            assertTrue(log.contains("Black listing: " + range), "coturn did not take denied-peer-ip=" + range + ":\n" + log);
        }
    }

    @Test
    public void hardeningOptionsAreSet() {
        for (String flag : List.of("use-auth-secret", "fingerprint", "no-cli", "no-multicast-peers", "no-tcp-relay",
                "no-tlsv1", "no-tlsv1_1", "no-dtls", "no-software-attribute", "no-rfc5780")) {
            assertEquals(options.get(flag), List.of(""), flag);
        }
        for (String numeric : List.of("user-quota", "total-quota", "max-bps", "stale-nonce")) {
            assertEquals(options.get(numeric).size(), 1, numeric);
            assertTrue(Long.parseLong(options.get(numeric).get(0)) > 0, numeric);
        }
        for (String file : List.of("cert", "pkey")) {
            assertTrue(options.get(file).get(0).startsWith("/"), file + " is an absolute placeholder path");
        }
        assertEquals(options.get("tls-listening-port"), List.of("5349"));
    }

    @Test
    public void dangerousOptionsAreAbsent() {
        for (String name : List.of("oauth", "no-auth", "lt-cred-mech", "user", "allow-loopback-peers", "server-relay",
                "cli-password", "web-admin", "web-admin-listen-on-workers", "mobility", "secure-stun",
                "static-auth-secret", "allowed-peer-ip")) {
            assertFalse(options.containsKey(name), name + " must not be set in the shipped file");
        }
    }

    @Test
    public void theUserQuotaCountsAllocationsPerUserIdWhateverTheExpiry() throws IOException {
        int quota = Integer.parseInt(options.get("user-quota").get(0));
        List<TurnClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < quota; i++) {
                TurnClient c = TurnClient.udp(coturn.udpAddress());
                open.add(c);
                // a new credential each time (other expiry), as a viewer gets on every page load
                Credential cred = Credential.of(secret, now() + 600 + i, "quota-user");
                assertTrue(c.allocate(cred.username(), cred.password()).ok(), "allocation " + (i + 1));
            }
            TurnClient over = TurnClient.udp(coturn.udpAddress());
            open.add(over);
            Credential cred = Credential.of(secret, now() + 900, "quota-user");
            TurnClient.Answer a = over.allocate(cred.username(), cred.password());
            assertEquals(a.code(), 486, "allocation " + (quota + 1) + " of one user: " + a);

            TurnClient other = TurnClient.udp(coturn.udpAddress());
            open.add(other);
            Credential someoneElse = Credential.of(secret, now() + 600, "another-user");
            assertTrue(other.allocate(someoneElse.username(), someoneElse.password()).ok(), "another user is not limited");
        } finally {
            open.forEach(TurnClient::close);
        }
    }
}
