package dev.skillbus.auth;

import dev.skillbus.protocol.ErrorCode;
import dev.skillbus.protocol.Fields;
import dev.skillbus.protocol.Role;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Verifies HS256 bearer tokens (claims {@code sub}, {@code name}, {@code role}) and, for dev tokens,
 * issues them. The app's own auth server issues tokens in production with the same secret.
 */
public final class TokenService {

  public static final int MAX_NAME_LENGTH = 100;
  /** Who a caller presenting the admin key is: it names no user of the app. */
  public static final Identity ADMIN_KEY_HOLDER = new Identity("admin-key", "Administrator", Role.ADMIN);
  private static final String BEARER = "Bearer ";
  private static final int MIN_ADMIN_KEY_LENGTH = 16;

  private final JWTAuth jwt;
  /** What a token must say it is from ({@code iss}) and for ({@code aud}), when set: dev tokens say so too. */
  private final String issuer;
  private final String audience;
  private final int ttlSeconds;
  private final int leewaySeconds;
  private final byte[] adminKey;

  public TokenService(Vertx vertx, JsonObject auth) {
    check(auth);
    String secret = auth.getString("secret");
    this.leewaySeconds = auth.getInteger("leewaySeconds", 30);
    if (leewaySeconds < 0) {
      throw new IllegalStateException("bridge.auth.leewaySeconds (JWT_LEEWAY_SECONDS) must not be negative");
    }
    // The leeway lets a token issued by a clock a little ahead (the app's auth server, another node)
    // pass its "iat" and "nbf" checks; "exp" gets the same, here and for open sockets (expiresAt).
    this.issuer = auth.getString("issuer", "").isEmpty() ? null : auth.getString("issuer");
    this.audience = auth.getString("audience", "").isEmpty() ? null : auth.getString("audience");
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))
      .setJWTOptions(withClaims(new JWTOptions().setLeeway(leewaySeconds))));
    this.ttlSeconds = auth.getInteger("tokenTtlSeconds", 86400);
    String key = auth.getString("adminKey", "");
    this.adminKey = key.isEmpty() ? null : key.getBytes(StandardCharsets.UTF_8);
  }

  /** Refuses (IllegalStateException, naming the setting) an auth section whose secret or admin key cannot be used. */
  public static void check(JsonObject auth) {
    String secret = auth.getString("secret", "");
    if (secret.isEmpty()) {
      throw new IllegalStateException("bridge.auth.secret (JWT_SECRET) is not set: outside dev mode (SKILLBUS_DEV=false)"
        + " it is required, the HS256 secret shared with your auth server, at least 16 characters");
    }
    if (secret.length() < 16) {
      throw new IllegalStateException("bridge.auth.secret (JWT_SECRET) must be at least 16 characters");
    }
    String key = auth.getString("adminKey", "");
    if (!key.isEmpty() && key.length() < MIN_ADMIN_KEY_LENGTH) {
      throw new IllegalStateException("bridge.auth.adminKey (SKILLBUS_ADMIN_KEY) must be at least " + MIN_ADMIN_KEY_LENGTH + " characters");
    }
  }

  /**
   * A verified token: who it names, and when it stops being valid (epoch millis, or MAX_VALUE): its
   * {@code exp} and the leeway.
   */
  public record Verified(Identity identity, long expiresAt) {
    public boolean expired(long now) {
      return now >= expiresAt;
    }
  }

  /** Verifies an {@code authorization} header value; a 401 failure says why it was refused. */
  public Future<Verified> verify(String authorization) {
    String token = bearerValue(authorization);
    if (token == null) {
      return Future.failedFuture(ErrorCode.UNAUTHENTICATED.exception("a bearer token is required in headers.authorization"));
    }
    Future<User> checked;
    try {
      checked = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      // A signed token with a claim of the wrong type (an "exp" string, or null) throws rather than fails.
      checked = Future.failedFuture(e);
    }
    return checked
      .recover(e -> Future.failedFuture(ErrorCode.UNAUTHENTICATED.exception("invalid token: " + why(e))))
      .map(this::toVerified);
  }

  /** The options with the issuer and audience a token must name, when they are set. */
  private JWTOptions withClaims(JWTOptions options) {
    if (issuer != null) {
      options.setIssuer(issuer);
    }
    if (audience != null) {
      options.addAudience(audience);
    }
    return options;
  }

  /** Why the JWT library refused a token, in a few fixed words: its own messages name its internals. */
  static String why(Throwable refusal) {
    String message = refusal.getMessage() == null ? "" : refusal.getMessage();
    if (message.contains("JWT issuer")) {
      return "issuer not accepted (iss)";
    }
    if (message.contains("JWT audience")) {
      return "audience not accepted (aud)";
    }
    // A time claim of another type fails its cast; one that is null, its unboxing.
    if (refusal instanceof ClassCastException || refusal instanceof NullPointerException) {
      return "a claim of the wrong type";
    }
    if (message.contains("expired")) {
      return "expired, or not valid yet (exp, nbf, iat)";
    }
    if (message.contains("ignature")) {
      return "bad signature";
    }
    if (message.contains("lgorithm") || message.isEmpty()) {
      return "algorithm not accepted (HS256 only)";
    }
    return "malformed";
  }

  /**
   * The admin rule of the operations API: the admin key as the bearer value, or a token whose role
   * is {@code admin}. A 401 failure without a valid key or token, a 403 for another role.
   */
  public Future<Identity> verifyAdmin(String authorization) {
    String value = bearerValue(authorization);
    if (adminKey != null && value != null && MessageDigest.isEqual(adminKey, value.getBytes(StandardCharsets.UTF_8))) {
      return Future.succeededFuture(ADMIN_KEY_HOLDER);
    }
    return verify(authorization).compose(verified -> verified.identity().isAdmin()
      ? Future.succeededFuture(verified.identity())
      : Future.failedFuture(ErrorCode.FORBIDDEN.exception("the admin role is required")));
  }

  /**
   * What follows {@code Bearer } in an authorization value, or null when there is nothing: the scheme's
   * name in any case, as HTTP has it ({@code bearer …} from some clients and proxies).
   */
  private static String bearerValue(String authorization) {
    return authorization != null && authorization.length() > BEARER.length()
      && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
      ? authorization.substring(BEARER.length())
      : null;
  }

  /** Issues a token for this identity, valid for the configured time. */
  public String issue(Identity identity) {
    JsonObject claims = new JsonObject()
      .put("sub", identity.userId())
      .put("name", identity.name())
      .put("role", identity.role().wire());
    return jwt.generateToken(claims, withClaims(new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(ttlSeconds)));
  }

  private Verified toVerified(User user) {
    JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
    Identity identity = identityOf(claims);
    Long exp = claims.getLong("exp");
    return new Verified(identity, exp == null ? Long.MAX_VALUE : (exp + leewaySeconds) * 1000);
  }

  /** The identity a token's claims name; a 401 failure when the claims are not usable. */
  static Identity identityOf(JsonObject claims) {
    Object sub = claims.getValue("sub");
    if (!(sub instanceof String userId) || !Fields.USER_ID.matcher(userId).matches()) {
      throw ErrorCode.UNAUTHENTICATED.exception("invalid token: claim 'sub' must match " + Fields.USER_ID.pattern());
    }
    Role role = claims.getValue("role") instanceof String r ? Role.of(r) : null;
    if (role == null) {
      throw ErrorCode.UNAUTHENTICATED.exception("invalid token: claim 'role' must be one of learner, instructor, team_leader, agent, admin");
    }
    Object name = claims.getValue("name");
    if (name != null && !(name instanceof String)) {
      throw ErrorCode.UNAUTHENTICATED.exception("invalid token: claim 'name' must be a string");
    }
    if (name instanceof String s && Fields.characters(s) > MAX_NAME_LENGTH) {
      throw ErrorCode.UNAUTHENTICATED.exception("invalid token: claim 'name' is longer than " + MAX_NAME_LENGTH);
    }
    return new Identity(userId, displayName(name instanceof String s ? s : null, userId), role);
  }

  /**
   * The name shown for a user: the one given, or else the user id, cut to {@link #MAX_NAME_LENGTH}
   * (a user id may be longer than a name).
   */
  public static String displayName(String name, String userId) {
    if (name != null && !Fields.isBlank(name)) {
      return name;
    }
    return userId.length() > MAX_NAME_LENGTH ? userId.substring(0, MAX_NAME_LENGTH) : userId;
  }
}
