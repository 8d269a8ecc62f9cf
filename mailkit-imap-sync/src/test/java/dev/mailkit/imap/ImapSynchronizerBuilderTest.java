package dev.mailkit.imap;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.core.Credentials;
import dev.mailkit.core.InvalidConfigurationException;
import dev.mailkit.core.Security;
import dev.mailkit.imap.spi.SyncStateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings mix-ups the registry knows fail when the synchronizer is built, before any connection or file. */
class ImapSynchronizerBuilderTest {

    @TempDir
    Path dir;

    @Test
    void anSmtpServerGivenForReceiving_failsAtBuild_namingTheImapServer() throws Exception {
        Path maildir = dir.resolve("mail");
        assertThatThrownBy(() -> ImapSynchronizer.builder().endpoint("smtp.gmail.com", 587, Security.STARTTLS)
                .credentials(Credentials.password("me@gmail.com", "app-password")).maildir(maildir).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("smtp.gmail.com is Gmail's SMTP server")
                .hasMessageContaining("use imap.gmail.com:993 SSL_TLS for IMAP");
        assertThatThrownBy(() -> ImapSynchronizer.builder().endpoint("imap.example.org", 993, Security.STARTTLS)
                .credentials(Credentials.password("me@example.org", "pw")).maildir(maildir).build())
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("port 993 is implicit TLS");
        org.assertj.core.api.Assertions.assertThat(Files.exists(maildir)).as("nothing created").isFalse();
    }

    @Test
    void maxUploadBytes_mustBePositive() {
        assertThatThrownBy(() -> ImapSynchronizer.builder().maxUploadBytes(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxUploadBytes must be positive");
        assertThatThrownBy(() -> ImapSynchronizer.builder().maxUploadBytes(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theStateIsReadOnly_andForgettingAnUnknownFolderIsRefused() {
        try (ImapSynchronizer sync = ImapSynchronizer.builder().endpoint("imap.example.org", 993, Security.SSL_TLS)
                .credentials(Credentials.password("me@example.org", "pw")).maildir(dir.resolve("mail")).build()) {
            org.assertj.core.api.Assertions.assertThat(sync.state()).isNotInstanceOf(SyncStateStore.class);
            org.assertj.core.api.Assertions.assertThat(sync.state().folders()).isEmpty();
            assertThatThrownBy(() -> sync.forgetFolder("Nowhere")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no folder named 'Nowhere'");
        }
    }
}
