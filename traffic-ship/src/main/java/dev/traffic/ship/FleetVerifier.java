package dev.traffic.ship;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.traffic.ship.opensearch.OpenSearchHttp;
import dev.traffic.store.Checkpoint;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks the cluster against a pod's signed checkpoint: the documents of one store identity must
 * hold leaves 0..size-1 exactly once each, and their RFC 6962 Merkle root must be the checkpoint's
 * root, signed by the store's key. A missing, duplicated or altered document fails it. Stateless.
 */
public final class FleetVerifier {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 5000;

    private FleetVerifier() {}

    /** Null when the cluster holds exactly the checkpoint's log; otherwise what is wrong. */
    public static String check(OpenSearchHttp http, String indexPrefix, String storeId, Checkpoint cp, PublicKey key) throws IOException {
        if (!cp.verify(key)) return "the checkpoint's signature does not verify with this key";
        List<byte[]> leaves;
        try {
            leaves = leaves(http, indexPrefix, storeId, cp.size());
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
        if (leaves.size() != cp.size()) return "the cluster holds " + leaves.size() + " of the checkpoint's " + cp.size() + " flows";
        byte[] root = root(leaves, 0, leaves.size());
        if (!MessageDigest.isEqual(root, cp.root())) {
            return "the Merkle root of the shipped flows (" + HexFormat.of().formatHex(root) + ") is not the checkpoint's ("
                    + HexFormat.of().formatHex(cp.root()) + "): a shipped flow differs from the recorded one";
        }
        return null;
    }

    /**
     * The shipped leaf hashes of {@code storeId} with {@code leaf_index < size}, in order; throws when
     * one is missing or shipped twice (IllegalStateException: the list would not be the log).
     */
    public static List<byte[]> leaves(OpenSearchHttp http, String indexPrefix, String storeId, long size) throws IOException {
        List<byte[]> out = new ArrayList<>();
        long after = -1;
        while (true) {
            ObjectNode body = JSON.createObjectNode();
            body.put("size", PAGE);
            var filter = body.putObject("query").putObject("bool").putArray("filter");
            filter.addObject().putObject("term").put("origin.store", storeId);
            filter.addObject().putObject("range").putObject("leaf_index").put("lt", size);
            body.putArray("sort").addObject().put("leaf_index", "asc");
            body.putArray("_source").add("leaf_hash").add("leaf_index");
            if (after >= 0) body.putArray("search_after").add(after);
            JsonNode hits = http.json("POST", IndexPeriod.pattern(indexPrefix) + "/_search", body).path("hits").path("hits");
            for (JsonNode h : hits) {
                long i = h.path("_source").path("leaf_index").asLong();
                if (i == after) throw new IllegalStateException("leaf " + i + " (seq " + (i + 1) + ") is in the cluster twice");
                if (i != out.size()) throw new IllegalStateException("leaf " + out.size() + " (seq " + (out.size() + 1) + ") is not in the cluster");
                out.add(HexFormat.of().parseHex(h.path("_source").path("leaf_hash").asText()));
                after = i;
            }
            if (hits.size() < PAGE) {
                if (out.size() < size) throw new IllegalStateException("leaf " + out.size() + " (seq " + (out.size() + 1) + ") is not in the cluster");
                return out;
            }
        }
    }

    /** RFC 6962 MTH over {@code leaves[from, to)}: split at the largest power of two below the size. */
    static byte[] root(List<byte[]> leaves, int from, int to) {
        int n = to - from;
        MessageDigest md = sha256();
        if (n == 0) return md.digest();
        if (n == 1) return leaves.get(from);
        int k = Integer.highestOneBit(n - 1);
        byte[] left = root(leaves, from, from + k);
        byte[] right = root(leaves, from + k, to);
        md.update((byte) 1);
        md.update(left);
        md.update(right);
        return md.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
