package dev.mailkit.smtp.internal.sent;

import dev.mailkit.core.MailSession;
import dev.mailkit.core.internal.Closing;
import dev.mailkit.core.registry.FolderRole;
import dev.mailkit.core.registry.ProviderSettings;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends sent messages to the account's Sent folder over one lazily opened IMAP connection. The
 * folder is the one flagged {@code \Sent} (RFC 6154), else the provider's Sent name, else "Sent",
 * created when missing.
 */
public final class SentFolderAppender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SentFolderAppender.class);

    private final MailSession imap;
    private final ProviderSettings provider;
    private Store store;
    private String folderName;

    /**
     * Creates an appender.
     *
     * @param imap     the account's IMAP session
     * @param provider the provider, for the Sent folder name, or null
     */
    public SentFolderAppender(MailSession imap, ProviderSettings provider) {
        this.imap = imap;
        this.provider = provider;
    }

    /**
     * Appends a message, marked \Seen.
     *
     * @param message the message as sent
     * @return true when appended; false when it failed (logged)
     */
    public synchronized boolean append(MimeMessage message) {
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                if (store == null || !store.isConnected()) {
                    store = imap.connectStore();
                    folderName = null;
                }
                Folder sent = store.getFolder(sentFolderName());
                if (!sent.exists()) {
                    sent.create(Folder.HOLDS_MESSAGES);
                }
                message.setFlag(Flags.Flag.SEEN, true);
                sent.appendMessages(new MimeMessage[] {message});
                return true;
            } catch (MessagingException | RuntimeException e) {
                LOG.warn("appending to the Sent folder at {} failed (attempt {}): {}", imap.endpoint(), attempt + 1,
                        e.getMessage());
                closeQuietly();
            }
        }
        return false;
    }

    private String sentFolderName() throws MessagingException {
        if (folderName == null) {
            folderName = provider == null ? "Sent" : provider.specialFolder(FolderRole.SENT).orElse("Sent");
            for (Folder f : store.getDefaultFolder().list("*")) {
                if (f instanceof IMAPFolder imapFolder) {
                    for (String attribute : imapFolder.getAttributes()) {
                        if ("\\Sent".equalsIgnoreCase(attribute)) {
                            folderName = f.getFullName();
                            return folderName;
                        }
                    }
                }
            }
        }
        return folderName;
    }

    private void closeQuietly() {
        if (store != null) {
            Closing.quietly(store::close, LOG, "the IMAP connection for the Sent copy");
            store = null;
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
