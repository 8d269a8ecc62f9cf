package dev.mailkit.fleet;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FleetDatabaseBuilderTest {

    @Test
    void build_withoutADatabase_namesTheFix() {
        assertThatThrownBy(() -> FleetDatabase.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("jdbcUrl(...) or dataSource(...)");
    }

    @Test
    void jdbcUrl_ofAnotherDatabase_isRefused() {
        assertThatThrownBy(() -> FleetDatabase.builder().jdbcUrl("jdbc:sqlite:state.db"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbc:sqlite:state.db");
    }

    @Test
    void maxConnections_belowTwo_isRefused() {
        assertThatThrownBy(() -> FleetDatabase.builder().maxConnections(1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 1");
    }
}
