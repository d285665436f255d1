package dev.traffic.store.query;

import dev.traffic.store.FlowQuery.BadQueryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses mitmproxy's filter expressions (mitmproxy/flowfilter.py) into a {@link FilterExpr}.
 *
 * <p>Grammar, loosest first, as mitmproxy's pyparsing grammar builds it: a sequence of
 * expressions side by side is an AND (binding looser than {@code |}, so {@code a | b c} is
 * {@code (a | b) & c}); then {@code |}; then {@code &}; then prefix {@code !}; then
 * {@code ( ... )} or an operator. A regex argument is a word of any characters but whitespace,
 * {@code ( ) ~ ' "} (so {@code ~u a|b} is the regex {@code a|b}), or a single- or double-quoted
 * string in which a backslash escapes the next character ({@code \t \n \r \f} give those
 * characters). A word without operator is a URL regex ({@code ~u}). Regexes are case-insensitive;
 * {@code ~h}-family regexes are multi-line, {@code ~b}-family ones let {@code .} match newlines.
 *
 * <p>Where we differ, we accept more and change no valid expression's meaning: side-by-side
 * expressions inside parentheses, an operator directly followed by {@code )}. Where pyparsing would
 * silently re-read a dangling operator as a URL regex ({@code ~q &}) we report an error.
 * Python-only regex syntax is translated: {@code (?P<n>...)}, {@code (?P=n)}, {@code \Z}.
 */
public final class FilterParser {
    private static final String WORD_STOP = "()~'\"";
    private final String q;
    private final Set<String> luceneFields;
    private int pos;

    private FilterParser(String q, Set<String> luceneFields) {
        this.q = q;
        this.luceneFields = luceneFields;
    }

    /**
     * Parses {@code query}; {@code luceneFields} are the field names of the other language, whose
     * {@code field:value} terms are reported as mixing the languages.
     */
    public static FilterExpr parse(String query, Set<String> luceneFields) throws BadQueryException {
        FilterParser p = new FilterParser(query, luceneFields);
        p.skipSpace();
        if (p.atEnd()) throw p.error(0, "empty filter expression", "write an operator such as ~d example.com");
        FilterExpr e = p.sequence();
        p.skipSpace();
        if (!p.atEnd()) {
            if (p.peek() == ')') throw p.error(p.pos, "')' without a matching '('", "remove it or add the '(' it closes");
            throw p.error(p.pos, "unexpected '" + p.peek() + "'", null);
        }
        return e;
    }

