package dev.mailkit.cli;

import dev.mailkit.examples.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code mailkit demo}. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Sends, mirrors and syncs both ways on an embedded mail server: no network, no account.")
final class DemoCommand implements Callable<Integer> {

    @ParentCommand
    Mailkit root;

    @Override
    public Integer call() throws Exception {
        return Demo.run(root.out) ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
