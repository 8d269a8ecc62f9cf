package dev.mailkit.modulepath;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applications compiled and run on the module path with mailkit's jars and their runtime dependencies, and no
 * class path: one with {@code requires dev.mailkit.smtp; requires dev.mailkit.imap;} and nothing else sends
 * through GreenMail's SMTP and mirrors GreenMail's IMAP into a Maildir; code of it reaching into an internal
 * package does not compile; one with {@code requires dev.mailkit.oauth2;} gets as far as the sign-in page.
 */
class ModulePathIT {

    /** mailkit-smtp, mailkit-imap-sync, mailkit-oauth2 and their runtime dependencies, from the pom. */
    private static final String MODULE_PATH = System.getProperty("mailkit.modulePath");
    /** The sending and syncing application: module-info.java and app/Main.java. */
    private static final Path APP = Path.of(System.getProperty("mailkit.apps"), "mail");
    /** The signing-in application: module-info.java and signin/Main.java. */
    private static final Path SIGN_IN = Path.of(System.getProperty("mailkit.apps"), "oauth2");

    @Test
    void anApplicationRequiringSmtpAndImap_sendsAndSyncs_onTheModulePath(@TempDir Path dir) throws Exception {
        Path classes = dir.resolve("classes");
        Compilation app = compile(classes, APP.resolve("module-info.java"), APP.resolve("app/Main.java"));
        assertThat(app.ok()).as(app.output()).isTrue();

        GreenMail mail = new GreenMail(new ServerSetup[] {
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        mail.start();
        try {
            mail.setUser("app@localhost", "app", "app-password");
            Path maildir = dir.resolve("mail");
            Run run = run(dir, classes, "app/app.Main", String.valueOf(mail.getSmtp().getPort()),
                    String.valueOf(mail.getImap().getPort()), "app", "app-password", maildir.toString());

            assertThat(run.exit()).as(run.output()).isZero();
            assertThat(run.output()).contains("provider smtp org.eclipse.angus.mail.smtp.SMTPTransport",
                    "provider imap org.eclipse.angus.mail.imap.IMAPStore", "sent ", "synced 1");
            MimeMessage[] received = mail.getReceivedMessages();
            assertThat(received).hasSize(1);
            assertThat(received[0].getSubject()).isEqualTo("Sent from the module path");
            assertThat(messageFiles(maildir)).singleElement()
                    .satisfies(file -> assertThat(Files.readString(file)).contains("Sent from the module path"));
        } finally {
            mail.stop();
        }
    }

    @Test
    void anApplicationRequiringOAuth2_makesTheSignInPage_onTheModulePath(@TempDir Path dir) throws Exception {
        Path classes = dir.resolve("classes");
        Compilation app = compile(classes, SIGN_IN.resolve("module-info.java"), SIGN_IN.resolve("signin/Main.java"));
        assertThat(app.ok()).as(app.output()).isTrue();

        Run run = run(dir, classes, "signin/signin.Main");

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("sign-in page https://127.0.0.1:9/authorize?", "code_challenge_method=S256",
                "refused cannot open the sign-in page");
    }

    @Test
    void anInternalPackage_isNotVisible_toTheApplication(@TempDir Path dir) throws IOException {
        Path sources = dir.resolve("src");
        Files.createDirectories(sources.resolve("app"));
        Files.copy(APP.resolve("module-info.java"), sources.resolve("module-info.java"));
        Files.writeString(sources.resolve("app/Internal.java"), """
                package app;

                final class Internal {
                    static final Class<?> CLOSING = dev.mailkit.core.internal.Closing.class;
                }
                """);

        Compilation internal = compile(dir.resolve("classes"), sources.resolve("module-info.java"),
                sources.resolve("app/Internal.java"));

        assertThat(internal.ok()).isFalse();
        assertThat(internal.output()).contains("package dev.mailkit.core.internal is not visible",
                "package dev.mailkit.core.internal is declared in module dev.mailkit.core, which does not export it "
                        + "to module app");
    }

    private record Compilation(boolean ok, String output) {
    }

    private record Run(int exit, String output) {
    }

    /** Runs {@code module/class} on the module path alone, its output and errors to a file. */
    private static Run run(Path dir, Path classes, String main, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", classes + File.pathSeparator + MODULE_PATH, "-m", main));
        command.addAll(List.of(arguments));
        Path log = dir.resolve("output.txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(main + " did not end within 60 s: " + Files.readString(log));
        }
        return new Run(process.exitValue(), Files.readString(log));
    }

    /** Compiles on the module path alone: not on this JVM's class path, javac's default in-process. */
    private static Compilation compile(Path classes, Path... sources) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter output = new StringWriter();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            files.setLocationFromPaths(StandardLocation.CLASS_PATH, List.of());
            List<String> options = List.of("--release", "17", "-Xlint:all", "--module-path", MODULE_PATH,
                    "-d", classes.toString());
            boolean ok = javac.getTask(output, files, null, options, null, files.getJavaFileObjects(sources)).call();
            return new Compilation(ok, output.toString());
        }
    }

    private static List<Path> messageFiles(Path maildir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String sub : List.of("cur", "new")) {
            Path d = maildir.resolve(sub);
            if (Files.isDirectory(d)) {
                try (Stream<Path> list = Files.list(d)) {
                    list.forEach(files::add);
                }
            }
        }
        return files;
    }
}
