package dev.mailkit.bench;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The hand-written contender: what most code does with Jakarta Mail — open the folder, walk the
 * messages, write each one to a file. Args: port user folder dir.
 */
public final class JakartaLoop {

    private JakartaLoop() {
    }

    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.setProperty("mail.imap.peek", "true");
        Store store = Session.getInstance(props).getStore("imap");
        store.connect("127.0.0.1", Integer.parseInt(args[0]), args[1], System.getenv("BENCH_PASSWORD"));
        Path dir = Files.createDirectories(Path.of(args[3]));
        Folder folder = store.getFolder(args[2]);
        folder.open(Folder.READ_ONLY);
        int n = 0;
        for (Message m : folder.getMessages()) {
            long uid = ((UIDFolder) folder).getUID(m);
            try (OutputStream out = Files.newOutputStream(dir.resolve(uid + ".eml"))) {
                m.writeTo(out);
            }
            n++;
        }
        folder.close(false);
        store.close();
        System.out.println("jakarta: " + n + " written");
    }
}
