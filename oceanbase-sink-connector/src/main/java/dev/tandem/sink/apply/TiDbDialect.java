package dev.tandem.sink.apply;

import java.util.List;

/** TiDB (MySQL protocol). Optimistic-transaction write conflicts are retried. */
final class TiDbDialect implements Dialect {

    @Override
    public String name() {
        return "tidb";
    }

    @Override
    public String upsertClause(List<String> updated) {
        return Dialect.valuesFunctionUpsert(updated);
    }

    @Override
    public boolean isTransientCode(int code) {
        return Dialect.super.isTransientCode(code)
                || code == 9007 /* write conflict */ || code == 8022 /* transaction retry */
                || code == 8028 /* schema changed */ || code == 9005 /* region unavailable */
                || code == 9006 /* GC too early */ || code == 8027 /* schema outdated */;
    }
}
