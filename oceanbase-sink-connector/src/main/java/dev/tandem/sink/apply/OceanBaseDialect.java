package dev.tandem.sink.apply;

import java.util.List;

/** OceanBase in MySQL mode. Its transaction errors come with OceanBase's own codes. */
final class OceanBaseDialect implements Dialect {

    @Override
    public String name() {
        return "oceanbase";
    }

    @Override
    public String upsertClause(List<String> updated) {
        return Dialect.valuesFunctionUpsert(updated);
    }

    @Override
    public boolean isTransientCode(int code) {
        return Dialect.super.isTransientCode(code)
                || code == 4012 /* OB_TIMEOUT */ || code == 4038 /* OB_NOT_MASTER */
                || code == 6002 /* OB_TRANS_ROLLBACKED */ || code == 6210 /* OB_TRANS_TIMEOUT (ob_trx_timeout) */
                || code == 6211 /* OB_TRANS_KILLED */ || code == 6224 /* OB_TRANS_NEED_ROLLBACK */
                || code == 4019 /* OB_EAGAIN */;
    }
}
