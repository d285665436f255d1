package dev.traffic.store.query;

import dev.traffic.store.FlowQuery.BadQueryException;
import dev.traffic.store.index.FlowFields;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the field query language's text before Lucene's parser does: checks every
 * {@code field:} against the known fields, takes out {@code since:}/{@code until:} terms, and
 * rewrites what people type into what the parser reads: {@code status:>=400} to
 * {@code status>=400}, {@code url:} to {@code text:}, {@code path:/upload} to an escaped term,
 * {@code host:bench.test:19443} to {@code (host:bench.test AND port:19443)}. Keeps, for every
 * character it writes, the position in the original text it came from (for error carets).
 */
public final class FieldSyntax {
    /** Fields whose values are literal strings that may hold {@code /} and {@code :}. */
    private static final Set<String> LITERAL = Set.of(FlowFields.PATH, FlowFields.QUERY, FlowFields.HOST, FlowFields.CLIENT,
            FlowFields.ID, FlowFields.SESSION, FlowFields.CTYPE, FlowFields.REQ_CTYPE, FlowFields.VERSION, FlowFields.SCHEME);
    private final String q;
    private final Instant now;
    private final ZoneId zone;
    private final StringBuilder out = new StringBuilder();
    private final java.util.List<Integer> origin = new java.util.ArrayList<>();
    private Instant since;
    private Instant until;

    /** The rewritten query, where each of its characters came from, and the time terms taken out. */
    public record Result(String text, int[] origin, Instant since, Instant until) {
        /** Position in the original query of position {@code i} of {@link #text}. */
        public int originOf(int i) {
            if (origin.length == 0) return 0;
            return origin[Math.max(0, Math.min(i, origin.length - 1))];
        }
    }

    private FieldSyntax(String q, Instant now, ZoneId zone) {
        this.q = q;
        this.now = now;
        this.zone = zone;
    }

    public static Result rewrite(String query, Instant now, ZoneId zone) throws BadQueryException {
        FieldSyntax s = new FieldSyntax(query, now, zone);
        s.run();
        int[] o = new int[s.origin.size()];
        for (int i = 0; i < o.length; i++) o[i] = s.origin.get(i);
        return new Result(s.out.toString(), o, s.since, s.until);
    }

    /** Every field name a query may use ({@code header.NAME} stands for any header). */
    public static Set<String> fields() {
        Set<String> f = new TreeSet<>(FlowFields.QUERYABLE);
        f.add("since");
        f.add("until");
        return f;
    }

