package dev.mailkit.examples;

import dev.mailkit.core.Credentials;
import dev.mailkit.core.TokenProvider;
import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.SendResult;
import dev.mailkit.smtp.SmtpSender;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OAuth2 for Outlook.com / Microsoft 365 and Gmail: a {@link TokenProvider} that trades a refresh token
 * for access tokens at the provider's token endpoint, caching each until shortly before it expires.
 * mailkit asks it for a token on every new connection and sends it with SASL XOAUTH2.
 *
 * <p>Getting the first refresh token needs a browser sign-in (authorization code flow) and an app
 * registration: in Microsoft Entra for Outlook (scopes {@code https://outlook.office.com/SMTP.Send},
 * {@code https://outlook.office.com/IMAP.AccessAsUser.All}, {@code offline_access}), in Google Cloud for
 * Gmail (scope {@code https://mail.google.com/}). Production code usually lets MSAL4J or
 * google-auth-library do this and wraps it the same way. Usage:
 * {@code OAuth2Tokens outlook|gmail ADDRESS CLIENT_ID TO} with {@code MAILKIT_REFRESH_TOKEN} (and
 * {@code MAILKIT_CLIENT_SECRET} for Gmail) set.
 */
public final class OAuth2Tokens {

    /** Microsoft's token endpoint for personal and work accounts. */
    public static final URI OUTLOOK = URI.create("https://login.microsoftonline.com/common/oauth2/v2.0/token");
    /** Google's token endpoint. */
    public static final URI GOOGLE = URI.create("https://oauth2.googleapis.com/token");

    private OAuth2Tokens() {
    }

    public static void main(String[] args) {
        boolean outlook = args[0].equals("outlook");
        TokenProvider tokens = new RefreshingTokenProvider(outlook ? OUTLOOK : GOOGLE, args[2],
                System.getenv("MAILKIT_CLIENT_SECRET"), System.getenv("MAILKIT_REFRESH_TOKEN"),
                outlook ? "https://outlook.office.com/SMTP.Send offline_access" : null);
        try (SmtpSender sender = SmtpSender.builder()
                .provider(args[1])                                   // outlook or gmail, from the address
                .credentials(Credentials.oauth2(args[1], tokens))    // XOAUTH2 with a fresh token per connection
                .build()) {
            System.out.println("sent " + send(sender, args[1], args[3]).messageId());
        }
    }

    static SendResult send(SmtpSender sender, String from, String to) {
        return sender.send(Email.builder().from(from).to(to).subject("Sent with OAuth2").text("No password stored.").build());
    }

    /** Builds a sender for any server with an OAuth2 token provider (the tests point it at a local server). */
    static SmtpSender sender(ExampleAccount account, String user, TokenProvider tokens) {
        return SmtpSender.builder().endpoint(account.smtp()).options(account.options())
                .credentials(Credentials.oauth2(user, tokens)).build();
    }

    /** Trades a refresh token for access tokens (RFC 6749 §6), thread-safe, cached until a minute before expiry. */
    public static final class RefreshingTokenProvider implements TokenProvider {

        private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
        private static final Pattern EXPIRES_IN = Pattern.compile("\"expires_in\"\\s*:\\s*(\\d+)");

        private final URI tokenEndpoint;
        private final String clientId;
        private final String clientSecret;
        private final String refreshToken;
        private final String scope;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15)).build();
        private String token;
        private Instant expires = Instant.EPOCH;

        /**
         * @param tokenEndpoint the provider's token URL
         * @param clientId      the app registration's client id
         * @param clientSecret  its secret (Google), or null for public clients (Microsoft desktop apps)
         * @param refreshToken  the refresh token from the first sign-in
         * @param scope         scopes to ask for (Microsoft), or null
         */
        public RefreshingTokenProvider(URI tokenEndpoint, String clientId, String clientSecret, String refreshToken,
                                       String scope) {
            this.tokenEndpoint = tokenEndpoint;
            this.clientId = clientId;
            this.clientSecret = clientSecret;
            this.refreshToken = refreshToken;
            this.scope = scope;
        }

        @Override
        public synchronized String accessToken() throws IOException, InterruptedException {
            if (token != null && Instant.now().isBefore(expires.minusSeconds(60))) {
                return token;
            }
            StringBuilder form = new StringBuilder("grant_type=refresh_token")
                    .append("&refresh_token=").append(URLEncoder.encode(refreshToken, StandardCharsets.UTF_8))
                    .append("&client_id=").append(URLEncoder.encode(clientId, StandardCharsets.UTF_8));
            if (clientSecret != null) {
                form.append("&client_secret=").append(URLEncoder.encode(clientSecret, StandardCharsets.UTF_8));
            }
            if (scope != null) {
                form.append("&scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
            }
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(tokenEndpoint)
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(), HttpResponse.BodyHandlers.ofString());
            Matcher t = ACCESS_TOKEN.matcher(response.body());
            if (response.statusCode() != 200 || !t.find()) {
                // The body may echo what was sent; report the status only, never tokens.
                throw new IOException("token endpoint " + tokenEndpoint + " answered HTTP " + response.statusCode()
                        + "; the refresh token may be expired or revoked: sign in again");
            }
            Matcher e = EXPIRES_IN.matcher(response.body());
            token = t.group(1);
            expires = Instant.now().plusSeconds(e.find() ? Long.parseLong(e.group(1)) : 300);
            return token;
        }

        @Override
        public String toString() {
            return "RefreshingTokenProvider[" + tokenEndpoint + ", client " + clientId + "]";
        }
    }
}
