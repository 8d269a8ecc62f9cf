package dev.mailkit.oauth2.internal;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns OAuth 2.0 error codes and Microsoft AADSTS codes into advice a user can act on. */
public final class Hints {

    private static final Pattern AADSTS = Pattern.compile("AADSTS(\\d+)");

    private Hints() {
    }

    /**
     * The advice for an error from the authorization server.
     *
     * @param error       the OAuth 2.0 error code, or null
     * @param description the server's description, or null
     * @param account     the account signing in, or null
     * @return the advice, or null when there is none
     */
    public static String forError(String error, String description, String account) {
        String aad = aadsts(description);
        if (aad != null) {
            return aad;
        }
        String code = error == null ? "" : error.toLowerCase(Locale.ROOT);
        return switch (code) {
            case "invalid_grant" -> signInAgain(account);
            case "invalid_client" -> "The authorization server does not know this client id, or the client secret is "
                    + "wrong or missing: check the application (client) id of your app registration and whether it is "
                    + "a public client (no secret) or needs --client-secret-env";
            case "unauthorized_client" -> "The app registration does not allow this grant: enable public client flows "
                    + "(device code) or add the redirect URI http://localhost (browser sign-in)";
            case "invalid_scope" -> "The app registration lacks a requested scope: add the mail scopes (IMAP, SMTP, "
                    + "offline_access) to its API permissions";
            case "access_denied" -> "The sign-in was declined; sign in again and approve the access, or ask an "
                    + "administrator to grant consent for the application";
            case "consent_required", "interaction_required" -> "Consent is required: sign in with --browser and approve "
                    + "the access, or ask an administrator to grant consent for the application";
            case "expired_token" -> "The code expired before the sign-in was approved; sign in again and approve it sooner";
            case "redirect_uri_mismatch" -> "The redirect URI is not registered: add http://localhost (any port) to "
                    + "the app registration's redirect URIs for mobile and desktop applications";
            default -> null;
        };
    }

    /**
     * The advice to sign in again.
     *
     * @param account the account, or null
     * @return the advice
     */
    public static String signInAgain(String account) {
        return "Sign in again: run 'mailkit login " + (account == null ? "EMAIL" : account)
                + " --client-id ...' or call OAuth2.signInWithDeviceCode/signInWithBrowser";
    }

    private static String aadsts(String description) {
        if (description == null) {
            return null;
        }
        Matcher m = AADSTS.matcher(description);
        if (!m.find()) {
            return null;
        }
        String code = m.group(1);
        String advice = switch (code) {
            case "700016" -> "the client id is unknown in this tenant: check the application (client) id, and the "
                    + "tenant (an app registered for one organization cannot sign in personal accounts)";
            case "50011", "500113" -> "the redirect URI is not registered: add http://localhost under 'Mobile and "
                    + "desktop applications' in the app registration";
            case "65001" -> "consent is required: sign in with --browser and approve, or have an administrator grant "
                    + "consent for the application";
            case "70000", "70008", "700082", "50173", "700084" -> "the refresh token is no longer valid; "
                    + signInAgain(null);
            case "7000218" -> "the app registration is not a public client: enable 'Allow public client flows' in its "
                    + "Authentication settings, or pass the client secret";
            case "70011" -> "a requested scope is invalid: use https://outlook.office.com/IMAP.AccessAsUser.All, "
                    + "https://outlook.office.com/SMTP.Send and offline_access (app-only: https://outlook.office365.com/.default)";
            case "50020", "500200" -> "this account cannot sign in to the chosen tenant: use the tenant 'consumers' for "
                    + "Outlook.com accounts, 'organizations' or your tenant id for work accounts";
            case "90002", "900023" -> "the tenant does not exist: check the tenant id or domain";
            case "50076", "50079" -> "multi-factor authentication is required: sign in with --browser";
            case "53003" -> "a conditional access policy blocked the sign-in: ask your administrator";
            case "7000215", "7000222" -> "the client secret is wrong or expired: create a new one in the app registration";
            default -> "see https://login.microsoftonline.com/error?code=" + code;
        };
        return "Microsoft error AADSTS" + code + ": " + advice;
    }
}
