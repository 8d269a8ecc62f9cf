package dev.mailkit.smtp.internal.angus;

import java.util.function.Supplier;

/**
 * A prototype made on first use and copied for every use, for the Jakarta Mail parts mailkit assembles
 * without their constructors. Not made in a static initializer: if the provider lookup fails on the thread
 * that makes it (a context class loader that cannot see Angus Mail), the next use tries again.
 *
 * <p>Why: Jakarta Mail's BodyPart and Multipart constructors look their stream provider up through
 * ServiceLoader (jakartaee/mail-api#861), which reads META-INF/services from every jar on the class path: 50-200 us of
 * CPU per part measured here, with 4 to 50 jars, where everything else in assembling a part costs a few
 * microseconds. A message with text and HTML has three such parts, one with an attachment as many. The
 * parts mailkit assembles are therefore copied from a prototype made once (Object.clone runs no
 * constructor) and given the state a constructor gives: every field of these classes is protected, the
 * stream provider is shared (the one found for the thread that made the prototype; mailkit writes with
 * the session's anyway), and the multipart gets its own boundary.
 *
 * <p>Guarded by {@code AssembledPartsTest} (smtp): a field added to these classes by a Jakarta Mail upgrade
 * makes it fail, and the copy must then be checked against the new constructor.
 */
final class Prototype<T> {
    interface Copier<T> {
        T copy(T prototype) throws CloneNotSupportedException;
    }

    private final Supplier<T> make;
    private final Copier<T> copier;
    private volatile T value;

    Prototype(Supplier<T> make, Copier<T> copier) {
        this.make = make;
        this.copier = copier;
    }

    T copy() {
        T v = value;
        if (v == null) {
            v = make.get();
            value = v;
        }
        try {
            return copier.copy(v);
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }
}
