package dev.mailkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoTest {

    @Test
    void demo_sendsAndReadsBackTheMessage() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        String subject = Demo.run(new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(subject).isEqualTo("Hello from mailkit — 你好");
        assertThat(out).contains("smtp-mail.outlook.com:587 STARTTLS").contains("batch: 3 of 3 sent").contains("INBOX holds 4 message(s)")
                .doesNotContain("demo-password");
    }
}
