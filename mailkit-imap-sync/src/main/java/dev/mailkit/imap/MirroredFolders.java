package dev.mailkit.imap;

/**
 * The mirrored folders, to change locally: folders created, renamed or deleted here are changed in the
 * local store at once and on the server by the next sync; {@link #folder(String)} gives one folder's
 * messages to change ({@link MirroredFolder}).
 */
public interface MirroredFolders {

    /**
     * One mirrored folder.
     *
     * @param name the server folder name
     * @return the folder
     * @throws IllegalArgumentException if the folder was not synced yet
     */
    MirroredFolder folder(String name);

    /**
     * Creates a folder locally; the next sync creates (and subscribes) it on the server, and mirrors it
     * from then on (move or append messages into it after that sync). Folders other Maildir clients
     * create are found and created on the server the same way.
     *
     * @param name the server name, using the server's hierarchy separator
     * @throws IllegalArgumentException if it exists already
     */
    void createFolder(String name);

    /**
     * Renames a mirrored folder and the folders below it, locally at once and on the server by the next sync.
     *
     * @param from the current server name
     * @param to   the new server name
     * @throws IllegalArgumentException if {@code from} is not mirrored, is the inbox, or {@code to} exists
     */
    void renameFolder(String from, String to);

    /**
     * Deletes a mirrored folder with its messages, locally at once and on the server by the next sync.
     * If messages arrived in it on the server since the last sync, the server folder is kept and
     * mirrored again instead (nothing the user has not seen is deleted).
     *
     * @param name the server name
     * @throws IllegalArgumentException if it is not mirrored or is the inbox
     */
    void deleteFolder(String name);
}
