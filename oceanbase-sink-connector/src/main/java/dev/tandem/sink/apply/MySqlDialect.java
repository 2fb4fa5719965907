package dev.tandem.sink.apply;

import java.util.List;

/** MySQL 8.0.19+: the row alias form, since VALUES() in ON DUPLICATE KEY UPDATE is deprecated from 8.0.20. */
final class MySqlDialect implements Dialect {

    @Override
    public String name() {
        return "mysql";
    }

    @Override
    public String upsertClause(List<String> updated) {
        StringBuilder sql = new StringBuilder(" AS tandem_new ON DUPLICATE KEY UPDATE ");
        for (int i = 0; i < updated.size(); i++) {
            String c = Dialect.quote(updated.get(i));
            sql.append(i == 0 ? "" : ", ").append(c).append(" = tandem_new.").append(c);
        }
        return sql.toString();
    }

    @Override
    public boolean loadsLocalData() {
        return true;
    }
}
