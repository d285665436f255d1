package dev.traffic.detect.internal;

import dev.traffic.detect.internal.Hit.Strength;
import java.util.List;

/** Stripe secret/restricted keys (publishable {@code pk_} keys are public by design) and PyPI tokens. */
final class MiscRules {
    private MiscRules() {}

    static final class Stripe implements TokenRule {
        @Override
        public List<String> keywords() {
            return List.of("sk_live_", "rk_live_", "sk_test_", "rk_test_");
        }

        @Override
        public Hit match(String t, int at, String kw) {
            if (!Chars.boundaryBefore(t, at)) return null;
            int s = at + kw.length();
            int end = Chars.runEnd(t, s, 256, Chars.ALNUM);
            if (end - s < 20) return null;
            boolean live = kw.contains("live");
            return Hit.format("stripe-access-token", "stripe", t, at, end, live ? Strength.FORMAT : Strength.WEAK);
        }
    }

    static final class PyPI implements TokenRule {
        @Override
        public List<String> keywords() {
            return List.of("pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw");
        }

        @Override
        public Hit match(String t, int at, String kw) {
            if (!Chars.boundaryBefore(t, at)) return null;
            int end = Chars.runEnd(t, at, 600, Chars.URL_B64);
            if (end - at < 60) return null;
            return Hit.format("pypi-upload-token", "pypi", t, at, end, Strength.FORMAT);
        }
    }
}
