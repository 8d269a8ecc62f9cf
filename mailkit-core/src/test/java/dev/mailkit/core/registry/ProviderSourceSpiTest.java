package dev.mailkit.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProviderSourceSpiTest {

    @Test
    void defaults_includeProvidersFromServiceLoader_afterBuiltIns() {
        ProviderSettings p = ProviderRegistry.defaults().forEmail("x@spi-test.example").orElseThrow();
        assertThat(p.id()).isEqualTo("spi-test-provider");
        assertThat(p.source()).isEqualTo(TestProviderSource.class.getName());
        assertThat(ProviderRegistry.defaults().all().get(ProviderRegistry.defaults().all().size() - 1).id())
                .isEqualTo("spi-test-provider");
    }

    @Test
    void builderWithoutServiceLoader_doesNotSeeTheSpiProvider() {
        assertThat(ProviderRegistry.builder().addBuiltIns().build().byId("spi-test-provider")).isEmpty();
        assertThat(ProviderRegistry.builder().addServiceLoaderSources(getClass().getClassLoader()).build()
                .byId("spi-test-provider")).isPresent();
    }
}