    private void run() throws BadQueryException {
        int i = 0;
        boolean quoted = false;
        while (i < q.length()) {
            char c = q.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < q.length()) {
                    emit(c, i);
                    emit(q.charAt(i + 1), i + 1);
                    i += 2;
                    continue;
                }
                if (c == '"') quoted = false;
                emit(c, i++);
                continue;
            }
            if (c == '\\' && i + 1 < q.length()) {
                emit(c, i);
                emit(q.charAt(i + 1), i + 1);
                i += 2;
                continue;
            }
            if (c == '"') {
                quoted = true;
                emit(c, i++);
                continue;
            }
            if (tokenStart(i)) {
                int end = fieldEnd(i);
                if (end > i && end < q.length() && q.charAt(end) == ':') {
                    i = field(i, end);
                    continue;
                }
            }
            emit(c, i++);
        }
    }

    private boolean tokenStart(int i) {
        return i == 0 || " \t\r\n(+-!".indexOf(q.charAt(i - 1)) >= 0;
    }

    /** End of a field name starting at {@code i} (== i when there is none). */
    private int fieldEnd(int i) {
        int j = i;
        if (j < q.length() && (Character.isLetter(q.charAt(j)) || q.charAt(j) == '_')) {
            j++;
            while (j < q.length() && (Character.isLetterOrDigit(q.charAt(j)) || "_.-".indexOf(q.charAt(j)) >= 0)) j++;
        }
        return j;
    }

    /** Handles {@code name:value} at [start, colon]; returns where to go on. */
    private int field(int start, int colon) throws BadQueryException {
        String name = q.substring(start, colon);
        String lower = name.toLowerCase(Locale.ROOT);
        boolean header = lower.startsWith(FlowFields.HEADER_PREFIX) && lower.length() > FlowFields.HEADER_PREFIX.length();
        if (!header && !fields().contains(lower)) {
            throw new BadQueryException("unknown field '" + name + "'", q, start,
                    "fields: " + String.join(" ", fields()) + " header.NAME; to search the words, quote them: \"" + name + ":...\"");
        }
        int v = colon + 1;
        if (lower.equals("since") || lower.equals("until")) {
            int end = valueEnd(v);
            String value = q.substring(v, end);
            if (value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2) value = value.substring(1, value.length() - 1);
            Instant t;
            try {
                t = TimeSpec.parse(value, now, zone);
            } catch (IllegalArgumentException e) {
                throw new BadQueryException(e.getMessage(), q, v, "e.g. " + lower + ":1h or " + lower + ":\"2 hours ago\"");
            }
            if (lower.equals("since")) since = t;
            else until = t;
            return end;
        }
        String target = lower.equals(FlowFields.URL) ? FlowFields.TEXT : name;
        for (int k = 0; k < target.length(); k++) emit(target.charAt(k), start + Math.min(k, name.length() - 1));
        emit(':', colon);
        if (v >= q.length()) return v;
        char first = q.charAt(v);
        if (first == '>' || first == '<') {
            out.setLength(out.length() - 1); // status:>=400 -> status>=400
            origin.remove(origin.size() - 1);
            return v;
        }
        boolean range = (first == '[' || first == '{') && q.substring(v).matches("(?s)[\\[{][^\\]}]*\\sTO\\s.*");
        if (first == '"' || first == '(' || range || ((first == '[' || first == '{') && !LITERAL.contains(lower))) return v;
        int end = valueEnd(v);
        String value = q.substring(v, end);
        if (lower.equals(FlowFields.HOST) && value.matches("[^:\\[\\]]+:\\d{1,5}")) {
            // host:bench.test:19443 is the host and the port
            int c = value.lastIndexOf(':');
            out.setLength(out.length() - name.length() - 1);
            for (int k = 0; k < name.length() + 1; k++) origin.remove(origin.size() - 1);
            emit('(', start);
            emitString(FlowFields.HOST + ":", start);
            emitEscaped(value.substring(0, c), v);
            emitString(" AND " + FlowFields.PORT + ":", v + c);
            emitEscaped(value.substring(c + 1), v + c + 1);
            emit(')', end - 1);
            return end;
        }
        // a value starting with / is Lucene's /regex/, except a path's (path:/upload is the path)
        boolean regex = value.startsWith("/") && !lower.equals(FlowFields.PATH);
        if ((header || LITERAL.contains(lower)) && !regex) {
            emitEscaped(value, v);
            return end;
        }
        return v;
    }

    /** End of an unquoted value: whitespace or an unbalanced ')' ; a quoted one ends after its closing quote. */
    private int valueEnd(int v) {
        int i = v;
        if (i < q.length() && q.charAt(i) == '"') {
            i++;
            while (i < q.length() && q.charAt(i) != '"') i += q.charAt(i) == '\\' ? 2 : 1;
            return Math.min(q.length(), i + 1);
        }
        while (i < q.length() && !Character.isWhitespace(q.charAt(i)) && q.charAt(i) != ')') i += q.charAt(i) == '\\' ? 2 : 1;
        return Math.min(i, q.length());
    }

    /** Writes a value with {@code / :} escaped (already escaped characters stay as they are). */
    private void emitEscaped(String value, int at) {
        for (int k = 0; k < value.length(); k++) {
            char c = value.charAt(k);
            if (c == '\\' && k + 1 < value.length()) {
                emit(c, at + k);
                emit(value.charAt(k + 1), at + k + 1);
                k++;
                continue;
            }
            if ("/:[]{}".indexOf(c) >= 0) emit('\\', at + k);
            emit(c, at + k);
        }
    }

    private void emitString(String s, int at) {
        for (int k = 0; k < s.length(); k++) emit(s.charAt(k), at);
    }

    private void emit(char c, int at) {
        out.append(c);
        origin.add(at);
    }
}
