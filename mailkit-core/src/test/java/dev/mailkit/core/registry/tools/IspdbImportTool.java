package dev.mailkit.core.registry.tools;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link IspdbImport} from Maven when {@code -Dmailkit.ispdb=PATH/TO/ispdb} is given (skipped otherwise):
 * {@code mvn -B -pl mailkit-core test -Dtest=IspdbImportTool -Dmailkit.ispdb=../autoconfig/ispdb}.
 * Output: {@code mailkit-core/target/ispdb-import/proposals.xml} and {@code report.md}.
 */
class IspdbImportTool {

    @Test
    void compareWithIspdb() throws Exception {
        String dir = System.getProperty("mailkit.ispdb", "");
        assumeTrue(!dir.isBlank(), "set -Dmailkit.ispdb=PATH/TO/ispdb to run the ISPDB comparison");
        IspdbImport.main(new String[] {dir, "target/ispdb-import", LocalDate.now().toString()});
    }
}
