package dev.mailkit.smtp;

import dev.mailkit.smtp.internal.mime.MimeAssembler;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;

/** For tests in other packages: an assembled message written by Jakarta Mail's own writer. */
public final class JakartaReference {

    private JakartaReference() {
    }

    public static void write(MimeMessage assembled, OutputStream out, String[] ignoreList)
            throws IOException, MessagingException {
        MimeAssembler.writeWithJakartaMail(assembled, out, ignoreList);
    }
}
