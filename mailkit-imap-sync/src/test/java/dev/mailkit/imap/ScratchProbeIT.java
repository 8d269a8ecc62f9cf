package dev.mailkit.imap;

import static dev.mailkit.imap.ModelOp.*;

import dev.mailkit.core.testing.FaultProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ScratchProbeIT extends ModelSyncOnDovecot {
    @RegisterExtension
    static final DovecotServer.PerClass DOVECOT = new DovecotServer.PerClass();

    @Override
    DovecotServer dovecot() {
        return DOVECOT.server();
    }

    @Override
    String incrementalMethod() {
        return "QRESYNC";
    }

    @Override
    int defaultSteps() {
        return 0;
    }

    boolean fails(java.util.List<ModelOp> ops, String needle) {
        try {
            replay(ops.toArray(new ModelOp[0]));
            return false;
        } catch (Throwable e) {
            return e.getMessage() != null && e.getMessage().contains(needle);
        }
    }

    void probe(String name, ModelOp... ops) {
        try {
            replay(ops);
            System.out.println("PROBE " + name + ": passes");
        } catch (Throwable e) {
            System.out.println("PROBE " + name + ": FAILS " + e.getMessage().lines().limit(3).toList());
        }
    }

    @Test
    void probes() throws Exception {
        probe("G1", serverAppend("Archive", 7, ""), serverAppend("Projects", 4, ""), serverAppend("Work", 15, ""), sync(),
                serverCopy("Archive", 7, "Projects"), sync(), maildirUnlink("Projects", 7), maildirMove("Archive", 7, "Work"));
        probe("G2", serverAppend("Archive", 7, ""), serverAppend("Projects", 7, ""), serverAppend("Work", 15, ""), sync(),
                maildirUnlink("Projects", 7), maildirMove("Archive", 7, "Work"));
        probe("G3", serverAppend("Archive", 7, ""), serverCopy("Archive", 7, "Projects"), serverAppend("Work", 15, ""), sync(),
                maildirUnlink("Projects", 7), maildirMove("Archive", 7, "Work"));
        probe("G4", serverAppend("Archive", 7, ""), serverCopy("Archive", 7, "Lists"), serverAppend("Work", 15, ""), sync(),
                maildirUnlink("Lists", 7), maildirMove("Archive", 7, "Work"));
        probe("G5", serverAppend("Archive", 2, ""), serverCopy("Archive", 2, "Lists"), serverAppend("Work", 1, ""), sync(),
                maildirUnlink("Lists", 2), maildirMove("Archive", 2, "Work"));
    }
}
