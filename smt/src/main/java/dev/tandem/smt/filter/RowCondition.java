package dev.tandem.smt.filter;

import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.DateTimeLiteralExpression;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.ComparisonOperator;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.parser.TokenMgrException;
import net.sf.jsqlparser.schema.Column;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A WHERE-style condition compiled for evaluation on a row image. Parsing is JSqlParser's (a kept
 * library with MySQL syntax, so quoting, escapes and operator precedence are the database's);
 * evaluation is ours, over a small tree: comparisons, IN, BETWEEN, LIKE, IS [NOT] NULL, AND, OR,
 * NOT and parentheses over columns and numeric, string and temporal literals. SQL's three-valued
 * logic holds: a comparison with NULL is unknown, and only a condition that is true keeps a row.
 */
public final class RowCondition {

    /** Reads one column of a row image; {@link #has} tells a missing column from a NULL one. */
    public interface Row {
        boolean has(String column);

        /** The column's value as {@link Values#comparable} makes it. */
        Object value(String column);
    }

    private final String text;
    private final Node root;
    private final Set<String> columns;
    private final boolean caseInsensitive;

    private RowCondition(String text, Node root, Set<String> columns, boolean caseInsensitive) {
        this.text = text;
        this.root = root;
        this.columns = columns;
        this.caseInsensitive = caseInsensitive;
    }

    /**
     * Parses a condition.
     *
     * @param caseInsensitive compare strings ignoring case, as the default collations of MySQL,
     *                        MariaDB and OceanBase do
     * @throws IllegalArgumentException with the column (1-based) where parsing failed, or the construct that is not supported
     */
    public static RowCondition parse(String condition, boolean caseInsensitive) {
        if (condition == null || condition.isBlank()) {
            throw new IllegalArgumentException("the condition is empty");
        }
        Expression expression;
        try {
            CCJSqlParser parser = CCJSqlParserUtil.newParser(condition).withBackslashEscapeCharacter(true);
            expression = parser.Expression();
            Token rest = parser.getNextToken();
            if (rest.kind != CCJSqlParserConstants.EOF) {
                throw new IllegalArgumentException("cannot parse the condition at column " + rest.beginColumn + ", near '"
                        + rest.image + "': " + marked(condition, rest.beginColumn));
            }
        } catch (ParseException e) {
            throw new IllegalArgumentException(parseError(condition, e), e);
        } catch (TokenMgrException e) {
            throw new IllegalArgumentException(parseError(condition, e), e);
        }
        Set<String> columns = new LinkedHashSet<>();
        Node root = new Compiler(columns, caseInsensitive).predicate(expression);
        return new RowCondition(condition.trim(), root, columns, caseInsensitive);
    }

    private static String parseError(String condition, Exception e) {
        if (e instanceof ParseException pe && pe.currentToken != null) {
            Token bad = pe.currentToken.next != null ? pe.currentToken.next : pe.currentToken;
            String near = bad.kind == CCJSqlParserConstants.EOF ? "the end" : "'" + bad.image + "'";
            int column = bad.kind == CCJSqlParserConstants.EOF ? condition.length() + 1 : bad.beginColumn;
            return "cannot parse the condition at column " + column + ", near " + near + ": " + marked(condition, column);
        }
        Matcher m = Pattern.compile("line (\\d+), column (\\d+)").matcher(String.valueOf(e.getMessage()));
        if (m.find()) {
            int column = Integer.parseInt(m.group(2));
            return "cannot parse the condition at column " + column + ": " + marked(condition, column);
        }
        return "cannot parse the condition: " + firstLine(e.getMessage());
    }

