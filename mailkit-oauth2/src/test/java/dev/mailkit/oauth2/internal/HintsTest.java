package dev.mailkit.oauth2.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HintsTest {

    @Test
    void aadstsCodes_getSpecificAdvice() {
        assertThat(Hints.forError("invalid_client", "AADSTS700016: Application with identifier 'x' was not found", null))
                .contains("AADSTS700016").contains("client id");
        assertThat(Hints.forError("invalid_request", "AADSTS50011: The redirect URI ... does not match", null))
                .contains("http://localhost");
        assertThat(Hints.forError("invalid_grant", "AADSTS65001: The user or administrator has not consented", null))
                .contains("consent");
        assertThat(Hints.forError("invalid_client", "AADSTS7000218: The request body must contain client_assertion", null))
                .contains("Allow public client flows");
        assertThat(Hints.forError("invalid_grant", "AADSTS70008: The refresh token has expired", "me@outlook.com"))
                .contains("Sign in again");
        assertThat(Hints.forError("x", "AADSTS12345: unknown", null)).contains("error?code=12345");
    }

    @Test
    void oauthErrorCodes_getAdvice() {
        assertThat(Hints.forError("invalid_grant", null, "me@example.com")).contains("mailkit login me@example.com");
        assertThat(Hints.forError("invalid_scope", null, null)).contains("scope");
        assertThat(Hints.forError("unauthorized_client", null, null)).contains("public client flows");
        assertThat(Hints.forError("access_denied", null, null)).contains("declined");
        assertThat(Hints.forError("something_else", null, null)).isNull();
    }
}
