package dev.mailkit.spring.boot.internal;

import dev.mailkit.core.MailkitException;
import dev.mailkit.smtp.Email;
import dev.mailkit.smtp.SendListener;
import dev.mailkit.smtp.SendResult;

import java.time.Duration;
import java.util.List;

/** Every {@link SendListener} bean, in order, as the sender's one listener. */
public final class CompositeSendListener implements SendListener {

    private final List<SendListener> listeners;

    private CompositeSendListener(List<SendListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    /**
     * One listener for all.
     *
     * @param listeners the listeners, in the order they are called
     * @return a listener calling each in turn
     */
    public static SendListener of(List<SendListener> listeners) {
        return listeners.isEmpty() ? SendListener.NONE
                : listeners.size() == 1 ? listeners.get(0) : new CompositeSendListener(listeners);
    }

    @Override
    public void onSent(Email email, SendResult result) {
        listeners.forEach(l -> l.onSent(email, result));
    }

    @Override
    public void onRetry(Email email, int attempt, MailkitException failure, Duration delay) {
        listeners.forEach(l -> l.onRetry(email, attempt, failure, delay));
    }

    @Override
    public void onFailed(Email email, MailkitException failure) {
        listeners.forEach(l -> l.onFailed(email, failure));
    }

    @Override
    public void onRateLimitWait(Email email, Duration wait) {
        listeners.forEach(l -> l.onRateLimitWait(email, wait));
    }
}