    private static String marked(String condition, int column) {
        int at = Math.max(0, Math.min(condition.length(), column - 1));
        return condition.substring(0, at) + "▶" + condition.substring(at);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** True only when the condition holds (false and unknown both reject the row). */
    public boolean test(Row row) {
        return Boolean.TRUE.equals(root.eval(row, this));
    }

    /** The columns the condition reads, as written (without quotes). */
    public Set<String> columns() {
        return columns;
    }

    @Override
    public String toString() {
        return text;
    }

    // ---- the evaluation tree -------------------------------------------------------------------

    /** A predicate gives TRUE, FALSE or null (unknown); a value node gives a comparable or null. */
    private interface Node {
        Object eval(Row row, RowCondition c);
    }

    private record ColumnRef(String name) implements Node {
        @Override
        public Object eval(Row row, RowCondition c) {
            if (!row.has(name)) {
                throw new MissingColumnException(name);
            }
            return row.value(name);
        }
    }

    private record Literal(Object value) implements Node {
        @Override
        public Object eval(Row row, RowCondition c) {
            return value;
        }
    }

    private record And(Node left, Node right) implements Node {
        @Override
        public Object eval(Row row, RowCondition c) {
            Object l = left.eval(row, c);
            if (Boolean.FALSE.equals(l)) {
                return false;
            }
            Object r = right.eval(row, c);
            if (Boolean.FALSE.equals(r)) {
                return false;
            }
            return l == null || r == null ? null : Boolean.TRUE;
        }
    }

    private record Or(Node left, Node right) implements Node {
        @Override
        public Object eval(Row row, RowCondition c) {
            Object l = left.eval(row, c);
            if (Boolean.TRUE.equals(l)) {
                return true;
            }
            Object r = right.eval(row, c);
            if (Boolean.TRUE.equals(r)) {
                return true;
            }
            return l == null || r == null ? null : Boolean.FALSE;
        }
    }

    private record Not(Node inner) implements Node {
        @Override
        public Object eval(Row row, RowCondition c) {
            Object v = inner.eval(row, c);
            return v == null ? null : !((Boolean) v);
        }
    }

    private record Compare(String op, Node left, Node right) implements Node {
        @Override
        public Object eval(Row row, RowCondition c) {
            Integer cmp = Values.compare(left.eval(row, c), right.eval(row, c), c.caseInsensitive);
            if (cmp == null) {
                return null;
            }
            return switch (op) {
                case "=" -> cmp == 0;
                case "<>", "!=" -> cmp != 0;
                case "<" -> cmp < 0;
                case "<=" -> cmp <= 0;
                case ">" -> cmp > 0;
                case ">=" -> cmp >= 0;
                default -> throw new IllegalStateException(op);
            };
        }
    }

    private record In(Node left, List<Node> list, boolean not) implements Node {
        @Override
        public Object eval(Row row, RowCondition c) {
            Object v = left.eval(row, c);
            boolean unknown = v == null;
            if (!unknown) {
                for (Node n : list) {
                    Integer cmp = Values.compare(v, n.eval(row, c), c.caseInsensitive);
                    if (cmp == null) {
                        unknown = true;
                    } else if (cmp == 0) {
                        return !not;
                    }
                }
            }
            return unknown ? null : not;
        }
    }

    private record BetweenNode(Node value, Node low, Node high, boolean not) implements Node {
        @Override
        public Object eval(Row row, RowCondition c) {
            Object v = value.eval(row, c);
            Integer lo = Values.compare(v, low.eval(row, c), c.caseInsensitive);
            Integer hi = Values.compare(v, high.eval(row, c), c.caseInsensitive);
            if ((lo != null && lo < 0) || (hi != null && hi > 0)) {
                return not; // outside, whatever the unknown side says
            }
            return lo == null || hi == null ? null : !not;
        }
    }

    private record Like(Node value, Pattern pattern, boolean not) implements Node {
        @Override
        public Object eval(Row row, RowCondition c) {
            Object v = value.eval(row, c);
            if (v == null) {
                return null;
            }
            return not != pattern.matcher(Values.text(v)).matches();
        }
    }

    private record IsNull(Node value, boolean not) implements Node {
        @Override
        public Object eval(Row row, RowCondition c) {
            return not != (value.eval(row, c) == null);
        }
    }

    /** Thrown when a row lacks a column the condition reads. */
    public static final class MissingColumnException extends RuntimeException {
        private final String column;

        MissingColumnException(String column) {
            super("the row has no column `" + column + "`");
            this.column = column;
        }

        public String column() {
            return column;
        }
    }

    // ---- from JSqlParser's tree to ours ---------------------------------------------------------

    private static final class Compiler {
        private static final String SUPPORTED = "supported: =, <>, !=, <, <=, >, >=, [NOT] IN (...), [NOT] BETWEEN, "
                + "[NOT] LIKE [ESCAPE], IS [NOT] NULL, AND, OR, NOT, parentheses, columns and numeric, string, "
                + "DATE/TIME/TIMESTAMP literals";
        private final Set<String> columns;
        private final boolean caseInsensitive;

        Compiler(Set<String> columns, boolean caseInsensitive) {
            this.columns = columns;
            this.caseInsensitive = caseInsensitive;
        }

        Node predicate(Expression e) {
            if (e instanceof Parenthesis p) {
                return predicate(p.getExpression());
            }
            if (e instanceof ParenthesedExpressionList<?> list && list.size() == 1) {
                return predicate(list.get(0));
            }
            if (e instanceof AndExpression and) {
                return new And(predicate(and.getLeftExpression()), predicate(and.getRightExpression()));
            }
            if (e instanceof OrExpression or) {
                return new Or(predicate(or.getLeftExpression()), predicate(or.getRightExpression()));
            }
            if (e instanceof NotExpression not) {
                return new Not(predicate(not.getExpression()));
            }
            if (e instanceof ComparisonOperator cmp) {
                return new Compare(cmp.getStringExpression(), value(cmp.getLeftExpression()), value(cmp.getRightExpression()));
            }
            if (e instanceof InExpression in) {
                if (!(in.getRightExpression() instanceof ExpressionList<?> list)) {
                    throw unsupported(e, "IN takes a list of literals");
                }
                List<Node> items = new ArrayList<>();
                for (Expression item : list) {
                    items.add(value(item));
                }
                return new In(value(in.getLeftExpression()), items, in.isNot());
            }
            if (e instanceof Between b) {
                return new BetweenNode(value(b.getLeftExpression()), value(b.getBetweenExpressionStart()),
                        value(b.getBetweenExpressionEnd()), b.isNot());
            }
            if (e instanceof LikeExpression like) {
                if (like.getLikeKeyWord() != LikeExpression.KeyWord.LIKE) {
                    throw unsupported(e, like.getLikeKeyWord() + " is not LIKE");
                }
                if (!(like.getRightExpression() instanceof StringValue pattern)) {
                    throw unsupported(e, "LIKE takes a string literal pattern");
                }
                char escape = '\\';
                if (like.getEscape() != null) {
                    if (!(like.getEscape() instanceof StringValue esc) || Strings.unescape(esc.getValue()).length() != 1) {
                        throw unsupported(e, "ESCAPE takes a one-character string");
                    }
                    escape = Strings.unescape(esc.getValue()).charAt(0);
                }
                return new Like(value(like.getLeftExpression()),
                        Strings.likePattern(Strings.unescapeKeepingLikeEscapes(pattern.getValue()), escape, caseInsensitive),
                        like.isNot());
            }
            if (e instanceof IsNullExpression isNull) {
                return new IsNull(value(isNull.getLeftExpression()), isNull.isNot());
            }
            throw unsupported(e, "not a condition");
        }

        Node value(Expression e) {
            if (e instanceof Parenthesis p) {
                return value(p.getExpression());
            }
            if (e instanceof ParenthesedExpressionList<?> list && list.size() == 1) {
                return value(list.get(0));
            }
            if (e instanceof Column column) {
                if (column.getTable() != null && column.getTable().getName() != null) {
                    throw unsupported(e, "columns are named without a table");
                }
                String name = Strings.unquoteIdentifier(column.getColumnName());
                String upper = name.toUpperCase(Locale.ROOT);
                if (!column.getColumnName().startsWith("`") && (upper.equals("TRUE") || upper.equals("FALSE"))) {
                    return new Literal(upper.equals("TRUE") ? BigDecimal.ONE : BigDecimal.ZERO);
                }
                columns.add(name);
                return new ColumnRef(name);
            }
            if (e instanceof LongValue l) {
                return new Literal(new BigDecimal(l.getStringValue()));
            }
            if (e instanceof DoubleValue d) {
                return new Literal(new BigDecimal(d.toString()));
            }
            if (e instanceof StringValue s) {
                return new Literal(Strings.unescape(s.getValue()));
            }
            if (e instanceof NullValue) {
                return new Literal(null);
            }
            if (e instanceof BooleanValue b) {
                return new Literal(b.getValue() ? BigDecimal.ONE : BigDecimal.ZERO);
            }
            if (e instanceof CastExpression cast && cast.getLeftExpression() instanceof StringValue text
                    && cast.getColDataType() != null) {
                return temporal(e, cast.getColDataType().getDataType(), Strings.unescape(text.getValue()));
            }
            if (e instanceof SignedExpression signed && (signed.getExpression() instanceof LongValue
                    || signed.getExpression() instanceof DoubleValue)) {
                BigDecimal v = (BigDecimal) ((Literal) value(signed.getExpression())).value();
                return new Literal(signed.getSign() == '-' ? v.negate() : v);
            }
            if (e instanceof DateTimeLiteralExpression dt) {
                String raw = dt.getValue();
                String inner = raw.length() >= 2 && (raw.startsWith("'") || raw.startsWith("\"")) ? raw.substring(1, raw.length() - 1) : raw;
                return temporal(e, dt.getType().name(), inner);
            }
            throw unsupported(e, "not a column or a literal");
        }

        /** A {@code DATE '...'}, {@code TIME '...'}, {@code TIMESTAMP '...'} or {@code DATETIME '...'} literal. */
        private static Node temporal(Expression e, String type, String text) {
            try {
                return new Literal(switch (type.toUpperCase(Locale.ROOT)) {
                    case "DATE" -> Values.parseDate(text);
                    case "TIME" -> Values.parseTime(text);
                    case "TIMESTAMP", "DATETIME" -> Values.parseDateTime(text);
                    default -> throw unsupported(e, "only DATE, TIME, TIMESTAMP and DATETIME literals are typed");
                });
            } catch (RuntimeException ex) {
                if (ex instanceof IllegalArgumentException iae && iae.getMessage() != null && iae.getMessage().contains("not supported")) {
                    throw iae;
                }
                throw unsupported(e, "not a valid " + type + " literal");
            }
        }

        private static IllegalArgumentException unsupported(Expression e, String why) {
            return new IllegalArgumentException("'" + e + "' is not supported (" + why + "); " + SUPPORTED);
        }
    }
}
