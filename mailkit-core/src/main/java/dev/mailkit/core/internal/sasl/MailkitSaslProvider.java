package dev.mailkit.core.internal.sasl;

import javax.security.auth.callback.CallbackHandler;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslClientFactory;
import java.security.Provider;
import java.security.Security;
import java.util.Map;

/**
 * Registers mailkit's SASL client mechanisms (OAUTHBEARER) with the JDK's SASL framework, which Angus
 * Mail's SASL support asks for a client by mechanism name. Registered once per JVM, at the lowest
 * priority, so an application's own provider for the same mechanism wins.
 */
public final class MailkitSaslProvider extends Provider {

    private static final long serialVersionUID = 1L;
    private static final String NAME = "mailkit-SASL";

    private MailkitSaslProvider() {
        super(NAME, "1.0", "mailkit SASL client mechanisms: OAUTHBEARER (RFC 7628)");
        putService(new Service(this, "SaslClientFactory", OAuthBearerSaslClient.MECHANISM,
                Factory.class.getName(), null, null) {
            @Override
            public Object newInstance(Object constructorParameter) {
                return new Factory();
            }
        });
    }

    /** Registers the provider unless it already is; safe to call from any thread, any number of times. */
    public static synchronized void register() {
        if (Security.getProvider(NAME) == null) {
            Security.addProvider(new MailkitSaslProvider());
        }
    }

    /** Creates OAUTHBEARER clients. */
    public static final class Factory implements SaslClientFactory {
        @Override
        public SaslClient createSaslClient(String[] mechanisms, String authorizationId, String protocol,
                                           String serverName, Map<String, ?> props, CallbackHandler cbh) {
            for (String m : mechanisms) {
                if (OAuthBearerSaslClient.MECHANISM.equals(m)) {
                    return new OAuthBearerSaslClient(cbh);
                }
            }
            return null;
        }

        @Override
        public String[] getMechanismNames(Map<String, ?> props) {
            return new String[] {OAuthBearerSaslClient.MECHANISM};
        }
    }
}
