package dev.traffic.bench.ca;

import dev.traffic.ca.CaOptions;
import dev.traffic.ca.CertificateAuthority;
import dev.traffic.ca.IssuedLeaf;
import dev.traffic.ca.LeafKeyManager;
import dev.traffic.ca.LeafMinter;
import dev.traffic.ca.LeafOptions;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a TLS interception costs on the CA side: minting a leaf (cache miss), a cache hit, and the
 * per-handshake work proxy-core does with ONE shared context backed by {@link LeafKeyManager}
 * (alias choice + chain + key lookups, engine creation) versus building a context per host.
 * SampleTime mode so JMH reports medians (p0.50). Run:
 * {@code java -jar bench/target/benchmarks.jar LeafBenchmark -f 1 -wi 2 -i 3 -w 1s -r 2s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class LeafBenchmark {
    private static final String HOST = "api.example.com";

    private Path dir;
    private LeafMinter minter;
    private LeafMinter missMinter;
    private long counter;
    private LeafKeyManager keyManager;
    private SSLEngine peerHostEngine;
    private SSLContext sharedJdk;
    private SslContext sharedNetty;
    private IssuedLeaf leaf;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("traffic-bench-ca");
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), CaOptions.defaults(), false);
        minter = new LeafMinter(ca);
        // cache of one: every call with a new host is a miss (mint + one eviction), as for an unseen host
        missMinter = new LeafMinter(ca, new LeafOptions(LeafOptions.DEFAULT_VALIDITY, 1));
        leaf = minter.leafFor(HOST);
        keyManager = new LeafKeyManager(minter);
        sharedJdk = SSLContext.getInstance("TLS");
        sharedJdk.init(keyManager.asFactory().getKeyManagers(), null, null);
        peerHostEngine = sharedJdk.createSSLEngine(HOST, 443);
        peerHostEngine.setUseClientMode(false);
        sharedNetty = SslContextBuilder.forServer(keyManager.asFactory()).sslProvider(nettyProvider()).build();
    }

    private static SslProvider nettyProvider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        ReferenceCountUtil.release(sharedNetty);
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Cache miss: EC P-256 key pair + signed leaf. Target <= 5 ms. */
    @Benchmark
    public IssuedLeaf mintLeaf() {
        return missMinter.leafFor("h" + (counter++) + ".example.com");
    }

    /** Cache hit for a known host. Target <= 1 us. */
    @Benchmark
    @BenchmarkMode({Mode.SampleTime, Mode.AverageTime})
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public IssuedLeaf cacheHit() {
        return minter.leafFor(HOST);
    }

    /** What the TLS stack calls on the shared key manager per handshake (peer-host fallback, cached leaf). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public void keyManagerLookups(Blackhole bh) {
        String alias = keyManager.chooseEngineServerAlias("EC", null, peerHostEngine);
        bh.consume(keyManager.getCertificateChain(alias));
        bh.consume(keyManager.getPrivateKey(alias));
    }

    /** Per handshake with one shared JDK SSLContext: create the engine. */
    @Benchmark
    public SSLEngine jdkEngineFromSharedContext() {
        SSLEngine e = sharedJdk.createSSLEngine(HOST, 443);
        e.setUseClientMode(false);
        return e;
    }

    /** The alternative: a JDK SSLContext per host (fresh KeyStore + KeyManagerFactory + init) and its engine. */
    @Benchmark
    public SSLEngine jdkFreshContextPerHost() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = "x".toCharArray();
        ks.setKeyEntry(HOST, leaf.privateKey(), pw, leaf.chain());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        SSLEngine e = ctx.createSSLEngine(HOST, 443);
        e.setUseClientMode(false);
        return e;
    }

    /** Per handshake with one shared Netty SslContext (OpenSSL when available): create the engine. */
    @Benchmark
    public void nettyEngineFromSharedContext(Blackhole bh) {
        SSLEngine e = sharedNetty.newEngine(ByteBufAllocator.DEFAULT, HOST, 443);
        bh.consume(e);
        ReferenceCountUtil.release(e);
    }

    /** The expensive alternative the issue measures at 15-20 ms: a Netty SslContext per host, plus its engine. */
    @Benchmark
    public void nettyFreshContextPerHost(Blackhole bh) throws Exception {
        PrivateKey key = leaf.privateKey();
        X509Certificate[] chain = leaf.chain();
        SslContext ctx = SslContextBuilder.forServer(key, chain).sslProvider(nettyProvider()).build();
        SSLEngine e = ctx.newEngine(ByteBufAllocator.DEFAULT, HOST, 443);
        bh.consume(e);
        ReferenceCountUtil.release(e);
        ReferenceCountUtil.release(ctx);
    }

}
