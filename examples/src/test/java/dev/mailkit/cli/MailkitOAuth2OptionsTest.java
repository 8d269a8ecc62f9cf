package dev.mailkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailkitOAuth2OptionsTest {

    @TempDir
    Path dir;

    @Test
    void send_withoutPasswordOrOAuth2_saysWhatToGive() {
        CliRun run = CliRun.of("send", "--provider", "gmail", "--user", "me@gmail.com", "--from", "me@gmail.com",
                "--to", "you@example.com", "--subject", "s", "--text", "t");
        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--password-env VAR, --password-file FILE or --oauth2");
    }

    @Test
    void oauth2_withAPassword_isRefused() {
        CliRun run = CliRun.of(Map.of("PW", "x"), "sync", "--provider", "gmail", "--user", "me@gmail.com", "--oauth2",
                "--password-env", "PW", "--dir", dir.resolve("m").toString());
        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("leave out --password-env");
    }

    @Test
    void oauth2_withoutStoredTokens_pointsToLogin() {
        CliRun run = CliRun.of("sync", "--provider", "outlook", "--user", "me@outlook.com", "--oauth2",
                "--token-store", dir.resolve("tokens").toString(), "--dir", dir.resolve("m").toString());
        assertThat(run.code()).isEqualTo(ExitCodes.AUTHENTICATION);
        assertThat(run.err()).contains("fix: sign in first: mailkit login me@outlook.com --client-id");
    }

    @Test
    void login_forAProviderWithoutOAuth2_isAUsageError() {
        CliRun run = CliRun.of("login", "me@icloud.com", "--client-id", "x", "--device",
                "--token-store", dir.resolve("tokens").toString());
        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("has no OAuth2 settings");
    }

    @Test
    void login_withoutClientId_isAUsageError() {
        CliRun run = CliRun.of("login", "me@outlook.com", "--device");
        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--client-id");
    }

    @Test
    void logout_withoutTokens_saysSo() {
        CliRun run = CliRun.of("logout", "me@outlook.com", "--token-store", dir.resolve("tokens").toString());
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("No tokens are stored for me@outlook.com");
    }

    @Test
    void login_whenTheAuthorizationServerCannotBeReached_isAConnectionFailure() throws Exception {
        Path providers = dir.resolve("providers.xml");
        java.nio.file.Files.writeString(providers, "<providers version='1'><provider id='closed' name='Closed'>"
                + "<domain>closed.test</domain>"
                + "<imap host='imap.closed.test' port='993' security='SSL_TLS'/>"
                + "<smtp host='smtp.closed.test' port='465' security='SSL_TLS'/>"
                + "<username>EMAIL</username><auth>OAUTH2</auth>"
                + "<oauth2 issuer='127.0.0.1' authorization='https://127.0.0.1:1/authorize' token='https://127.0.0.1:1/token'"
                + " scopes='mail'/><docs>https://closed.test/</docs></provider></providers>");
        CliRun run = CliRun.of("login", "me@closed.test", "--client-id", "x", "--device", "--providers",
                providers.toString(), "--token-store", dir.resolve("tokens").toString());
        assertThat(run.code()).isEqualTo(ExitCodes.CONNECTION);
        assertThat(run.err()).contains("cannot reach the authorization server at https://127.0.0.1:1/");
    }
}
