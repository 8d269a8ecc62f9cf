package dev.mailkit.imap;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Chooses which server folders are mirrored. Immutable.
 *
 * <pre>{@code
 * FolderFilter.all().exclude("[Gmail]/All Mail", "[Gmail]/Important")
 * FolderFilter.only("INBOX", "Sent")
 * }</pre>
 */
public final class FolderFilter {

    private final Predicate<String> test;
    private final String description;

    private FolderFilter(Predicate<String> test, String description) {
        this.test = test;
        this.description = description;
    }

    /**
     * Every folder.
     *
     * @return a filter that accepts every folder
     */
    public static FolderFilter all() {
        return new FolderFilter(name -> true, "all");
    }

    /**
     * Only the named folders (INBOX case-insensitively).
     *
     * @param names full server folder names
     * @return the filter
     */
    public static FolderFilter only(String... names) {
        List<String> list = List.of(names);
        return new FolderFilter(name -> list.stream().anyMatch(n -> same(n, name)), "only " + list);
    }

    /**
     * This filter, without the named folders.
     *
     * @param names full server folder names
     * @return the filter
     */
    public FolderFilter exclude(String... names) {
        List<String> list = List.of(names);
        return new FolderFilter(name -> test.test(name) && list.stream().noneMatch(n -> same(n, name)),
                description + " except " + list);
    }

    /**
     * Whether a folder is mirrored.
     *
     * @param serverName the full server folder name
     * @return true when it is
     */
    public boolean accepts(String serverName) {
        return test.test(Objects.requireNonNull(serverName, "serverName"));
    }

    private static boolean same(String a, String b) {
        return a.equals(b) || (a.equalsIgnoreCase("INBOX") && b.equalsIgnoreCase("INBOX"));
    }

    @Override
    public String toString() {
        return "FolderFilter[" + description + "]";
    }
}
