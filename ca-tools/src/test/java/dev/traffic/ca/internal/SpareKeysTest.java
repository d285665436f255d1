package dev.traffic.ca.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.PublicKey;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Spare keys are generated ahead, each handed out once, and replaced after being taken. */
class SpareKeysTest {
    @Test
    void keysAreReadyAheadHandedOutOnceAndRefilled() {
        SpareKeys s = new SpareKeys(3);
        await(() -> s.ready() == 3);
        Set<PublicKey> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) { // more than are spare: the rest are generated on demand
            KeyPair k = s.take();
            assertThat(k.getPrivate().getAlgorithm()).isEqualTo("EC");
            seen.add(k.getPublic());
        }
        assertThat(seen).hasSize(20);
        await(() -> s.ready() == 3);
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not reached within 30 s");
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // poll the condition, as proxy-core's Await does
        }
    }
}
