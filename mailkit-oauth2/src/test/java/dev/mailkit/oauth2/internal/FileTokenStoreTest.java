package dev.mailkit.oauth2.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.core.MailkitException;
import dev.mailkit.oauth2.StoredTokens;
import dev.mailkit.oauth2.TokenStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTokenStoreTest {

    private static StoredTokens tokens(String refresh, String access) {
        return StoredTokens.builder("client-1", URI.create("https://login.example.com/token"))
                .scopes(List.of("mail", "offline_access")).refreshToken(refresh)
                .accessToken(access, Instant.ofEpochSecond(2_000_000_000L)).build();
    }

    @Test
    void saveThenLoad_roundTripsEveryField(@TempDir Path dir) {
        TokenStore store = TokenStore.inDirectory(dir.resolve("tokens"));
        store.save("me@example.com", tokens("rt-1", "at-1"));
        StoredTokens loaded = store.load("me@example.com").orElseThrow();
        assertThat(loaded.clientId()).isEqualTo("client-1");
        assertThat(loaded.tokenEndpoint()).hasToString("https://login.example.com/token");
        assertThat(loaded.scopes()).containsExactly("mail", "offline_access");
        assertThat(loaded.refreshToken()).contains("rt-1");
        assertThat(loaded.accessToken()).contains("at-1");
        assertThat(loaded.accessTokenExpiresAt()).contains(Instant.ofEpochSecond(2_000_000_000L));
        assertThat(store.load("other@example.com")).isEmpty();
    }

    @Test
    void files_are0600_inA0700Directory_andNoTemporaryFileRemains(@TempDir Path dir) throws Exception {
        Path tokens = dir.resolve("tokens");
        TokenStore store = TokenStore.inDirectory(tokens);
        store.save("me@example.com", tokens("rt-1", "at-1"));
        store.save("me@example.com", tokens("rt-2", "at-2")); // replaced atomically
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokens))).isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(tokens)) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(1);
            assertThat(all.get(0).getFileName().toString()).isEqualTo("me@example.com.tokens.json");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(all.get(0)))).isEqualTo("rw-------");
            assertThat(Files.readString(all.get(0))).contains("rt-2").doesNotContain("rt-1");
        }
    }

    @Test
    void accountNames_cannotEscapeTheDirectory(@TempDir Path dir) throws Exception {
        TokenStore store = TokenStore.inDirectory(dir.resolve("tokens"));
        store.save("../../etc/passwd", tokens("rt", "at"));
        store.save(".hidden", tokens("rt", "at"));
        try (Stream<Path> files = Files.list(dir.resolve("tokens"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("%2e.%2f..%2fetc%2fpasswd.tokens.json", "%2ehidden.tokens.json");
        }
        assertThat(store.load("../../etc/passwd")).isPresent();
    }

    @Test
    void delete_forgetsTheAccount(@TempDir Path dir) {
        TokenStore store = TokenStore.inDirectory(dir);
        store.save("me@example.com", tokens("rt", "at"));
        assertThat(store.delete("me@example.com")).isTrue();
        assertThat(store.load("me@example.com")).isEmpty();
        assertThat(store.delete("me@example.com")).isFalse();
    }

    @Test
    void damagedFile_isReportedWithoutItsContent(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("me@example.com.tokens.json"), "{\"refresh_token\": \"rt-SECRET\", broken");
        assertThatThrownBy(() -> TokenStore.inDirectory(dir).load("me@example.com"))
                .isInstanceOf(MailkitException.class).hasMessageContaining("damaged")
                .hasMessageNotContaining("rt-SECRET");
    }

    @Test
    void toString_neverShowsATokenOrTheClientSecret() {
        StoredTokens t = tokens("rt-SECRET", "at-SECRET");
        assertThat(t.toString()).doesNotContain("rt-SECRET").doesNotContain("at-SECRET").contains("client-1");
        TokenStore memory = TokenStore.inMemory();
        memory.save("me@example.com", t);
        assertThat(memory.toString()).doesNotContain("SECRET");
    }
}
