package io.bcgateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issues Entra-shaped access tokens and validates them the way BC does. Revocation is by serial number:
 * every token carries its issue serial inside {@code uti}, and revoking raises the lowest serial accepted,
 * so "every token so far becomes invalid, new ones work" needs no per-token bookkeeping.
 */
final class TokenService {

    /** bc-facts: the access token's audience is always this, for online and on-premises alike. */
    static final String BC_AUDIENCE = "https://api.businesscentral.dynamics.com";

    /** Why a presented token was refused; logged in the request log only, never sent to the caller. */
    enum Rejection { MISSING, MALFORMED, BAD_SIGNATURE, EXPIRED, NOT_YET_VALID, WRONG_AUDIENCE, REVOKED, REJECT_ALL, WRONG_TENANT, MISSING_ROLE }

    /** Validated token: the claims BC uses. */
    record Principal(String tenantId, String clientId, List<String> roles) { }

    private final JwtSigner signer = new JwtSigner();
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong serial = new AtomicLong();
    private final AtomicLong firstValidSerial = new AtomicLong(1);
    private volatile boolean rejectAll;

    TokenService(Clock clock) {
        this.clock = clock;
    }

    void awaitKey() {
        signer.awaitKey();
    }

    String issue(SimulatorSettings.RegisteredApp app, int lifetimeSeconds) {
        return issue(app, lifetimeSeconds, BC_AUDIENCE, app.roles());
    }

    /** A token for another API of the tenant: its audience is that API's application ID URI, its roles the grants. */
    String issue(SimulatorSettings.RegisteredApp app, int lifetimeSeconds, String audience, List<String> roles) {
        long now = clock.instant().getEpochSecond();
        long seq = serial.incrementAndGet();
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("aud", audience);
        c.put("iss", "https://sts.windows.net/" + app.tenantId() + "/");
        c.put("iat", now);
        c.put("nbf", now);
        c.put("exp", now + lifetimeSeconds);
        c.put("aio", "simulated");
        c.put("app_displayname", "bc-simulator app " + app.clientId());
        c.put("appid", app.clientId());
        c.put("appidacr", "1");
        c.put("azp", app.clientId());
        c.put("azpacr", "1");
        c.put("idp", "https://sts.windows.net/" + app.tenantId() + "/");
        c.put("idtyp", "app");
        c.put("oid", UUID.nameUUIDFromBytes(("oid:" + app.tenantId() + app.clientId()).getBytes()).toString());
        if (!roles.isEmpty()) {
            c.putArray("roles").addAll(roles.stream().map(JsonNodeFactory.instance::textNode).toList());
        }
        c.put("sub", UUID.nameUUIDFromBytes(("sub:" + app.tenantId() + app.clientId()).getBytes()).toString());
        c.put("tid", app.tenantId());
        c.put("uti", uti(seq));
        c.put("jti", UUID.randomUUID().toString());
        c.put("ver", "1.0");
        return signer.sign(c);
    }

    /** Validates an {@code Authorization} header value; {@code pathTenant} is null when the URL carries none. */
    Result validate(String authorization, String pathTenant, String requiredRole) {
        if (rejectAll) return Result.rejected(Rejection.REJECT_ALL);
        if (authorization == null) return Result.rejected(Rejection.MISSING);
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return Result.rejected(Rejection.MALFORMED);
        Optional<ObjectNode> verified = signer.verify(authorization.substring(7).trim());
        if (verified.isEmpty()) return Result.rejected(Rejection.BAD_SIGNATURE);
        ObjectNode c = verified.get();
        long now = clock.instant().getEpochSecond();
        if (!BC_AUDIENCE.equals(c.path("aud").asText()) && !(BC_AUDIENCE + "/").equals(c.path("aud").asText())) {
            return Result.rejected(Rejection.WRONG_AUDIENCE);
        }
        if (c.path("exp").asLong(0) <= now) return Result.rejected(Rejection.EXPIRED);
        if (c.path("nbf").asLong(Long.MAX_VALUE) > now) return Result.rejected(Rejection.NOT_YET_VALID);
        if (serialOf(c.path("uti").asText()) < firstValidSerial.get()) return Result.rejected(Rejection.REVOKED);
        String tid = c.path("tid").asText();
        if (pathTenant != null && !pathTenant.toLowerCase(Locale.ROOT).equals(tid)) {
            return Result.rejected(Rejection.WRONG_TENANT);
        }
        List<String> roles = new java.util.ArrayList<>();
        for (JsonNode r : c.path("roles")) roles.add(r.asText());
        if (requiredRole != null && !roles.contains(requiredRole)) return Result.rejected(Rejection.MISSING_ROLE);
        return new Result(new Principal(tid, c.path("appid").asText(), roles), null);
    }

    /** The public signing key as a JSON Web Key Set, as Entra publishes at its {@code jwks_uri}. */
    ObjectNode jwks() {
        return signer.jwks();
    }

    /** Signs arbitrary claims with this instance's key; lets tests build validly signed but otherwise wrong tokens. */
    String signForTest(ObjectNode claims) {
        return signer.sign(claims);
    }

    void revokeAllIssued() {
        firstValidSerial.set(serial.get() + 1);
    }

    void rejectAll(boolean enabled) { rejectAll = enabled; }

    boolean rejectAll() { return rejectAll; }

    record Result(Principal principal, Rejection rejection) {
        static Result rejected(Rejection r) { return new Result(null, r); }
        boolean ok() { return principal != null; }
    }

    private String uti(long seq) {
        byte[] b = new byte[16];
        random.nextBytes(b);
        ByteBuffer.wrap(b).putLong(seq);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static long serialOf(String uti) {
        try {
            byte[] b = Base64.getUrlDecoder().decode(uti);
            return b.length == 16 ? ByteBuffer.wrap(b).getLong() : -1;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }
}
