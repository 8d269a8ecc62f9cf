package dev.mailkit.oauth2.testing;

import dev.mailkit.oauth2.BrowserLauncher;
import dev.mailkit.oauth2.DeviceCodePrompt;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user at a browser, scripted: an HTTP client with cookies that follows redirects, logs in on the
 * authorization server's form and so approves a sign-in (no consent page is configured).
 */
public final class ScriptedUser {

    private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([a-z_]+)\" value=\"([^\"]*)\">");
    private static final Pattern SCOPE = Pattern.compile("type=\"checkbox\" name=\"scope\" value=\"([^\"]+)\"");
    private static final Pattern ACTION = Pattern.compile("<form name=\"consent_form\" method=\"post\" action=\"([^\"]+)\"");

    private final TestAuthorizationServer server;
    private final String password;
    private final boolean approve;

    /**
     * A user who knows the right password.
     *
     * @param server the authorization server
     */
    public ScriptedUser(TestAuthorizationServer server) {
        this(server, server.password());
    }

    /**
     * A user with a given password (a wrong one fails the login).
     *
     * @param server   the authorization server
     * @param password the password typed
     */
    public ScriptedUser(TestAuthorizationServer server, String password) {
        this(server, password, true);
    }

    private ScriptedUser(TestAuthorizationServer server, String password, boolean approve) {
        this.server = server;
        this.password = password;
        this.approve = approve;
    }

    /**
     * A user who logs in but cancels on the consent page.
     *
     * @param server the authorization server
     * @return the user
     */
    public static ScriptedUser declining(TestAuthorizationServer server) {
        return new ScriptedUser(server, server.password(), false);
    }

    private HttpClient browser() {
        return HttpClient.newBuilder().sslContext(server.sslContext()).cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.ALWAYS) // the loopback redirect is http after https
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /**
     * Opens a page, logs in on the form it leads to, follows the redirects after the login, and answers
     * the consent page when one comes (Spring Authorization Server always asks for consent in the device flow).
     *
     * @param page the page (authorization URL or device verification URL)
     * @return the last response
     * @throws Exception if a request fails
     */
    public HttpResponse<String> openAndLogIn(URI page) throws Exception {
        HttpClient http = browser();
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(page).header("Accept", "text/html").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (!login.uri().getPath().equals("/login")) {
            throw new IOException("expected the login form, got " + login.statusCode() + " at " + login.uri().getPath());
        }
        String form = "username=" + TestAuthorizationServer.enc(TestAuthorizationServer.USER)
                + "&password=" + TestAuthorizationServer.enc(password);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(login.uri()).header("Accept", "text/html")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (!r.body().contains("name=\"consent_form\"")) {
            return r;
        }
        // The consent page: approve with every scope asked for, or cancel (no scope), as the user chooses.
        StringBuilder consent = new StringBuilder();
        Matcher hidden = HIDDEN.matcher(r.body());
        while (hidden.find()) {
            consent.append(consent.length() == 0 ? "" : "&").append(hidden.group(1)).append('=')
                    .append(TestAuthorizationServer.enc(hidden.group(2)));
        }
        if (approve) {
            Matcher scope = SCOPE.matcher(r.body());
            while (scope.find()) {
                consent.append("&scope=").append(TestAuthorizationServer.enc(scope.group(1)));
            }
        }
        URI action = r.uri().resolve(ACTION.matcher(r.body()).results().findFirst().orElseThrow().group(1));
        return http.send(HttpRequest.newBuilder(action).header("Accept", "text/html")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(consent.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Approves a device sign-in in the background, as a user on another device would after reading the prompt.
     *
     * @param prompt the prompt the application showed
     * @return the last response of the approval, when done
     */
    public CompletableFuture<HttpResponse<String>> approve(DeviceCodePrompt prompt) {
        URI page = prompt.verificationUriComplete().orElseThrow();
        return CompletableFuture.supplyAsync(() -> {
            try {
                return openAndLogIn(page);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    /**
     * A browser that signs in on whatever authorization page it is given.
     *
     * @return the launcher
     */
    public BrowserLauncher browserLauncher() {
        return this::openAndLogIn;
    }
}
