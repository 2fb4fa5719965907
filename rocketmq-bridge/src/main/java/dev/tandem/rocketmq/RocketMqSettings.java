package dev.tandem.rocketmq;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.types.Password;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.remoting.RPCHook;

/** The options both bridge connectors share: where RocketMQ is, how to authenticate, how transient errors are retried. */
public final class RocketMqSettings {

    static final String GROUP = "RocketMQ";

    public static final String NAMESRV = "rocketmq.namesrv.addr";
    public static final String ACCESS_KEY = "rocketmq.access.key";
    public static final String SECRET_KEY = "rocketmq.secret.key";
    public static final String GROUP_NAME = "rocketmq.group";
    public static final String RETRY_BACKOFF = "rocketmq.retry.backoff.ms";
    public static final String RETRY_TIMEOUT = "rocketmq.retry.timeout.ms";

    private RocketMqSettings() {
    }

    /** The shared options, added to {@code def}. */
    static ConfigDef define(ConfigDef def, String defaultGroup) {
        return def
                .define(NAMESRV, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "RocketMQ name server address(es), host:port separated by ';'.", GROUP, 1, Width.LONG, "Name server")
                .define(ACCESS_KEY, Type.STRING, "", Importance.MEDIUM,
                        "ACL access key (empty: no ACL).", GROUP, 2, Width.MEDIUM, "Access key")
                .define(SECRET_KEY, Type.PASSWORD, "", Importance.MEDIUM,
                        "ACL secret key, with " + ACCESS_KEY + ".", GROUP, 3, Width.MEDIUM, "Secret key")
                .define(GROUP_NAME, Type.STRING, defaultGroup, Importance.LOW,
                        "Producer or consumer group; ${connector} is replaced by the connector's name.", GROUP, 4,
                        Width.MEDIUM, "Group")
                .define(RETRY_BACKOFF, Type.LONG, 1000L, ConfigDef.Range.atLeast(10), Importance.LOW,
                        "Wait between attempts after a transient error (the name server or broker down, restarting, "
                                + "busy, a timeout), ms.", GROUP, 5, Width.SHORT, "Retry backoff")
                .define(RETRY_TIMEOUT, Type.LONG, 600_000L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                        "How long transient errors are retried, ms. Sink: then the batch is handed back to Connect, "
                                + "which retries it; offsets never pass a message the broker has not acknowledged. "
                                + "Source: how long a task keeps trying to find its queues and their positions when "
                                + "it starts before it fails.", GROUP, 6, Width.SHORT, "Retry timeout");
    }

    /** The ACL hook for the configured credentials, or null without an access key. */
    static RPCHook aclHook(AbstractConfig config) {
        String access = config.getString(ACCESS_KEY);
        if (access == null || access.isBlank()) {
            return null;
        }
        Password secret = config.getPassword(SECRET_KEY);
        return new AclClientRPCHook(new SessionCredentials(access, secret.value()));
    }

    static String group(AbstractConfig config, String connectorName) {
        return config.getString(GROUP_NAME).replace("${connector}", connectorName == null ? "tandem" : connectorName)
                .replaceAll("[^A-Za-z0-9_%|-]", "_");
    }
}
