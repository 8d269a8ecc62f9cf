package dev.mailkit.core.registry;

import dev.mailkit.core.ProviderDataException;
import dev.mailkit.core.internal.registry.ClientConfigParser;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads Thunderbird {@code clientConfig} XML (the format of autoconfig servers and the ISPDB) into
 * {@link ProviderSettings}. IMAP and SMTP servers are kept in document order; POP3 and Exchange
 * servers and unknown elements are ignored; {@code %EMAILADDRESS%} and {@code %EMAILLOCALPART%}
 * user-name placeholders become {@link ProviderSettings#usernameTemplate()} (the IMAP server's form), and an
 * SMTP server's other form becomes {@link ProviderSettings#usernameTemplate(dev.mailkit.core.Protocol)}.
 */
public final class ClientConfigs {

    private ClientConfigs() {
    }

    /**
     * Reads a clientConfig file.
     *
     * @param file the XML file
     * @return one entry per {@code emailProvider} with an IMAP or SMTP server
     * @throws ProviderDataException if the file cannot be read or is malformed; the message names the file and field
     */
    public static List<ProviderSettings> read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return ClientConfigParser.parse(in, file.toString());
        } catch (IOException e) {
            throw new ProviderDataException(file.toString(), null, null, "cannot read: " + e, e);
        }
    }

    /**
     * Parses a clientConfig document held in memory.
     *
     * @param xml    the document
     * @param source a name for errors, such as the URL it came from
     * @return one entry per {@code emailProvider} with an IMAP or SMTP server
     * @throws ProviderDataException if the document is malformed
     */
    public static List<ProviderSettings> parse(String xml, String source) {
        return ClientConfigParser.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), source);
    }
}
