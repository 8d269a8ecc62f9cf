package dev.mailkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.UnknownHostException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The one DNS seam: records for discovery, addresses for diagnostics. */
class DnsResolverTest {

    @Test
    void none_findsNoRecords_andResolvesNoHost() throws Exception {
        DnsResolver none = DnsResolver.none();
        assertThat(none.mx("example.com")).isEmpty();
        assertThat(none.srv("_submissions._tcp.example.com")).isEmpty();
        assertThatThrownBy(() -> none.addresses("localhost")).isInstanceOf(UnknownHostException.class);
    }

    @Test
    void system_resolvesAddressesAsConnectionsDo() throws Exception {
        assertThat(DnsResolver.system(Duration.ofSeconds(1)).addresses("localhost")).isNotEmpty()
                .allSatisfy(a -> assertThat(a.isLoopbackAddress()).isTrue());
    }
}
