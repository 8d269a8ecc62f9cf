package dev.mailkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class DemoTest {

    @Test
    void demo_sendsMirrorsAndSyncsBothWays_andBothSidesAgree() throws Exception {
        StringWriter buf = new StringWriter();
        boolean agree = Demo.run(new PrintWriter(buf, true));
        String out = buf.toString();
        assertThat(agree).as(out).isTrue();
        assertThat(out).contains("smtp-mail.outlook.com:587 STARTTLS")
                .contains("SmtpSender sent 3 messages")
                .contains("mirrored 3 messages")
                .contains("One sync later: 1 change pushed, 1 change pulled")
                .contains("server flags S ").contains("server flags F ")
                .contains("The server and the Maildir agree.")
                .doesNotContain("demo-password");
    }
}
