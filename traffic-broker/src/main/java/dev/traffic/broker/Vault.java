package dev.traffic.broker;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real secrets, read at start and re-read on {@link #reload} (SIGHUP, a changed file): the one
 * place they live in the proxy. A missing or empty secret stops {@link #load} naming the credential;
 * a failing re-read keeps the old value and logs which credential and why (never the value).
 * Lock-free for readers: requests take one immutable snapshot.
 */
public final class Vault {
    private static final Logger log = LoggerFactory.getLogger(Vault.class);

    /** The values of one credential (null fields where its kind has none). */
    public record Values(String token, String awsKeyId, String awsSecret, String awsSessionToken, String privateKeyPem) {
        @Override
        public String toString() {
            return "Values[redacted]"; // never printed by accident
        }
    }

    private final List<CredentialSpec> specs;
    private final Function<String, String> env;
    private final AtomicReference<Map<String, Values>> current = new AtomicReference<>(Map.of());
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Vault(List<CredentialSpec> specs, Function<String, String> env) {
        this.specs = List.copyOf(specs);
        this.env = env;
    }

    /** Reads every secret; throws {@link IllegalStateException} naming the first credential that cannot be read. */
    public static Vault load(List<CredentialSpec> specs, Function<String, String> env) {
        Vault v = new Vault(specs, env);
        Map<String, Values> m = new HashMap<>();
        for (CredentialSpec c : specs) {
            try {
                m.put(c.name(), read(c, env));
            } catch (IOException e) {
                throw new IllegalStateException("credential " + c.name() + ": " + e.getMessage());
            }
        }
        v.current.set(Map.copyOf(m));
        return v;
    }

    public List<CredentialSpec> specs() {
        return specs;
    }

    public Values get(String name) {
        return current.get().get(name);
    }

    /** Runs {@code r} after every reload that changed a value (the GitHub App token cache drops its tokens). */
    public void onChange(Runnable r) {
        listeners.add(r);
    }

    /**
     * Re-reads every secret. A credential whose secret cannot be read keeps its old value (logged
     * as a warning). Returns the names whose value changed.
     */
    public synchronized List<String> reload() {
        Map<String, Values> old = current.get();
        Map<String, Values> m = new HashMap<>(old);
        List<String> changed = new ArrayList<>();
        for (CredentialSpec c : specs) {
            try {
                Values v = read(c, env);
                if (!v.equals(old.get(c.name()))) changed.add(c.name());
                m.put(c.name(), v);
            } catch (IOException e) {
                log.warn("credential {}: re-reading the secret failed ({}); keeping the previous value", c.name(), e.getMessage());
            }
        }
        current.set(Map.copyOf(m));
        if (!changed.isEmpty()) {
            log.info("credentials re-read: {} changed", String.join(", ", changed));
            for (Runnable r : listeners) r.run();
        }
        return changed;
    }

    /** Every file a secret is read from (to watch for changes). */
    public Set<Path> files() {
        Set<Path> out = new LinkedHashSet<>();
        for (CredentialSpec c : specs) {
            for (SecretRef r : java.util.Arrays.asList(c.value(), c.awsKeyId(), c.awsSessionToken(),
                    c.githubApp() == null ? null : c.githubApp().privateKey())) {
                if (r != null && r.file() != null) out.add(r.file().toAbsolutePath());
            }
        }
        return out;
    }

    private static Values read(CredentialSpec c, Function<String, String> env) throws IOException {
        return switch (c.kind()) {
            case TOKEN -> new Values(c.value().read(env), null, null, null, null);
            case AWS -> new Values(null, part(c.awsKeyId(), "access key id", env), part(c.value(), "secret key", env),
                    c.awsSessionToken() == null ? null : part(c.awsSessionToken(), "session token", env), null);
            case GITHUB_APP -> {
                String pem = part(c.githubApp().privateKey(), "private key", env);
                GitHubAppTokens.parseKey(pem); // a key that does not parse fails here, not at the first request
                yield new Values(null, null, null, null, pem);
            }
        };
    }

    private static String part(SecretRef r, String what, Function<String, String> env) throws IOException {
        try {
            return r.read(env);
        } catch (IOException e) {
            throw new IOException(what + ": " + e.getMessage());
        }
    }
}
