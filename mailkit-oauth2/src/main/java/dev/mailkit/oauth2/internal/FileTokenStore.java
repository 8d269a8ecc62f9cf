package dev.mailkit.oauth2.internal;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.mailkit.core.MailkitException;
import dev.mailkit.oauth2.StoredTokens;
import dev.mailkit.oauth2.TokenStore;
import net.minidev.json.JSONArray;
import net.minidev.json.JSONObject;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One JSON file per account in a directory of its own: directory 0700, files 0600, each write to a
 * temporary file in the same directory that is then moved over the old one, so a reader sees the old or
 * the new tokens, never a mix, and a crash leaves no partial file.
 */
public final class FileTokenStore implements TokenStore {

    private static final String SUFFIX = ".tokens.json";
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");

    private final Path directory;

    /**
     * A store in a directory (created on first write).
     *
     * @param directory the directory
     */
    public FileTokenStore(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath();
    }

    /** The file that holds an account's tokens. */
    Path file(String account) {
        return directory.resolve(fileName(account));
    }

    static String fileName(String account) {
        Objects.requireNonNull(account, "account");
        if (account.isBlank()) {
            throw new IllegalArgumentException("account must not be blank");
        }
        StringBuilder b = new StringBuilder();
        for (byte x : account.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '@' || c == '-' || c == '_'
                    || (c == '.' && b.length() > 0)) {
                b.append(c);
            } else {
                b.append('%').append(String.format("%02x", x & 0xff));
            }
        }
        return b + SUFFIX;
    }

    @Override
    public Optional<StoredTokens> load(String account) {
        Path file = file(account);
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new MailkitException("cannot read the token file " + file + ": " + e.getClass().getSimpleName(), null);
        }
        try {
            JSONObject o = JSONObjectUtils.parse(json);
            StoredTokens.Builder b = StoredTokens.builder(JSONObjectUtils.getString(o, "client_id"),
                    URI.create(JSONObjectUtils.getString(o, "token_endpoint")));
            List<String> scopes = new ArrayList<>();
            for (Object s : JSONObjectUtils.getJSONArray(o, "scopes", new JSONArray())) {
                scopes.add(String.valueOf(s));
            }
            b.scopes(scopes);
            b.refreshToken(JSONObjectUtils.getString(o, "refresh_token", null));
            String access = JSONObjectUtils.getString(o, "access_token", null);
            if (access != null) {
                b.accessToken(access, Instant.ofEpochSecond(JSONObjectUtils.getLong(o, "access_token_expires_at")));
            }
            return Optional.of(b.build());
        } catch (ParseException | RuntimeException e) {
            // Never echo the content: it holds tokens.
            throw new MailkitException("the token file " + file + " is damaged; delete it and sign in again", null);
        }
    }

    @Override
    public void save(String account, StoredTokens tokens) {
        Objects.requireNonNull(tokens, "tokens");
        Path file = file(account);
        JSONObject o = new JSONObject();
        o.put("account", account);
        o.put("client_id", tokens.clientId());
        o.put("token_endpoint", tokens.tokenEndpoint().toString());
        JSONArray scopes = new JSONArray();
        scopes.addAll(tokens.scopes());
        o.put("scopes", scopes);
        tokens.refreshToken().ifPresent(t -> o.put("refresh_token", t));
        tokens.accessToken().ifPresent(t -> {
            o.put("access_token", t);
            o.put("access_token_expires_at", tokens.accessTokenExpiresAt().orElseThrow().getEpochSecond());
        });
        Path tmp = null;
        try {
            createDirectory();
            tmp = POSIX ? Files.createTempFile(directory, ".", ".tmp", PosixFilePermissions.asFileAttribute(FILE))
                    : Files.createTempFile(directory, ".", ".tmp");
            Files.writeString(tmp, o.toJSONString(), StandardCharsets.UTF_8, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new MailkitException("cannot write the token file " + file + ": " + e.getClass().getSimpleName()
                    + " " + e.getMessage(), null);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    @Override
    public boolean delete(String account) {
        Path file = file(account);
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new MailkitException("cannot delete the token file " + file + ": " + e.getClass().getSimpleName(), null);
        }
    }

    private void createDirectory() throws IOException {
        if (Files.isDirectory(directory)) {
            return; // an existing directory keeps the permissions its owner chose; each file is 0600
        }
        if (directory.getParent() != null) {
            Files.createDirectories(directory.getParent());
        }
        FileAttribute<?>[] attrs = POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIR)}
                : new FileAttribute<?>[0];
        Files.createDirectory(directory, attrs);
    }

    @Override
    public String toString() {
        return "FileTokenStore[" + directory + "]";
    }
}
