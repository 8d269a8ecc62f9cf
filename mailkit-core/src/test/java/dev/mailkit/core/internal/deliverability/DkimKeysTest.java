package dev.mailkit.core.internal.deliverability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DKIM keys as DNS publishes them. */
class DkimKeysTest {

    static PublicKey rsa1024;
    static PublicKey otherRsa1024;
    static PublicKey ed25519;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        rsa1024 = rsa.generateKeyPair().getPublic();
        otherRsa1024 = rsa.generateKeyPair().getPublic();
        ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
    }

    static String p(String record) {
        return record.substring(record.indexOf("p=") + 2);
    }

    @Test
    void rsa_publishedAsSubjectPublicKeyInfo_matchesItselfOnly() {
        String record = DkimKeys.recordFor(rsa1024);
        assertThat(record).startsWith("v=DKIM1; k=rsa; p=MIGf");
        assertThat(Base64.getDecoder().decode(p(record))).isEqualTo(rsa1024.getEncoded());
        DkimKeys.Published published = DkimKeys.decode("rsa", p(record));
        assertThat(published.bits()).isEqualTo(1024);
        assertThat(DkimKeys.same(rsa1024, published)).isTrue();
        assertThat(DkimKeys.same(otherRsa1024, published)).isFalse();
        assertThat(DkimKeys.same(ed25519, published)).isFalse();
    }

    @Test
    void rsa_publishedAsBarePkcs1_isReadToo_withSpacesInP() {
        byte[] spki = rsa1024.getEncoded();
        byte[] pkcs1 = Arrays.copyOfRange(spki, 22, spki.length); // after the AlgorithmIdentifier and BIT STRING header
        String b64 = Base64.getEncoder().encodeToString(pkcs1);
        String spaced = b64.substring(0, 20) + " \t" + b64.substring(20);
        assertThat(DkimKeys.same(rsa1024, DkimKeys.decode(null, spaced))).isTrue();
    }

    @Test
    void ed25519_publishedAsTheRaw32Bytes() {
        String record = DkimKeys.recordFor(ed25519);
        assertThat(record).startsWith("v=DKIM1; k=ed25519; p=");
        assertThat(Base64.getDecoder().decode(p(record))).hasSize(32);
        DkimKeys.Published published = DkimKeys.decode("ed25519", p(record));
        assertThat(DkimKeys.same(ed25519, published)).isTrue();
        assertThat(DkimKeys.same(rsa1024, published)).isFalse();
        assertThatThrownBy(() -> DkimKeys.decode("ed25519", Base64.getEncoder().encodeToString(ed25519.getEncoded())))
                .hasMessageContaining("32 bytes, not 44").hasMessageContaining("raw 32 bytes");
    }

    @Test
    void unusableKeys_sayWhy() {
        assertThatThrownBy(() -> DkimKeys.decode("rsa", "not*base64")).hasMessageContaining("not base64");
        assertThatThrownBy(() -> DkimKeys.decode("rsa", "AAAA")).hasMessageContaining("not an RSA public key");
        assertThatThrownBy(() -> DkimKeys.decode("dsa", "AAAA")).hasMessageContaining("k=dsa");
    }
}
