package dev.mailkit.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailkit.core.ConnectionOptions;
import dev.mailkit.core.Credentials;
import dev.mailkit.core.Security;
import dev.mailkit.core.TokenProvider;
import dev.mailkit.core.registry.ProviderRegistry;
import dev.mailkit.imap.ImapSynchronizer;
import dev.mailkit.oauth2.OAuth2;
import dev.mailkit.oauth2.TokenStore;
import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.RateLimitedException;
import dev.mailkit.smtp.SendListener;
import dev.mailkit.smtp.SendResult;
import dev.mailkit.smtp.SmtpSender;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The sender's auto-configuration: its conditions, its properties, and what the application may override. */
class MailkitAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(MailkitOAuth2AutoConfiguration.class, MailkitAutoConfiguration.class,
                    MailkitSyncAutoConfiguration.class));
    private TestMail mail;

    @BeforeEach
    void start() {
        mail = new TestMail();
    }

    @AfterEach
    void stop() {
        mail.close();
    }

    private static Email email(String subject) {
        return Email.builder().from(TestMail.ADDRESS).to("bob@localhost").subject(subject).text("hello").build();
    }

    @Test
    void withoutAnAccount_noSenderIsMade_andTheContextStarts() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(SmtpSender.class).doesNotHaveBean(ImapSynchronizer.class);
            assertThat(context).hasSingleBean(ProviderRegistry.class).hasSingleBean(ConnectionOptions.class);
        });
    }

    @Test
    void propertiesOnly_giveASenderThatDeliversToGreenMail() {
        runner.withPropertyValues(mail.smtpProperties()).run(context -> {
            assertThat(context).hasSingleBean(SmtpSender.class);
            SmtpSender sender = context.getBean(SmtpSender.class);
            assertThat(sender.endpoint().port()).isEqualTo(mail.smtpPort());
            SendResult r = sender.send(email("from properties"));
            assertThat(r.accepted()).containsExactly("bob@localhost");
        });
        assertThat(mail.greenMail.getReceivedMessages()).singleElement()
                .satisfies(m -> assertThat(m.getSubject()).isEqualTo("from properties"));
    }

    @Test
    void theProvider_isLookedUpFromTheAddress_andTheSecretTakenAsItWants() {
        runner.withPropertyValues("mailkit.address=someone@gmail.com", "mailkit.password=abcd efgh ijkl mnop")
                .run(context -> assertThat(context.getBean(SmtpSender.class).endpoint().toString())
                        .isEqualTo("smtp.gmail.com:465 SSL_TLS"));
        runner.withPropertyValues("mailkit.provider=qq", "mailkit.username=12345@qq.com", "mailkit.password=code")
                .run(context -> assertThat(context.getBean(SmtpSender.class).endpoint().host()).isEqualTo("smtp.qq.com"));
        runner.withPropertyValues("mailkit.address=me@example.org", "mailkit.password=pw",
                        "mailkit.smtp.host=mail.example.org", "mailkit.smtp.security=ssl-tls")
                .run(context -> assertThat(context.getBean(SmtpSender.class).endpoint())
                        .satisfies(e -> {
                            assertThat(e.port()).isEqualTo(465);
                            assertThat(e.security()).isEqualTo(Security.SSL_TLS);
                        }));
    }

    @Test
    void dkimProperties_signEveryMessage_andHalfOfThemFailAtStartUp(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path key = dir.resolve("dkim.pem");
        java.nio.file.Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(
                java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        List<String> props = new java.util.ArrayList<>(List.of(mail.smtpProperties()));
        props.add("mailkit.smtp.dkim.private-key=" + key);
        props.add("mailkit.smtp.dkim.selector=boot1");
        runner.withPropertyValues(props.toArray(new String[0])).run(context -> {
            context.getBean(SmtpSender.class).send(email("signed"));
        });
        String raw = com.icegreen.greenmail.util.GreenMailUtil.getWholeMessage(mail.greenMail.getReceivedMessages()[0]);
        String domain = TestMail.ADDRESS.substring(TestMail.ADDRESS.indexOf('@') + 1);
        assertThat(raw.replace("\r\n\t", " ")).contains("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d="
                + domain + "; s=boot1;");
        runner.withPropertyValues(mail.smtpProperties()).withPropertyValues("mailkit.smtp.dkim.selector=boot1")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("mailkit.smtp.dkim.private-key"));
    }

    @Test
    void aLoginTheProviderNeverTakes_failsAtStartUp_withTheWayThatWorks() {
        runner.withPropertyValues("mailkit.address=someone@outlook.com", "mailkit.password=" + TestMail.PASSWORD)
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("OAuth2")
                            .hasMessageNotContaining(TestMail.PASSWORD);
                });
    }

    @Test
    void noLogin_failsAtStartUp_namingTheProperties_unlessSendingWithoutOne() {
        runner.withPropertyValues("mailkit.address=me@example.org", "mailkit.smtp.host=relay.example.org")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("mailkit.password").hasMessageContaining("without-authentication"));
        runner.withPropertyValues("mailkit.address=me@example.org", "mailkit.smtp.host=relay.example.org",
                "mailkit.smtp.without-authentication=true").run(context -> assertThat(context).hasSingleBean(SmtpSender.class));
        runner.withPropertyValues("mailkit.address=nobody@unknown-domain.example", "mailkit.password=pw")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .isInstanceOf(dev.mailkit.core.ProviderNotFoundException.class));
    }

    @Test
    void theApplicationsOwnSender_winsOverTheAutoConfiguredOne() {
        runner.withPropertyValues(mail.smtpProperties()).withUserConfiguration(OwnSender.class).run(context -> {
            assertThat(context).hasSingleBean(SmtpSender.class);
            assertThat(context.getBean(SmtpSender.class)).isSameAs(context.getBean(OwnSender.class).sender);
        });
        runner.withPropertyValues(mail.smtpProperties()).withPropertyValues("mailkit.smtp.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SmtpSender.class));
    }

    @Test
    void listenerBeans_hearTheSender_andCustomizersChangeItsBuilder() {
        runner.withPropertyValues(mail.smtpProperties()).withUserConfiguration(ListenerAndCustomizer.class).run(context -> {
            SmtpSender sender = context.getBean(SmtpSender.class);
            sender.send(email("one"));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> sender.send(email("two")))
                    .isInstanceOf(RateLimitedException.class); // the customizer's limit: one a day
            assertThat(context.getBean(ListenerAndCustomizer.class).heard).containsExactly("sent", "failed");
        });
    }

    @Test
    void theApplicationsCredentials_areUsedForTheLogin() {
        runner.withPropertyValues(mail.smtpProperties()).withPropertyValues("mailkit.password=wrong")
                .withBean(Credentials.class, () -> Credentials.password(TestMail.USER, TestMail.PASSWORD))
                .run(context -> context.getBean(SmtpSender.class).send(email("own credentials")));
        assertThat(mail.greenMail.getReceivedMessages()).hasSize(1);
    }

    @Test
    void oauth2_isConfiguredFromItsProperties_whenTheModuleIsThere() {
        String[] outlook = {"mailkit.address=someone@outlook.com", "mailkit.oauth2.client-id=client-123",
                "mailkit.oauth2.microsoft-tenant=consumers", "mailkit.oauth2.token-store.type=memory"};
        runner.withPropertyValues(outlook).run(context -> {
            assertThat(context).hasSingleBean(OAuth2.class).hasSingleBean(TokenStore.class).hasSingleBean(TokenProvider.class);
            // Outlook.com takes OAuth2 only: a sender built at all logs in with it
            assertThat(context.getBean(SmtpSender.class).endpoint().host()).isEqualTo("smtp-mail.outlook.com");
            assertThat(context.getBean(OAuth2.class).settings().tokenEndpoint().toString()).contains("/consumers/");
        });
        // without the module, nothing logs in with OAuth2: the sender has no login, and start-up says which to set
        runner.withPropertyValues(outlook).withClassLoader(new FilteredClassLoader(OAuth2.class)).run(context ->
                assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("no login for sending"));
        runner.withPropertyValues(outlook).withPropertyValues("mailkit.smtp.enabled=false")
                .withClassLoader(new FilteredClassLoader(OAuth2.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TokenProvider.class));
    }

    @Test
    void syncAskedFor_withoutTheSyncModule_failsAtStartUp_sayingSo() {
        runner.withPropertyValues(mail.smtpProperties()).withPropertyValues("mailkit.sync.enabled=true")
                .withClassLoader(new FilteredClassLoader(ImapSynchronizer.class)).run(context ->
                        assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("mailkit-imap-sync"));
    }

    @Test
    void theProperties_neverShowASecret() {
        runner.withPropertyValues(mail.smtpProperties()).withPropertyValues("mailkit.smtp.password=smtp-secret-1",
                "mailkit.sync.password=sync-secret-2", "mailkit.oauth2.client-secret=client-secret-3").run(context -> {
                    MailkitProperties p = context.getBean(MailkitProperties.class);
                    assertThat(p.getPassword()).isEqualTo(TestMail.PASSWORD);
                    assertThat(p.toString()).contains("****").doesNotContain(TestMail.PASSWORD)
                            .doesNotContain("smtp-secret-1").doesNotContain("sync-secret-2").doesNotContain("client-secret-3");
                    assertThat(context.getBean(SmtpSender.class).toString()).doesNotContain(TestMail.PASSWORD)
                            .doesNotContain("smtp-secret-1");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnSender {
        final SmtpSender sender = SmtpSender.builder().endpoint("relay.example.org", 587, Security.STARTTLS)
                .withoutAuthentication().build();

        @Bean(destroyMethod = "close")
        SmtpSender ownSender() {
            return sender;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ListenerAndCustomizer {
        final List<String> heard = new CopyOnWriteArrayList<>();

        @Bean
        SendListener recording() {
            return new SendListener() {
                @Override
                public void onSent(Email email, SendResult result) {
                    heard.add("sent");
                }

                @Override
                public void onFailed(Email email, dev.mailkit.core.MailkitException failure) {
                    heard.add("failed");
                }
            };
        }

        @Bean
        SmtpSenderCustomizer onePerDay() {
            return b -> b.rateLimit(0, 1);
        }
    }
}
