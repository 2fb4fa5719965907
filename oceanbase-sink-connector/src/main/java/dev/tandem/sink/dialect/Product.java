package dev.tandem.sink.dialect;

import java.util.Locale;
import dev.tandem.common.ServerKind;
import java.util.List;
import java.util.Set;

/** The destination products and what each does its own way. */
final class Product implements Dialect {

    /** MariaDB 10.6+: JSON columns are text (LONGTEXT with a check). */
    static final Dialect MARIADB = new Product(ServerKind.MARIADB, false, true, true, Set.of(),
            Set.of("PAGE_CHECKSUM", "TRANSACTIONAL", "PAGE_COMPRESSED", "PAGE_COMPRESSION_LEVEL", "ENCRYPTED",
                    "ENCRYPTION_KEY_ID", "IETF_QUOTES", "SEQUENCE"));

    /** MySQL 8.0.19+: the row alias form of the upsert, since VALUES() in ON DUPLICATE KEY UPDATE is deprecated from 8.0.20. */
    static final Dialect MYSQL = new Product(ServerKind.MYSQL, true, true, false, Set.of(),
            Set.of("ENCRYPTION", "AUTOEXTEND_SIZE", "INSERT_METHOD", "SECONDARY_ENGINE"));

    /** OceanBase in MySQL mode: its transaction errors come with OceanBase's own codes. */
    static final Dialect OCEANBASE = new Product(ServerKind.OCEANBASE, false, false, false, Set.of(
            4012 /* OB_TIMEOUT */, 4038 /* OB_NOT_MASTER */, 6002 /* OB_TRANS_ROLLBACKED */,
            6210 /* OB_TRANS_TIMEOUT (ob_trx_timeout) */, 6211 /* OB_TRANS_KILLED */, 6224 /* OB_TRANS_NEED_ROLLBACK */,
            4019 /* OB_EAGAIN */),
            // COMPRESSION is OceanBase's only: MySQL's takes other values ('zlib', 'lz4'), so an OceanBase table's would fail there
            Set.of("COMPRESSION", "REPLICA_NUM", "BLOCK_SIZE", "USE_BLOOM_FILTER", "TABLET_SIZE", "PCTFREE",
                    "PROGRESSIVE_MERGE_NUM", "TABLEGROUP", "STORAGE_FORMAT_VERSION", "ORGANIZATION", "DUPLICATE_SCOPE",
                    "TABLE_MODE", "LOCALITY", "PRIMARY_ZONE", "KV_ATTRIBUTES", "AUTO_INCREMENT_MODE",
                    "AUTO_INCREMENT_CACHE_SIZE", "LOB_INROW_THRESHOLD"));

    /** TiDB (MySQL protocol): optimistic-transaction write conflicts are retried. */
    static final Dialect TIDB = new Product(ServerKind.TIDB, false, false, false, Set.of(
            9007 /* write conflict */, 8022 /* transaction retry */, 8028 /* schema changed */,
            9005 /* region unavailable */, 9006 /* GC too early */, 8027 /* schema outdated */),
            Set.of("SHARD_ROW_ID_BITS", "PRE_SPLIT_REGIONS", "AUTO_ID_CACHE", "AUTO_RANDOM_BASE"));

    private final ServerKind kind;
    private final String name;
    private final boolean rowAliasUpsert;
    private final boolean loadsLocalData;
    private final boolean jsonIsText;
    private final Set<Integer> transientCodes;
    private final Set<String> tableOptions;

    private Product(ServerKind kind, boolean rowAliasUpsert, boolean loadsLocalData, boolean jsonIsText,
                    Set<Integer> transientCodes, Set<String> tableOptions) {
        this.kind = kind;
        this.name = kind.name().toLowerCase(Locale.ROOT);
        this.tableOptions = tableOptions;
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
    public ServerKind kind() {
        return kind;
    }

    @Override
    public Set<String> ownTableOptions() {
        return tableOptions;
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
