package io.relaycast.signaling.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.auth0.jwt.interfaces.Verification;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict JWT validation (RFC 8725 best practice): the verifier is chosen by the header's {@code alg} among
 * the algorithms we configured, each verifier accepts exactly one algorithm, so {@code alg:none} and HS/RS
 * confusion (an HS256 token "signed" with the RSA public key) never verify. {@code sub} and {@code exp} are
 * required.
 */
public final class TokenVerifier {
    private static final int MAX_TOKEN_LENGTH = 8192;
    private final Map<String, JWTVerifier> verifiers = new HashMap<>();

    public TokenVerifier(AuthConfig config) {
        if (config.hmacSecret() != null) {
            verifiers.put("HS256", build(Algorithm.HMAC256(config.hmacSecret()), config));
        }
        if (config.rsaPublicKey() != null) {
            verifiers.put("RS256", build(Algorithm.RSA256(config.rsaPublicKey(), null), config));
        }
    }

    private static JWTVerifier build(Algorithm algorithm, AuthConfig config) {
        Verification v = JWT.require(algorithm)
                .withClaimPresence("sub")
                .withClaimPresence("exp")
                .acceptLeeway(config.leewaySeconds());
        if (!config.issuer().isEmpty()) {
            v = v.withIssuer(config.issuer());
        }
        if (!config.audience().isEmpty()) {
            v = v.withAudience(config.audience());
        }
        return v.build();
    }

    public Principal verify(String token) {
        if (token == null || token.isBlank()) {
            throw new ServiceException(ErrorCode.UNAUTHENTICATED, "a bearer token is required");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new ServiceException(ErrorCode.INVALID_TOKEN, "token is too long");
        }
        DecodedJWT decoded;
        try {
            decoded = JWT.decode(token);
        } catch (JWTDecodeException e) {
            throw new ServiceException(ErrorCode.INVALID_TOKEN, "token is not a well-formed JWT");
        }
        JWTVerifier verifier = verifiers.get(decoded.getAlgorithm());
        if (verifier == null) {
            throw new ServiceException(ErrorCode.INVALID_TOKEN, "token algorithm '" + decoded.getAlgorithm() + "' is not accepted");
        }
        try {
            decoded = verifier.verify(decoded);
        } catch (TokenExpiredException e) {
            throw new ServiceException(ErrorCode.TOKEN_EXPIRED, "token has expired");
        } catch (JWTVerificationException e) {
            throw new ServiceException(ErrorCode.INVALID_TOKEN, "token rejected: " + e.getMessage());
        }
        String sub = decoded.getSubject();
        if (sub == null || sub.isBlank() || sub.length() > 128) {
            throw new ServiceException(ErrorCode.INVALID_TOKEN, "token 'sub' must be 1-128 characters");
        }
        String name = decoded.getClaim("name").isMissing() || decoded.getClaim("name").isNull()
                ? sub : decoded.getClaim("name").asString();
        if (name == null || name.isBlank()) {
            name = sub;
        }
        if (name.length() > 120) {
            name = name.substring(0, 120);
        }
        return new Principal(sub, name, roles(decoded.getClaim("roles")));
    }

    private static Set<String> roles(Claim claim) {
        if (claim.isMissing() || claim.isNull()) {
            return Set.of();
        }
        List<String> list;
        try {
            list = claim.asList(String.class);
        } catch (JWTDecodeException e) {
            throw new ServiceException(ErrorCode.INVALID_TOKEN, "token 'roles' must be an array of strings");
        }
        if (list == null) {
            throw new ServiceException(ErrorCode.INVALID_TOKEN, "token 'roles' must be an array of strings");
        }
        Set<String> roles = new LinkedHashSet<>();
        for (String r : list) {
            if (Principal.ADMIN.equals(r) || Principal.MODERATOR.equals(r)) {
                roles.add(r);
            }
        }
        return roles;
    }
}
