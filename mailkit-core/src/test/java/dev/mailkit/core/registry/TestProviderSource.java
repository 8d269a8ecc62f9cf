package dev.mailkit.core.registry;

import dev.mailkit.core.Security;
import dev.mailkit.core.ServerEndpoint;
import java.util.Collection;
import java.util.List;

/** Registered in META-INF/services for the SPI test. */
public class TestProviderSource implements ProviderSource {

    /** Creates the source; ServiceLoader calls this. */
    public TestProviderSource() {
    }

    @Override
    public Collection<ProviderSettings> providers() {
        return List.of(ProviderSettings.builder("spi-test-provider").displayName("SPI Test Mail")
                .domain("spi-test.example")
                .imap(ServerEndpoint.of("imap.spi-test.example", 993, Security.SSL_TLS))
                .smtp(ServerEndpoint.of("smtp.spi-test.example", 465, Security.SSL_TLS))
                .build());
    }
}
