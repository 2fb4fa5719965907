package dev.tandem.verifier;

import dev.tandem.common.select.ObjectSelection;
import dev.tandem.common.select.TableMapping;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code verifier/verify.sh}: compares a destination with its source and prints, writes and optionally applies the result. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Compares destination tables with their source row by row (chunked digests, then the rows of chunks "
                + "that differ), re-checks differences while replication runs, and writes a report and repair SQL.%n"
                + "Exit status: 0 clean, 1 differences found, 2 tables that could not be compared.")
public final class VerifierCli implements Callable<Integer> {

    @Option(names = "--source-url", required = true, description = "JDBC URL of the source, e.g. jdbc:mariadb://east:3306/")
    String sourceUrl;
    @Option(names = "--source-user", required = true)
    String sourceUser;
    @Option(names = "--source-password", description = "default: environment variable TANDEM_SOURCE_PASSWORD",
            defaultValue = "${env:TANDEM_SOURCE_PASSWORD}")
    String sourcePassword;
    @Option(names = "--dest-url", required = true, description = "JDBC URL of the destination")
    String destUrl;
    @Option(names = "--dest-user", required = true)
    String destUser;
    @Option(names = "--dest-password", description = "default: environment variable TANDEM_DEST_PASSWORD",
            defaultValue = "${env:TANDEM_DEST_PASSWORD}")
    String destPassword;
    @Option(names = "--objects", split = ",", description = "tables to compare, as the source's tandem.objects: db.table with "
            + "* and ? wildcards (default: every table)")
    List<String> objects = new ArrayList<>();
    @Option(names = "--exclude", split = ",", description = "tables to leave out, same rules")
    List<String> exclude = new ArrayList<>();
    @Option(names = "--rename", split = ",", description = "destination names, as the Rename SMT's tables option: "
            + "src_db.*->dst_db.*")
    List<String> renames = new ArrayList<>();
    @Option(names = "--filter", description = "a link's row filter, db.table=condition as the RowFilter SMT's (e.g. "
            + "'shop.orders_*=amount > 100'): only source rows it keeps are expected in the destination; repeatable")
    List<String> filters = new ArrayList<>();
    @Option(names = "--chunk-size", defaultValue = "10000", description = "source rows per chunk (default ${DEFAULT-VALUE})")
    int chunkSize;
    @Option(names = "--concurrency", defaultValue = "normal",
            description = "smooth (1), normal (2), fast (4), or a number of chunks compared at once (default ${DEFAULT-VALUE})")
    String concurrency;
    @Option(names = "--max-rows-per-second", defaultValue = "0", description = "rows read per second, both sides (0: no limit)")
    long maxRowsPerSecond;
    @Option(names = "--recheck-delay", defaultValue = "PT5S",
            description = "wait before reading a differing row again (ISO-8601, default ${DEFAULT-VALUE}; about the link's lag)")
    Duration recheckDelay;
    @Option(names = "--recheck-attempts", defaultValue = "3", description = "re-reads before a difference is reported "
            + "(0 when nothing replicates; default ${DEFAULT-VALUE})")
    int recheckAttempts;
    @Option(names = "--json", description = "write the JSON report here")
    Path json;
    @Option(names = "--repair-sql", description = "write the repair SQL here")
    Path repairSql;
    @Option(names = "--apply-repair", description = "execute the repair SQL on the destination")
    boolean applyRepair;
    @Option(names = "--status-kafka", description = "Kafka bootstrap servers of a Connect cluster running the status extension: "
            + "the result is written to its status topic, where the link's verification step and switchover readiness read it")
    String statusKafka;
    @Option(names = "--status-topic", description = "that status topic (__tandem-status.<the workers' group.id>)")
    String statusTopic;
    @Option(names = "--link", description = "the link verified, as the status API names it (its source connector's name)")
    String link;

    @Override
    public Integer call() throws Exception {
        int threads = concurrency.matches("\\d+") ? Integer.parseInt(concurrency) : Verifier.Options.concurrencyOf(concurrency);
        List<TableMapping> mappings = renames.stream().map(r -> TableMapping.parse(r, false)).toList();
        Verifier.Options options = new Verifier.Options(sourceUrl, sourceUser, sourcePassword, destUrl, destUser, destPassword,
                ObjectSelection.of(objects, exclude), mappings, filters.stream().map(Verifier.Filter::parse).toList(), chunkSize,
                threads, maxRowsPerSecond, recheckDelay,
                recheckAttempts, applyRepair);
        if (statusKafka != null && (statusTopic == null || link == null)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--status-kafka needs --status-topic and --link");
        }
        long startedAt = System.currentTimeMillis();
        Report report = new Verifier(options).run();
        if (statusKafka != null) {
            StatusReport.publish(statusKafka, statusTopic, link, report, startedAt, System.currentTimeMillis());
            System.out.println("Result written to " + statusTopic + " for link " + link);
        }
        System.out.print(report.summary());
        if (json != null) {
            Files.writeString(json, report.toJson());
        }
        if (repairSql != null) {
            Files.writeString(repairSql, report.repairSql());
        }
        if (applyRepair && report.differences() > 0) {
            System.out.println("Repair SQL applied to the destination; run again to confirm.");
        }
        return report.errors() > 0 ? 2 : report.differences() > 0 ? 1 : 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new VerifierCli()).execute(args));
    }
}
