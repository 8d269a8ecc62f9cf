package dev.mailkit.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** One in-process run of {@code mailkit}: its exit code and what it printed. */
record CliRun(int code, String out, String err) {

    static CliRun of(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Mailkit.run(args, env::get, new PrintWriter(out, true), new PrintWriter(err, true), false);
        return new CliRun(code, out.toString(), err.toString());
    }

    static CliRun of(String... args) {
        return of(Map.of(), args);
    }
}
