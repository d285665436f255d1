package dev.traffic.store.query;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The parsed form of a mitmproxy filter expression (see {@link FilterParser}): the tree that
 * {@link FlowFilter} evaluates on a flow, {@link FilterPrefilter} narrows with the index, and
 * other consumers (web UI, OpenSearch translation) may walk. Immutable.
 */
public sealed interface FilterExpr {
    /** All must match ({@code &} and juxtaposition). */
    record And(List<FilterExpr> items) implements FilterExpr {
        public And {
            items = List.copyOf(items);
        }

        @Override
        public String toString() {
            return items.stream().map(FilterExpr::parenthesize).collect(Collectors.joining(" and "));
        }
    }

    /** Any must match ({@code |}). */
    record Or(List<FilterExpr> items) implements FilterExpr {
        public Or {
            items = List.copyOf(items);
        }

        @Override
        public String toString() {
            return items.stream().map(FilterExpr::parenthesize).collect(Collectors.joining(" or "));
        }
    }

    /** {@code !item}. */
    record Not(FilterExpr item) implements FilterExpr {
        @Override
        public String toString() {
            return "not " + parenthesize(item);
        }
    }

    /**
     * One operator: {@code argument} is the regex text for {@link FilterOp.Arg#REGEX} operators (as
     * written, after unquoting), the decimal code for {@code ~c}, null otherwise; {@code pattern}
     * is the compiled regex (case-insensitive like mitmproxy's), null unless REGEX; {@code position}
     * is where the operator starts in the query (0-based).
     */
    record Test(FilterOp op, String argument, Pattern pattern, int position) implements FilterExpr {
        @Override
        public String toString() {
            return switch (op.arg()) {
                case NONE -> op.toString();
                case INT -> op + " " + argument;
                case REGEX -> op + " /" + argument + "/";
            };
        }
    }

    private static String parenthesize(FilterExpr e) {
        return e instanceof And || e instanceof Or ? "(" + e + ")" : e.toString();
    }
}
