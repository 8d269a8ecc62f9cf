package dev.mailkit.cli;

import dev.mailkit.core.AuthenticationException;
import dev.mailkit.core.MailkitException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * {@code mailkit}: the provider registry, sending and two-way IMAP sync from the command line.
 *
 * <pre>
 * mailkit providers lookup me@outlook.com
 * MAILKIT_PASSWORD=... mailkit send --provider gmail --user me@gmail.com --password-env MAILKIT_PASSWORD \
 *     --from me@gmail.com --to you@example.com --subject Hi --text "Hello"
 * AWS_SECRET_ACCESS_KEY=... mailkit send --provider ses-eu-west-1 --user AKIA... --ses-secret-key-env AWS_SECRET_ACCESS_KEY \
 *     --from me@example.com --to you@example.com --subject Hi --text "Hello"
 * mailkit sync --provider gmail --user me@gmail.com --password-env MAILKIT_PASSWORD --dir mail/me
 * mailkit doctor me@outlook.com --password-env MAILKIT_PASSWORD
 * mailkit login me@outlook.com --client-id YOUR_CLIENT_ID --device
 * mailkit sync --provider outlook --user me@outlook.com --oauth2 --dir mail/me
 * mailkit list --dir mail/me --folder INBOX --limit 20
 * mailkit search --dir mail/me 'from:alice subject:"q3 report" has:attachment'
 * mailkit show --dir mail/me INBOX:17 --save-attachments ~/Downloads
 * mailkit demo
 * </pre>
 */
@Command(name = "mailkit", mixinStandardHelpOptions = true, version = "mailkit 0.1.0-SNAPSHOT",
        description = "Send mail and keep IMAP mailboxes in two-way sync, with built-in provider settings.",
        footer = ExitCodes.HELP,
        subcommands = {ProvidersCommand.class, SendCommand.class, SyncCommand.class, DoctorCommand.class, LoginCommand.class,
                LogoutCommand.class, DemoCommand.class, FleetCommand.class,
                ListCommand.class, ShowCommand.class, SearchCommand.class})
public final class Mailkit implements Runnable {

    /** Where a command reads environment variables (tests replace it). */
    final UnaryOperator<String> environment;
    final PrintWriter out;
    final PrintWriter err;
    final boolean terminal;
    /** Standard output for bytes that are not text ({@code show --raw}). */
    final OutputStream binaryOut;

    Mailkit(UnaryOperator<String> environment, PrintWriter out, PrintWriter err, boolean terminal, OutputStream binaryOut) {
        this.environment = environment;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.binaryOut = binaryOut;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is needed: providers, send, sync,"
                + " doctor, list, show, search or demo");
    }

    /**
     * Runs {@code mailkit} and exits with its code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        // The tool prints each failure and note itself, once: the library's log lines stay out of the way
        // unless asked for (java -Dorg.slf4j.simpleLogger.defaultLogLevel=info -jar mailkit.jar ...).
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, System::getenv, out, err, terminal(), System.out));
    }

    /**
     * Whether standard output is a terminal. {@code System.console()} says so up to Java 21; from Java 22 it
     * is there even when output is redirected, and {@code Console.isTerminal()} tells.
     */
    static boolean terminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException before22) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Runs {@code mailkit} in this process.
     *
     * @param args        the command line
     * @param environment environment variables
     * @param out         standard output
     * @param err         standard error
     * @param terminal    whether output goes to a terminal (progress bar) or not (plain lines)
     * @return the exit code, see {@link ExitCodes}
     */
    public static int run(String[] args, UnaryOperator<String> environment, PrintWriter out, PrintWriter err,
                          boolean terminal) {
        return run(args, environment, out, err, terminal, new OutputStream() {
            @Override
            public void write(int b) {
                out.write(b & 0xff); // bytes as ISO-8859-1 characters: only show --raw writes here
            }
        });
    }

    /**
     * Runs {@code mailkit} in this process, with a stream for output that is not text.
     *
     * @param args        the command line
     * @param environment environment variables
     * @param out         standard output
     * @param err         standard error
     * @param terminal    whether output goes to a terminal (progress bar) or not (plain lines)
     * @param binaryOut   standard output as bytes ({@code show --raw})
     * @return the exit code, see {@link ExitCodes}
     */
    public static int run(String[] args, UnaryOperator<String> environment, PrintWriter out, PrintWriter err,
                          boolean terminal, OutputStream binaryOut) {
        Mailkit root = new Mailkit(environment, out, err, terminal, binaryOut);
        CommandLine cli = new CommandLine(root);
        // search: a query term may start with '-' (-is:read); one that looks like an option of the command still needs --
        cli.getSubcommands().get("search").setUnmatchedOptionsArePositionalParams(true);
        cli.setOut(out);
        cli.setErr(err);
        // A usage error says the one thing that is wrong and where the help is, not the whole help.
        cli.setParameterExceptionHandler((e, args2) -> {
            CommandLine c = e.getCommandLine();
            String problem = String.valueOf(e.getMessage()).replaceFirst("^Error: ", "");
            String help = "see '" + c.getCommandSpec().qualifiedName() + " --help'";
            if (java.util.Arrays.asList(args2).contains("--json")) {
                out.println(Json.result("error", ExitCodes.USAGE).put("error", problem + "; " + help));
                out.flush();
                return ExitCodes.USAGE;
            }
            err.println("mailkit: " + Printable.of(problem));
            err.println(help);
            err.flush();
            return ExitCodes.USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CommandLine.ParameterException pe) {
                return commandLine.getParameterExceptionHandler().handleParseException(pe, new String[0]);
            }
            CommandLine.ParseResult last = parseResult;
            while (last.hasSubcommand()) {
                last = last.subcommand();
            }
            if (last.hasMatchedOption("--json")) {
                // --json: the error is the one JSON document on standard output
                out.println(SyncCommand.toJson(null, "error", ExitCodes.of(e), describe(e)));
                out.flush();
                return ExitCodes.of(e);
            }
            err.println("mailkit: " + describe(e));
            err.flush();
            return ExitCodes.of(e);
        });
        int code;
        try {
            code = cli.execute(args);
        } catch (Error e) {
            // picocli passes Errors on; one line, not a stack trace, also for these
            err.println("mailkit: " + describe(e));
            code = ExitCodes.FAILURE;
        }
        out.flush();
        err.flush();
        return code;
    }

    /** One line for an Error that ended the command: what it was, and for memory what to do. */
    static String describe(Error e) {
        if (e instanceof OutOfMemoryError) {
            return "out of memory (" + e.getMessage() + "): give the JVM more heap, for example"
                    + " java -Xmx512m -jar mailkit.jar ...";
        }
        return "internal error: " + Printable.of(e.toString());
    }

    /**
     * One line: what failed, and the fix where one is known. Messages can carry a server's words or a
     * file name, so control characters in them are shown escaped.
     */
    static String describe(Exception e) {
        String message = Printable.of(CliAdvice.of(e.getMessage() == null ? e.toString() : e.getMessage()));
        if (e instanceof AuthenticationException a && a.hint().isPresent()) {
            // the library's message ends with the hint: said once, on its own line
            String hint = Printable.of(CliAdvice.of(a.hint().get()));
            if (message.endsWith(". " + hint)) {
                message = message.substring(0, message.length() - hint.length() - 2);
            }
            return message + "\n  fix: " + hint;
        }
        if (e instanceof MailkitException || e instanceof IllegalArgumentException) {
            return message;
        }
        return Printable.of(e.toString());
    }
}
