package dev.mailkit.imap;

/** The local side of the mirror, for changes to push: see {@link LocalMailbox}. */
public interface LocalMirror {

    /**
     * One mirrored folder.
     *
     * @param name the server folder name
     * @return the folder
     * @throws IllegalArgumentException if the folder was not synced yet
     */
    LocalMailbox folder(String name);
}
