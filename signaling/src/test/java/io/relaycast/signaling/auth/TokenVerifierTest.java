package io.relaycast.signaling.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import org.testng.annotations.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.expectThrows;

public class TokenVerifierTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef-test".getBytes(StandardCharsets.UTF_8);
    private static final KeyPair RSA = rsa();

    private static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static AuthConfig config(byte[] secret, RSAPublicKey key, String issuer) {
        return new AuthConfig(false, secret, key, issuer, "", 5, true, Duration.ofHours(1));
    }

    private final TokenVerifier hsOnly = new TokenVerifier(config(SECRET, null, ""));
    private final TokenVerifier rsOnly = new TokenVerifier(config(null, (RSAPublicKey) RSA.getPublic(), ""));

    private static String hs(byte[] secret, Instant exp) {
        return JWT.create().withSubject("u1").withClaim("name", "Ann").withExpiresAt(exp)
                .withClaim("roles", List.of("moderator", "superuser")).sign(Algorithm.HMAC256(secret));
    }

    @Test
    public void validHs256TokenGivesThePrincipal() {
        Principal p = hsOnly.verify(hs(SECRET, Instant.now().plusSeconds(60)));
        assertEquals(p.userId(), "u1");
        assertEquals(p.displayName(), "Ann");
        assertEquals(p.roles(), Set.of("moderator"), "unknown roles are dropped");
    }

    @Test
    public void validRs256TokenGivesThePrincipal() {
        String t = JWT.create().withSubject("u2").withExpiresAt(Instant.now().plusSeconds(60))
                .sign(Algorithm.RSA256(null, (RSAPrivateKey) RSA.getPrivate()));
        Principal p = rsOnly.verify(t);
        assertEquals(p.userId(), "u2");
        assertEquals(p.displayName(), "u2", "no name: the id stands in");
    }

    @Test
    public void expiredTokenIsRefused() {
        assertEquals(code(hsOnly, hs(SECRET, Instant.now().minusSeconds(60))), ErrorCode.TOKEN_EXPIRED);
    }

    @Test
    public void tokenWithoutExpiryOrSubjectIsRefused() {
        assertEquals(code(hsOnly, JWT.create().withSubject("u").sign(Algorithm.HMAC256(SECRET))), ErrorCode.INVALID_TOKEN);
        assertEquals(code(hsOnly, JWT.create().withExpiresAt(Instant.now().plusSeconds(60)).sign(Algorithm.HMAC256(SECRET))),
                ErrorCode.INVALID_TOKEN);
    }

    @Test
    public void forgedSignatureIsRefused() {
        String other = hs("another-secret-that-is-long-enough-32b".getBytes(StandardCharsets.UTF_8), Instant.now().plusSeconds(60));
        assertEquals(code(hsOnly, other), ErrorCode.INVALID_TOKEN);
        String good = hs(SECRET, Instant.now().plusSeconds(60));
        String[] parts = good.split("\\.");
        String tamperedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"sub\":\"admin\",\"exp\":" + (Instant.now().getEpochSecond() + 60) + "}").getBytes(StandardCharsets.UTF_8));
        assertEquals(code(hsOnly, parts[0] + "." + tamperedPayload + "." + parts[2]), ErrorCode.INVALID_TOKEN);
    }

    @Test
    public void algNoneIsRefused() {
        String t = JWT.create().withSubject("u1").withExpiresAt(Instant.now().plusSeconds(60)).sign(Algorithm.none());
        assertEquals(code(hsOnly, t), ErrorCode.INVALID_TOKEN);
        assertEquals(code(rsOnly, t), ErrorCode.INVALID_TOKEN);
        // hand-made header spelling "None" and a dropped signature
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"None\",\"typ\":\"JWT\"}".getBytes());
        String body = t.split("\\.")[1];
        assertEquals(code(hsOnly, header + "." + body + "."), ErrorCode.INVALID_TOKEN);
    }

    @Test
    public void hsRsAlgorithmConfusionIsRefused() {
        // the classic attack: sign HS256 with the RSA public key's bytes as the HMAC secret
        byte[] publicKeyBytes = RSA.getPublic().getEncoded();
        String t = JWT.create().withSubject("u1").withExpiresAt(Instant.now().plusSeconds(60))
                .sign(Algorithm.HMAC256(publicKeyBytes));
        assertEquals(code(rsOnly, t), ErrorCode.INVALID_TOKEN);
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(publicKeyBytes) + "\n-----END PUBLIC KEY-----\n";
        String t2 = JWT.create().withSubject("u1").withExpiresAt(Instant.now().plusSeconds(60))
                .sign(Algorithm.HMAC256(pem.getBytes(StandardCharsets.US_ASCII)));
        assertEquals(code(rsOnly, t2), ErrorCode.INVALID_TOKEN);
        // and an RS256 token is no good where only HS256 is configured
        String rs = JWT.create().withSubject("u1").withExpiresAt(Instant.now().plusSeconds(60))
                .sign(Algorithm.RSA256(null, (RSAPrivateKey) RSA.getPrivate()));
        assertEquals(code(hsOnly, rs), ErrorCode.INVALID_TOKEN);
    }

    @Test
    public void issuerIsCheckedWhenConfigured() {
        TokenVerifier withIssuer = new TokenVerifier(config(SECRET, null, "https://shop.example"));
        String wrong = JWT.create().withSubject("u").withIssuer("https://evil.example")
                .withExpiresAt(Instant.now().plusSeconds(60)).sign(Algorithm.HMAC256(SECRET));
        assertEquals(code(withIssuer, wrong), ErrorCode.INVALID_TOKEN);
        String right = JWT.create().withSubject("u").withIssuer("https://shop.example")
                .withExpiresAt(Instant.now().plusSeconds(60)).sign(Algorithm.HMAC256(SECRET));
        assertEquals(withIssuer.verify(right).userId(), "u");
    }

    @Test
    public void garbageIsRefusedWithoutSurprises() {
        for (String t : new String[]{"", " ", "abc", "a.b.c", "x".repeat(9000), "eyJ.eyJ.sig", "...."}) {
            ServiceException e = expectThrows(ServiceException.class, () -> hsOnly.verify(t));
            assertEquals(e.code().httpStatus(), 401, t);
        }
        String badRoles = JWT.create().withSubject("u").withClaim("roles", "admin")
                .withExpiresAt(Instant.now().plusSeconds(60)).sign(Algorithm.HMAC256(SECRET));
        assertEquals(code(hsOnly, badRoles), ErrorCode.INVALID_TOKEN, "roles must be an array");
    }

    private static ErrorCode code(TokenVerifier v, String token) {
        return expectThrows(ServiceException.class, () -> v.verify(token)).code();
    }
}
