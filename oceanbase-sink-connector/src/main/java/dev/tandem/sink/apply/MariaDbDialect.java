package dev.tandem.sink.apply;

import java.util.List;

/** MariaDB 10.6+. */
final class MariaDbDialect implements Dialect {

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public String upsertClause(List<String> updated) {
        return Dialect.valuesFunctionUpsert(updated);
    }

    @Override
    public boolean loadsLocalData() {
        return true;
    }

    @Override
    public boolean jsonIsText() {
        return true;
    }
}
