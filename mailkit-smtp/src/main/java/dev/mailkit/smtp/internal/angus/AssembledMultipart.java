package dev.mailkit.smtp.internal.angus;

import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMultipart;
import java.util.Vector;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** The multiparts mailkit builds, told apart from any a caller sets: copies of a prototype (see {@link Prototype}). */
public final class AssembledMultipart extends MimeMultipart implements Cloneable {
    private static final Prototype<AssembledMultipart> PROTOTYPE =
            new Prototype<>(AssembledMultipart::new, m -> (AssembledMultipart) m.clone());
    private static final AtomicLong BOUNDARIES = new AtomicLong();

    private AssembledMultipart() {
    }

    /** A new, empty multipart with a boundary of its own, as {@code new MimeMultipart(subtype)} makes it. */
    public static AssembledMultipart create(String subtype) {
        AssembledMultipart m = PROTOTYPE.copy();
        m.parts = new Vector<>();
        ContentType type = new ContentType("multipart", subtype, null);
        // the shape of Jakarta Mail's boundaries, with a random part
        type.setParameter("boundary", "----=_Part_" + BOUNDARIES.getAndIncrement() + "_"
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + "." + System.currentTimeMillis());
        m.contentType = type.toString();
        return m;
    }
}