    /** True when {@code query} is written in the filter language: it has a {@code ~} operator at the start of a token. */
    public static boolean looksLikeFilter(String query) {
        boolean quoted = false;
        char quote = 0;
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (quoted) {
                if (c == '\\') i++;
                else if (c == quote) quoted = false;
                continue;
            }
            if (c == '"' || c == '\'') {
                // an apostrophe inside a word (Lucene: don't) is not a quote
                if (c == '"' || i == 0 || " \t(!&|".indexOf(query.charAt(i - 1)) >= 0) {
                    quoted = true;
                    quote = c;
                }
                continue;
            }
            if (c == '\\') {
                i++;
                continue;
            }
            if (c == '~' && i + 1 < query.length() && Character.isLetter(query.charAt(i + 1))
                    && (i == 0 || " \t\r\n(!&|".indexOf(query.charAt(i - 1)) >= 0)) {
                return true;
            }
        }
        return false;
    }

    // sequence := orExpr+   (side by side: AND)
    private FilterExpr sequence() throws BadQueryException {
        List<FilterExpr> items = new ArrayList<>();
        items.add(or());
        while (true) {
            skipSpace();
            if (atEnd() || peek() == ')') break;
            items.add(or());
        }
        return items.size() == 1 ? items.get(0) : new FilterExpr.And(items);
    }

    private FilterExpr or() throws BadQueryException {
        List<FilterExpr> items = new ArrayList<>();
        items.add(and());
        while (operatorAhead('|')) {
            int at = pos;
            pos++;
            skipSpace();
            if (atEnd() || peek() == ')' || peek() == '|' || peek() == '&') {
                throw error(at, "'|' needs an expression on its right", "write a | b");
            }
            items.add(and());
        }
        return items.size() == 1 ? items.get(0) : new FilterExpr.Or(items);
    }

    private FilterExpr and() throws BadQueryException {
        List<FilterExpr> items = new ArrayList<>();
        items.add(not());
        while (operatorAhead('&')) {
            int at = pos;
            pos++;
            skipSpace();
            if (atEnd() || peek() == ')' || peek() == '|' || peek() == '&') {
                throw error(at, "'&' needs an expression on its right", "write a & b");
            }
            items.add(not());
        }
        return items.size() == 1 ? items.get(0) : new FilterExpr.And(items);
    }

    /** An infix operator comes next (after optional space). */
    private boolean operatorAhead(char op) {
        int save = pos;
        skipSpace();
        if (!atEnd() && peek() == op) return true;
        pos = save;
        return false;
    }

    private FilterExpr not() throws BadQueryException {
        skipSpace();
        if (!atEnd() && peek() == '!') {
            int at = pos;
            pos++;
            skipSpace();
            if (atEnd() || peek() == ')') throw error(at, "'!' needs an expression after it", "write !~c 200");
            return new FilterExpr.Not(not());
        }
        return primary();
    }

    private FilterExpr primary() throws BadQueryException {
        skipSpace();
        if (atEnd()) throw error(pos, "expression expected", null);
        char c = peek();
        if (c == '(') {
            int open = pos++;
            skipSpace();
            if (!atEnd() && peek() == ')') throw error(open, "empty parentheses", null);
            FilterExpr inner = sequence();
            skipSpace();
            if (atEnd() || peek() != ')') throw error(open, "'(' is never closed", "add the missing ')'");
            pos++;
            return inner;
        }
        if (c == ')') throw error(pos, "')' without a matching '('", "remove it or add the '(' it closes");
        if (c == '~') return operator();
        int at = pos;
        boolean quoted = c == '"' || c == '\'';
        String word = regexArgument();
        if (!quoted) mixing(word, at);
        return rex(FilterOp.URL, word, at, at);
    }

    private FilterExpr operator() throws BadQueryException {
        int at = pos++;
        int start = pos;
        while (!atEnd() && Character.isLetter(peek())) pos++;
        String code = q.substring(start, pos);
        FilterOp op = FilterOp.byCode(code).orElse(null);
        if (op == null) {
            if (code.isEmpty()) throw error(at, "'~' must be followed by an operator", "operators: " + FilterOp.codes());
            if (FilterOp.UNSUPPORTED.contains(code) && (" " + FilterOp.UNSUPPORTED + " ").contains(" " + code + " ")) {
                throw error(at, "~" + code + " is a mitmproxy operator that a recorded store cannot answer",
                        "operators: " + FilterOp.codes());
            }
            for (int n = code.length() - 1; n > 0; n--) {
                String head = code.substring(0, n);
                if (FilterOp.byCode(head).isPresent()) {
                    throw error(at, "unknown operator ~" + code + " (did you mean ~" + head + " " + code.substring(n) + "?)",
                            "an operator and its argument are separated by a space");
                }
            }
            throw error(at, "unknown operator ~" + code, "operators: " + FilterOp.codes());
        }
        if (!atEnd() && !Character.isWhitespace(peek()) && peek() != ')') {
            throw error(pos, "~" + code + " must be followed by a space", op.arg() == FilterOp.Arg.NONE
                    ? null : "write ~" + code + " " + (op.arg() == FilterOp.Arg.INT ? "404" : "REGEX"));
        }
        switch (op.arg()) {
            case NONE -> {
                return new FilterExpr.Test(op, null, null, at);
            }
            case INT -> {
                skipSpace();
                int s = pos;
                while (!atEnd() && !Character.isWhitespace(peek()) && WORD_STOP.indexOf(peek()) < 0 && peek() != '&' && peek() != '|') pos++;
                String n = q.substring(s, pos);
                if (!n.matches("\\d{1,9}")) {
                    throw error(s, "~" + code + " needs a status code" + (n.isEmpty() ? "" : ", not '" + n + "'"), "write ~c 404");
                }
                return new FilterExpr.Test(op, Integer.toString(Integer.parseInt(n)), null, at);
            }
            default -> {
                skipSpace();
                if (atEnd() || peek() == ')' || peek() == '~') {
                    throw error(at, "~" + code + " needs a regex", "write ~" + code + " REGEX (quote it when it has spaces)");
                }
                int argAt = pos;
                return rex(op, regexArgument(), at, argAt);
            }
        }
    }

    /** A quoted string or a word (at least one character; the caller checked we are not at the end). */
    private String regexArgument() throws BadQueryException {
        char c = peek();
        if (c == '"' || c == '\'') {
            int open = pos++;
            StringBuilder b = new StringBuilder();
            while (true) {
                if (atEnd()) throw error(open, "unclosed quote " + c, "add the closing " + c);
                char d = q.charAt(pos++);
                if (d == c) return b.toString();
                if (d == '\\' && !atEnd()) {
                    char e = q.charAt(pos++);
                    b.append(switch (e) {
                        case 't' -> '\t';
                        case 'n' -> '\n';
                        case 'r' -> '\r';
                        case 'f' -> '\f';
                        default -> e;
                    });
                } else {
                    b.append(d);
                }
            }
        }
        int s = pos;
        while (!atEnd() && !Character.isWhitespace(peek()) && WORD_STOP.indexOf(peek()) < 0) pos++;
        if (s == pos) {
            throw error(s, "unexpected '" + c + "'", c == '(' || c == ')' ? "( and ) end an unquoted regex: quote a regex that has them, '(a|b)'" : null);
        }
        return q.substring(s, pos);
    }

    private FilterExpr rex(FilterOp op, String regex, int at, int argAt) throws BadQueryException {
        int flags = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
        if (op == FilterOp.HEADER || op == FilterOp.REQUEST_HEADER || op == FilterOp.RESPONSE_HEADER) flags |= Pattern.MULTILINE;
        if (op == FilterOp.BODY || op == FilterOp.REQUEST_BODY || op == FilterOp.RESPONSE_BODY) flags |= Pattern.DOTALL;
        try {
            return new FilterExpr.Test(op, regex, Pattern.compile(pythonToJava(regex), flags), at);
        } catch (PatternSyntaxException e) {
            int where = argAt + (e.getIndex() >= 0 && q.startsWith(regex, argAt) ? Math.min(e.getIndex(), regex.length()) : 0);
            throw error(where, "bad regex '" + regex + "': " + e.getDescription(),
                    "escape regex characters with \\ (unquoted) or \\\\ (inside quotes)");
        }
    }

    /** A bare word that is a term of the other language. */
    private void mixing(String word, int at) throws BadQueryException {
        if (word.equals("AND") || word.equals("OR") || word.equals("NOT") || word.equals("&&") || word.equals("||")) {
            throw error(at, "'" + word + "' is an operator of the field query language, mixed into a ~ filter expression",
                    "in a ~ filter write & for AND, | for OR, ! for NOT (quote '" + word + "' to match it in URLs)");
        }
        int colon = word.indexOf(':');
        if (colon > 0) {
            String field = word.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
            if (luceneFields.contains(field) || field.startsWith("header.")) {
                throw error(at, "'" + word + "' is a field term of the field query language, mixed into a ~ filter expression",
                        "write the whole query in one language: " + suggestion(field, word.substring(colon + 1))
                                + ", or quote '" + word + "' to match it in URLs");
            }
        }
    }

    private static String suggestion(String field, String value) {
        return switch (field) {
            case "host" -> "~d " + value;
            case "method" -> "~m " + value;
            case "status" -> "~c " + value;
            case "body" -> "~b " + value;
            case "url", "path", "query" -> "~u " + value;
            case "client" -> "~src " + value;
            case "ctype" -> "~ts " + value;
            case "reqctype" -> "~tq " + value;
            case "since", "until" -> "--" + field + " " + value;
            default -> field.startsWith("header.") ? "~h '" + field.substring(7) + ": " + value + "'" : "drop the ~ operators and use fields only";
        };
    }

    /** Python-only regex syntax, translated to java.util.regex. */
    static String pythonToJava(String re) {
        return re.replace("(?P<", "(?<").replaceAll("\\(\\?P=(\\w+)\\)", "\\\\k<$1>").replace("\\Z", "\\z");
    }

    private void skipSpace() {
        while (!atEnd() && Character.isWhitespace(peek())) pos++;
    }

    private boolean atEnd() {
        return pos >= q.length();
    }

    private char peek() {
        return q.charAt(pos);
    }

    private BadQueryException error(int at, String reason, String hint) {
        return new BadQueryException(reason, q, at, hint);
    }
}
