package dev.traffic.detect;

import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the detector remembers across the requests of a session: which pieces of each known secret
 * have been seen (split-secret detection) and which domains received data in DNS labels. Bounded:
 * at most {@code maxSessions} sessions (least recently used evicted), each with a capped number of
 * entries. Thread-safe; shared by all scans of one proxy or one offline run.
 */
public final class SessionState {
    private static final int MAX_DOMAINS = 32;
    private final int maxSessions;
    private final LinkedHashMap<String, Session> sessions;

    public SessionState(int maxSessions) {
        this.maxSessions = maxSessions;
        this.sessions = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Session> e) {
                return size() > SessionState.this.maxSessions;
            }
        };
    }

    public SessionState() {
        this(4096);
    }

    private static final class Session {
        final Map<String, BitSet> pieces = new HashMap<>();
        final Set<String> dnsDomains = new HashSet<>();
    }

    private Session session(String id) {
        return sessions.computeIfAbsent(id, k -> new Session());
    }

    /**
     * Records that normalised chars [from,to) of secret {@code name} were seen; returns how many
     * chars of it the session has seen so far.
     */
    public synchronized int recordPiece(String sessionId, String name, int from, int to) {
        BitSet b = session(sessionId).pieces.computeIfAbsent(name, k -> new BitSet());
        b.set(from, to);
        return b.cardinality();
    }

    /** True when chars just before {@code from} or just after {@code to} were seen already. */
    public synchronized boolean adjoinsPiece(String sessionId, String name, int from, int to) {
        Session s = sessions.get(sessionId);
        if (s == null) return false;
        BitSet b = s.pieces.get(name);
        return b != null && ((from > 0 && b.get(from - 1)) || b.get(to));
    }

    public synchronized void recordDnsExfil(String sessionId, String domain) {
        Set<String> d = session(sessionId).dnsDomains;
        if (d.size() < MAX_DOMAINS) d.add(domain);
    }

    public synchronized boolean hadDnsExfil(String sessionId, String domain) {
        Session s = sessions.get(sessionId);
        return s != null && s.dnsDomains.contains(domain);
    }

    public synchronized int size() {
        return sessions.size();
    }
}
