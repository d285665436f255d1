package dev.traffic.detect.internal;

import java.util.List;

/**
 * One token format: the keywords that prefilter it (fed to the shared {@link AhoCorasick}) and a
 * hand-written, bounded, linear scanner that confirms a match around a keyword hit and checks the
 * issuer's checksum where one exists. Implementations are stateless and thread-safe.
 */
public interface TokenRule {
    List<String> keywords();

    /** Confirms a match for {@code keyword} found at {@code at}; null when it is not one. */
    Hit match(String text, int at, String keyword);
}
