package dev.traffic.bench.detect;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;

/**
 * Before/after comparison on a shared, noisy machine: loads {@link DetectBench} from two class
 * paths (e.g. an old and a new benchmarks jar) in one JVM, warms both, then alternates batches of
 * one and the other and reports each side's median and minimum CPU time per request, so load
 * spikes hit both sides alike. Run:
 * {@code java -cp bench/target/benchmarks.jar dev.traffic.bench.detect.DetectPaired BODY BATCHES OLD_CP NEW_CP}
 * (class paths separated by ':'; BODY as in {@link DetectBench#body}).
 */
public final class DetectPaired {
    private DetectPaired() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: DetectPaired BODY BATCHES OLD_CLASSPATH NEW_CLASSPATH");
            System.exit(2);
        }
        String body = args[0];
        int batches = Integer.parseInt(args[1]);
        String[] paths = {args[2], args[3]};
        Object[] bench = new Object[2];
        Method[] scan = new Method[2];
        int bytes = 0;
        for (int k = 0; k < 2; k++) {
            String[] parts = paths[k].split(":");
            URL[] urls = new URL[parts.length];
            for (int u = 0; u < parts.length; u++) urls[u] = new File(parts[u]).toURI().toURL();
            Class<?> c = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader()).loadClass(DetectBench.class.getName());
            bench[k] = c.getConstructor().newInstance();
            c.getField("body").set(bench[k], body);
            c.getMethod("setup").invoke(bench[k]);
            scan[k] = c.getMethod("scan");
            bytes = (int) c.getMethod("bodyBytes").invoke(bench[k]);
        }
        int per = Math.max(20, 2_000_000 / bytes);
        for (int w = 0; w < 20; w++) for (int k = 0; k < 2; k++) for (int i = 0; i < per; i++) scan[k].invoke(bench[k]);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[][] t = new long[2][batches];
        for (int b = 0; b < batches; b++) {
            for (int k0 = 0; k0 < 2; k0++) {
                int k = (b + k0) % 2; // alternate which side goes first
                long t0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < per; i++) scan[k].invoke(bench[k]);
                t[k][b] = mx.getCurrentThreadCpuTime() - t0;
            }
        }
        for (int k = 0; k < 2; k++) {
            Arrays.sort(t[k]);
            double median = t[k][batches / 2] / 1e3 / per;
            System.out.printf("%-4s %-14s median %7.2f us (%6.1f MB/s/core)  min %7.2f us  [%s]%n", k == 0 ? "old" : "new", body,
                    median, bytes / median, t[k][0] / 1e3 / per, paths[k]);
        }
    }
}
