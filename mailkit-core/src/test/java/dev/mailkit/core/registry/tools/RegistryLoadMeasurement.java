package dev.mailkit.core.registry.tools;

import dev.mailkit.core.registry.ProviderRegistry;

import java.nio.file.Path;

/**
 * Measures, in a fresh JVM, how long the provider registry takes to load (class loading and XML parsing
 * included) and how much heap it keeps. No JMH: run it several times and take the median.
 *
 * <pre>
 * java -cp mailkit-core/target/classes:mailkit-core/target/test-classes \
 *     dev.mailkit.core.registry.tools.RegistryLoadMeasurement [providers.xml]
 * </pre>
 * Without an argument it loads the built-in data; with a file, that file in the same format.
 */
public final class RegistryLoadMeasurement {

    private RegistryLoadMeasurement() {
    }

    /**
     * Loads once, prints the figures.
     *
     * @param args optionally a providers.xml file to load instead of the built-in data
     * @throws InterruptedException if interrupted while letting the collector settle
     */
    public static void main(String[] args) throws InterruptedException {
        long before = usedAfterGc();
        long start = System.nanoTime();
        ProviderRegistry registry = args.length > 0
                ? ProviderRegistry.builder().addProvidersXml(Path.of(args[0])).build()
                : ProviderRegistry.builder().addBuiltIns().build();
        registry.forEmail("someone@laposte.net");
        long loadNanos = System.nanoTime() - start;
        long warmStart = System.nanoTime();
        ProviderRegistry again = args.length > 0
                ? ProviderRegistry.builder().addProvidersXml(Path.of(args[0])).build()
                : ProviderRegistry.builder().addBuiltIns().build();
        long buildNanos = System.nanoTime() - warmStart;
        again = null;
        long retained = usedAfterGc() - before;
        int domains = registry.all().stream().mapToInt(p -> p.domains().size()).sum();
        System.out.printf("providers=%d domains=%d firstLoadMs=%.1f secondBuildMs=%.2f retainedKiB=%d%n",
                registry.all().size(), domains, loadNanos / 1e6, buildNanos / 1e6, retained / 1024);
    }

    private static long usedAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
