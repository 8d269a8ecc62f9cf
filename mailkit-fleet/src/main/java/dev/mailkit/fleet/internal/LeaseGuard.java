package dev.mailkit.fleet.internal;

import dev.mailkit.fleet.Lease;
import dev.mailkit.fleet.LeaseLostException;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.BooleanSupplier;

/**
 * Wraps an account's stores so that, once the lease is known lost (a renewal was refused), every call throws
 * {@link LeaseLostException} at once, without a round trip to the database: the synchronizer skips its remaining
 * folders quickly instead of downloading mail it may not write. Objects the stores hand out (a message folder)
 * are wrapped the same way.
 */
public final class LeaseGuard {

    private LeaseGuard() {
    }

    /**
     * Wraps a store.
     *
     * @param type  the store's interface
     * @param store the store
     * @param lease the lease it writes under
     * @param lost  true once the lease is known lost
     * @param <T>   the interface
     * @return the guarded store
     */
    public static <T> T guard(Class<T> type, T store, Lease lease, BooleanSupplier lost) {
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                if (method.getName().equals("equals")) {
                    return self == args[0];
                }
                if (method.getName().equals("hashCode")) {
                    return System.identityHashCode(self);
                }
                return method.invoke(store, args);
            }
            boolean close = method.getName().equals("close") && method.getParameterCount() == 0;
            if (!close && lost.getAsBoolean()) {
                throw new LeaseLostException(lease.account(), lease.fencingToken());
            }
            Object result;
            try {
                result = method.invoke(store, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            Class<?> returned = method.getReturnType();
            if (result != null && returned.isInterface() && returned.getName().startsWith("dev.mailkit.imap.spi.")) {
                return guardAny(returned, result, lease, lost);
            }
            return result;
        });
        return type.cast(proxy);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object guardAny(Class<?> type, Object store, Lease lease, BooleanSupplier lost) {
        return guard((Class) type, store, lease, lost);
    }
}
