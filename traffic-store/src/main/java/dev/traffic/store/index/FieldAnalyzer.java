package dev.traffic.store.index;

import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.DelegatingAnalyzerWrapper;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.util.CharTokenizer;

/**
 * One analyzer per field kind, used both to index and to parse queries, so {@code method:POST}
 * and {@code host:API.github.com} match: keyword fields are one lower-cased token (never split),
 * text fields ({@code body}, {@code text}, {@code error}, {@code url}) are split on anything that
 * is not a letter or digit and lower-cased (so {@code body:"api.github.com"} is a phrase).
 */
public final class FieldAnalyzer extends DelegatingAnalyzerWrapper {
    public static final Set<String> TEXT_FIELDS = Set.of(FlowFields.BODY, FlowFields.TEXT, FlowFields.ERROR, FlowFields.URL);
    private final Analyzer keyword = new KeywordLower();
    private final Analyzer words = new Words();

    public FieldAnalyzer() {
        super(PER_FIELD_REUSE_STRATEGY);
    }

    @Override
    protected Analyzer getWrappedAnalyzer(String fieldName) {
        return TEXT_FIELDS.contains(fieldName) ? words : keyword;
    }

    static final class KeywordLower extends Analyzer {
        @Override
        protected TokenStreamComponents createComponents(String fieldName) {
            Tokenizer t = new KeywordTokenizer();
            return new TokenStreamComponents(t, new LowerCaseFilter(t));
        }

        @Override
        protected TokenStream normalize(String fieldName, TokenStream in) {
            return new LowerCaseFilter(in);
        }
    }

    static final class Words extends Analyzer {
        @Override
        protected TokenStreamComponents createComponents(String fieldName) {
            Tokenizer t = CharTokenizer.fromTokenCharPredicate(Character::isLetterOrDigit);
            return new TokenStreamComponents(t, new LowerCaseFilter(t));
        }

        @Override
        protected TokenStream normalize(String fieldName, TokenStream in) {
            return new LowerCaseFilter(in);
        }
    }
}
