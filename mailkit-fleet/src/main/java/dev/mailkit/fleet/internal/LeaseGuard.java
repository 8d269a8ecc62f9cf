package dev.mailkit.fleet.internal;

import dev.mailkit.fleet.Lease;
import dev.mailkit.fleet.LeaseLostException;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
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
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                new Guarded(store, lease, lost)));
    }

    /** The handler of one guarded object; it knows its target, so that a guarded argument is passed unwrapped. */
    private static final class Guarded implements InvocationHandler {
        private final Object target;
        private final Lease lease;
        private final BooleanSupplier lost;

        Guarded(Object target, Lease lease, BooleanSupplier lost) {
            this.target = target;
            this.lease = lease;
            this.lost = lost;
        }

        @Override
        public Object invoke(Object self, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                if (method.getName().equals("equals")) {
                    return self == args[0];
                }
                if (method.getName().equals("hashCode")) {
                    return System.identityHashCode(self);
                }
                return method.invoke(target, args);
            }
            boolean close = method.getName().equals("close") && method.getParameterCount() == 0;
            if (!close && lost.getAsBoolean()) {
                throw new LeaseLostException(lease.account(), lease.fencingToken());
            }
            Object result;
            try {
                result = method.invoke(target, unwrapped(args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            Class<?> returned = method.getReturnType();
            if (result != null && returned.isInterface() && returned.getName().startsWith("dev.mailkit.imap.spi.")) {
                return guardAny(returned, result, lease, lost);
            }
            return result;
        }
    }

    /**
     * The arguments with every guarded object replaced by what it guards: a store gets back its own objects (a
     * folder handed to another folder's {@code copyIn} or {@code moveIn}), not a proxy it cannot cast.
     */
    private static Object[] unwrapped(Object[] args) {
        if (args == null) {
            return null;
        }
        Object[] out = args;
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a != null && Proxy.isProxyClass(a.getClass()) && Proxy.getInvocationHandler(a) instanceof Guarded g) {
                if (out == args) {
                    out = args.clone();
                }
                out[i] = g.target;
            }
        }
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object guardAny(Class<?> type, Object store, Lease lease, BooleanSupplier lost) {
        return guard((Class) type, store, lease, lost);
    }
}
