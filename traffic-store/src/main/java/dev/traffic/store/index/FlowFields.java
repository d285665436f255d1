package dev.traffic.store.index;

import java.util.Map;

/** Index field names (the query language's vocabulary) and which are numeric. */
public final class FlowFields {
    public static final String SEQ = "seq";
    public static final String TIME = "time";
    public static final String ID = "id";
    public static final String SESSION = "session";
    public static final String KIND = "kind";
    public static final String CLIENT = "client";
    public static final String METHOD = "method";
    public static final String SCHEME = "scheme";
    public static final String HOST = "host";
    public static final String PORT = "port";
    public static final String PATH = "path";
    public static final String QUERY = "query";
    /** Not indexed on its own: {@code url:} queries search {@link #TEXT}, which holds the URL's words. */
    public static final String URL = "url";
    public static final String STATUS = "status";
    public static final String VERSION = "version";
    /** What users type: {@code header.<name>:value} (FlowQuery rewrites it to a {@link #HEADER} term). */
    public static final String HEADER_PREFIX = "header.";
    /** One keyword field for all headers, terms {@code name:value} (see FlowDocument#headerTerm). */
    public static final String HEADER = "header";
    /** Query-only: {@code headername:x} matches the {@code x:} terms of {@link #HEADER}. */
    public static final String HEADER_NAME = "headername";
    public static final String CTYPE = "ctype";
    public static final String REQ_CTYPE = "reqctype";
    public static final String REQ_SIZE = "reqsize";
    public static final String RESP_SIZE = "respsize";
    public static final String DURATION = "duration";
    public static final String ERROR = "error";
    public static final String POLICY = "policy";
    public static final String FLAG = "flag";
    public static final String SEVERITY = "severity";
    /** Host-policy rule, finding rules and the rules named in the decision trace. */
    public static final String RULE = "rule";
    /** Actions in the decision trace ("allow", "block", "flag", "alert", "inject", "refuse"). */
    public static final String ACTION = "action";
    /** Stages in the decision trace ("rules", "inspection", "credentials", "admission"). */
    public static final String STAGE = "stage";
    /** Names of the brokered credentials injected into the request (never values). */
    public static final String CREDENTIAL = "credential";
    public static final String BODY = "body";
    public static final String TEXT = "text";
    /** Stored only: where the FLOW record is (segment first seq, offset). */
    public static final String SEGMENT = "_seg";
    public static final String OFFSET = "_off";

    /** Numeric fields and their Java type (Integer or Long) for range queries like {@code status:>=400}. */
    public static final Map<String, Class<? extends Number>> NUMERIC = Map.of(
            SEQ, Long.class, PORT, Integer.class, STATUS, Integer.class, REQ_SIZE, Long.class,
            RESP_SIZE, Long.class, DURATION, Long.class, TIME, Long.class);

    /**
     * Every field a query may name (besides {@code header.NAME}); a query naming another is an
     * error that lists these, so add a new indexed field here.
     */
    public static final java.util.Set<String> QUERYABLE = java.util.Set.of(SEQ, TIME, ID, SESSION, KIND, CLIENT, METHOD,
            SCHEME, HOST, PORT, PATH, QUERY, URL, STATUS, VERSION, HEADER_NAME, CTYPE, REQ_CTYPE, REQ_SIZE, RESP_SIZE,
            DURATION, ERROR, POLICY, FLAG, SEVERITY, RULE, ACTION, STAGE, CREDENTIAL, BODY, TEXT);

    /** Fields {@code --facet} can count. */
    public static final java.util.List<String> FACETS = java.util.List.of(HOST, STATUS, METHOD, CLIENT);

    private FlowFields() {}
}
