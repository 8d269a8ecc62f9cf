package dev.mailkit.imap.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailkit.imap.ConflictPolicy;
import org.junit.jupiter.api.Test;

class SyncOptionsTest {

    @Test
    void defaults_asDocumented() {
        SyncOptions d = SyncOptions.defaults();
        assertThat(d.chunkBytes()).isEqualTo(4L << 20);
        assertThat(d.largeMessageBytes()).isEqualTo(8L << 20);
        assertThat(d.partBytes()).isEqualTo(1 << 20);
        assertThat(d.connections()).isEqualTo(1);
        assertThat(d.since()).isNull();
        assertThat(d.twoWay()).isTrue();
        assertThat(d.policy()).isEqualTo(ConflictPolicy.SERVER_WINS);
        assertThat(d.deleteToTrash()).isTrue();
        assertThat(d.massDeletionShare()).isEqualTo(0.5);
        assertThat(d.allowMassDeletion()).isFalse();
        assertThat(d.maxUploadBytes()).isEqualTo(64L << 20);
    }

    @Test
    void aBuilderChangesOnlyWhatItIsTold() {
        SyncOptions o = SyncOptions.builder().connections(3).twoWay(false).build();
        assertThat(o.connections()).isEqualTo(3);
        assertThat(o.twoWay()).isFalse();
        assertThat(o.chunkBytes()).isEqualTo(SyncOptions.defaults().chunkBytes());
    }

    @Test
    void aPolicy_isRequired() {
        assertThatThrownBy(() -> SyncOptions.builder().policy(null)).isInstanceOf(NullPointerException.class);
    }
}
