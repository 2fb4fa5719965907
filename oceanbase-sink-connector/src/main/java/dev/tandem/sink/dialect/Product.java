package dev.tandem.sink.dialect;

import java.util.List;
import java.util.Set;

/** The destination products and what each does its own way. */
final class Product implements Dialect {

    /** MariaDB 10.6+: JSON columns are text (LONGTEXT with a check). */
    static final Dialect MARIADB = new Product("mariadb", false, true, true, Set.of());

    /** MySQL 8.0.19+: the row alias form of the upsert, since VALUES() in ON DUPLICATE KEY UPDATE is deprecated from 8.0.20. */
    static final Dialect MYSQL = new Product("mysql", true, true, false, Set.of());

    /** OceanBase in MySQL mode: its transaction errors come with OceanBase's own codes. */
    static final Dialect OCEANBASE = new Product("oceanbase", false, false, false, Set.of(
            4012 /* OB_TIMEOUT */, 4038 /* OB_NOT_MASTER */, 6002 /* OB_TRANS_ROLLBACKED */,
            6210 /* OB_TRANS_TIMEOUT (ob_trx_timeout) */, 6211 /* OB_TRANS_KILLED */, 6224 /* OB_TRANS_NEED_ROLLBACK */,
            4019 /* OB_EAGAIN */));

    /** TiDB (MySQL protocol): optimistic-transaction write conflicts are retried. */
    static final Dialect TIDB = new Product("tidb", false, false, false, Set.of(
            9007 /* write conflict */, 8022 /* transaction retry */, 8028 /* schema changed */,
            9005 /* region unavailable */, 9006 /* GC too early */, 8027 /* schema outdated */));

    private final String name;
    private final boolean rowAliasUpsert;
    private final boolean loadsLocalData;
    private final boolean jsonIsText;
    private final Set<Integer> transientCodes;

    private Product(String name, boolean rowAliasUpsert, boolean loadsLocalData, boolean jsonIsText, Set<Integer> transientCodes) {
        this.name = name;
        this.rowAliasUpsert = rowAliasUpsert;
        this.loadsLocalData = loadsLocalData;
        this.jsonIsText = jsonIsText;
        this.transientCodes = transientCodes;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String upsertClause(List<String> updated) {
        if (!rowAliasUpsert) {
            return Dialect.valuesFunctionUpsert(updated);
        }
        StringBuilder sql = new StringBuilder(" AS tandem_new ON DUPLICATE KEY UPDATE ");
        for (int i = 0; i < updated.size(); i++) {
            String c = Dialect.quote(updated.get(i));
            sql.append(i == 0 ? "" : ", ").append(c).append(" = tandem_new.").append(c);
        }
        return sql.toString();
    }

    @Override
    public boolean loadsLocalData() {
        return loadsLocalData;
    }

    @Override
    public boolean jsonIsText() {
        return jsonIsText;
    }

    @Override
    public boolean isTransientCode(int code) {
        return Dialect.super.isTransientCode(code) || transientCodes.contains(code);
    }

    @Override
    public String toString() {
        return name;
    }
}
