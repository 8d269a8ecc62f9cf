package dev.mailkit.smtp.internal.angus;

import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;

/** The body parts mailkit builds: copies of a prototype (see {@link Prototype}). */
public final class AssembledPart extends MimeBodyPart implements Cloneable {
    private static final Prototype<AssembledPart> PROTOTYPE =
            new Prototype<>(AssembledPart::new, p -> (AssembledPart) p.clone());

    private AssembledPart() {
    }

    /** A new, empty part, as {@code new MimeBodyPart()} makes it. */
    public static AssembledPart create() {
        AssembledPart p = PROTOTYPE.copy();
        p.headers = new InternetHeaders();
        return p;
    }
}
