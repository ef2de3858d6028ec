package io.relaycast.web.api;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.web.ApiClient;
import io.relaycast.web.TestServer;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/** Tokens over real HTTP: dev tokens, integrator HS256/RS256 tokens, and every kind of bad token. */
public class AuthApiTest {
    private TestServer dev;
    private TestServer production;
    private KeyPair rsa;

    @BeforeClass
    public void start() throws Exception {
        dev = TestServer.start();
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        rsa = g.generateKeyPair();
        Path pem = Files.createTempFile("integrator", ".pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(rsa.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        // RS256 only: the shared test HS256 secret is switched off on this server
        production = TestServer.start(Map.of("relaycast.mode", "production", "relaycast.auth.jwt-public-key-file", pem.toString(),
                "relaycast.auth.jwt-secret", "", "relaycast.auth.allow-anonymous-viewers", false));
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (dev != null) {
            dev.close();
        }
        if (production != null) {
            production.close();
        }
    }

    private static String hs(String sub, Instant exp) {
        return JWT.create().withSubject(sub).withClaim("name", "Ann").withExpiresAt(exp)
                .sign(Algorithm.HMAC256(TestServer.SECRET));
    }

    @Test
    public void devTokenMintsAUsableToken() {
        JsonNode r = dev.api.post("/api/v1/auth/dev-token", null, Map.of("name", "Dev Dana")).expect(201);
        assertTrue(r.get("token").asText().split("\\.").length == 3);
        assertEquals(r.get("user").get("name").asText(), "Dev Dana");
        JsonNode me = dev.api.get("/api/v1/users/me", r.get("token").asText()).expect(200);
        assertEquals(me.get("id").asText(), r.get("user").get("id").asText());
        dev.api.post("/api/v1/auth/dev-token", null, Map.of()).expectError(400, "VALIDATION_FAILED");
        dev.api.post("/api/v1/auth/dev-token", null, Map.of("name", "x", "roles", java.util.List.of("root")))
                .expectError(400, "VALIDATION_FAILED");
    }

    @Test
    public void integratorHs256TokenWorksAndBadOnesAre401() {
        dev.api.post("/api/v1/streams", hs("integrator-user-1", Instant.now().plusSeconds(60)), Map.of("title", "ok")).expect(201);
        dev.api.post("/api/v1/streams", null, Map.of("title", "x")).expectError(401, "UNAUTHENTICATED");
        dev.api.post("/api/v1/streams", hs("u", Instant.now().minusSeconds(120)), Map.of("title", "x")).expectError(401, "TOKEN_EXPIRED");
        String forged = JWT.create().withSubject("u").withExpiresAt(Instant.now().plusSeconds(60))
                .sign(Algorithm.HMAC256("not-the-server-secret-not-the-server-secret"));
        dev.api.post("/api/v1/streams", forged, Map.of("title", "x")).expectError(401, "INVALID_TOKEN");
        String none = JWT.create().withSubject("u").withExpiresAt(Instant.now().plusSeconds(60)).sign(Algorithm.none());
        dev.api.post("/api/v1/streams", none, Map.of("title", "x")).expectError(401, "INVALID_TOKEN");
        dev.api.post("/api/v1/streams", "garbage", Map.of("title", "x")).expectError(401, "INVALID_TOKEN");
        var basic = dev.api.send("GET", "/api/v1/users/me", Map.of("Authorization", "Basic dXNlcjpwYXNz"), null);
        basic.expectError(401, "INVALID_TOKEN");
        // a bad token on a public read is still refused, never silently anonymous
        dev.api.get("/api/v1/streams/live", forged).expectError(401, "INVALID_TOKEN");
    }

    @Test
    public void productionHasNoDevTokensAndTakesRs256Only() {
        production.api.post("/api/v1/auth/dev-token", null, Map.of("name", "x")).expectError(404, "NOT_FOUND");
        String rs = JWT.create().withSubject("shop-user-7").withClaim("name", "Shopper")
                .withExpiresAt(Instant.now().plusSeconds(60)).sign(Algorithm.RSA256(null, (RSAPrivateKey) rsa.getPrivate()));
        assertEquals(production.api.get("/api/v1/users/me", rs).expect(200).get("name").asText(), "Shopper");
        // HS256 signed with the public key (algorithm confusion) and HS256 with the dev secret: both refused
        String confused = JWT.create().withSubject("x").withExpiresAt(Instant.now().plusSeconds(60))
                .sign(Algorithm.HMAC256(rsa.getPublic().getEncoded()));
        production.api.get("/api/v1/users/me", confused).expectError(401, "INVALID_TOKEN");
        production.api.get("/api/v1/users/me", hs("x", Instant.now().plusSeconds(60))).expectError(401, "INVALID_TOKEN");
        // anonymous viewers are off on this server
        production.api.get("/api/v1/streams/live", null).expectError(401, "UNAUTHENTICATED");
        production.api.get("/api/v1/streams/live", rs).expect(200);
    }

    @Test
    public void secretNeverAppearsInAnswers() {
        String body = dev.api.get("/api/v1/config/client", null).body();
        assertTrue(!body.contains(TestServer.SECRET.substring(0, 10)));
        assertTrue(new String(java.util.Base64.getUrlDecoder().decode(
                dev.api.devUser("A")[0].split("\\.")[1]), StandardCharsets.UTF_8).contains("\"exp\""));
    }
}
