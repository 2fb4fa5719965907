package dev.tandem.docker;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Prometheus alert rules, checked and unit-tested by Prometheus's own {@code promtool}
 * (Debian package {@code prometheus}): every rule parses, and every alert has test cases in
 * {@code prometheus/tandem-alerts.test.yml} that fire it, and cases that must not.
 */
class AlertRulesTest {

    private static final Path DIR = Path.of(System.getProperty("user.dir"), "prometheus");
    /** OceanBase Migration Service's alerts, each matched by one of ours (label oms_alert). */
    private static final List<String> OMS_ALERTS = List.of("oms_migration_failed", "oms_migration_delay", "oms_sync_failed",
            "oms_sync_status_inconsistent", "oms_sync_delay");

    @Test
    void promtoolChecksTheRulesAndPassesTheirTests() throws Exception {
        assertThat(promtool("check", "rules", "tandem-alerts.yml")).contains("SUCCESS: 14 rules found");
        assertThat(promtool("test", "rules", "tandem-alerts.test.yml")).contains("SUCCESS");
        assertThat(promtool("check", "config", "prometheus.yml")).contains("SUCCESS");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertIsTestedAndTheFiveAlertsOfOceanBaseMigrationServiceAreMatched() throws IOException {
        Set<String> alerts = new LinkedHashSet<>();
        Set<String> oms = new LinkedHashSet<>();
        Set<String> severities = new LinkedHashSet<>();
        Map<String, Object> rules = new Yaml().load(Files.readString(DIR.resolve("tandem-alerts.yml")));
        for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                alerts.add((String) rule.get("alert"));
                Map<String, String> labels = (Map<String, String>) rule.get("labels");
                if (labels.containsKey("oms_alert")) {
                    oms.add(labels.get("oms_alert"));
                }
                if (String.valueOf(rule.get("alert")).endsWith("Delay")) {
                    severities.add(rule.get("alert") + "/" + labels.get("severity"));
                }
            }
        }
        assertThat(oms).containsExactlyInAnyOrderElementsOf(OMS_ALERTS);
        assertThat(severities).as("three levels of delay").containsExactlyInAnyOrder("TandemMigrationDelay/info",
                "TandemMigrationDelay/warning", "TandemMigrationDelay/critical", "TandemSyncDelay/info",
                "TandemSyncDelay/warning", "TandemSyncDelay/critical");
        assertThat(alerts).contains("TandemLinkStalled", "TandemDeadLetterQueueGrowing", "TandemConflicts",
                "TandemVerificationMismatch", "TandemBinlogRetentionLow");

        Set<String> firedInTests = new LinkedHashSet<>();
        Map<String, Object> tests = new Yaml().load(Files.readString(DIR.resolve("tandem-alerts.test.yml")));
        for (Map<String, Object> test : (List<Map<String, Object>>) tests.get("tests")) {
            for (Map<String, Object> check : (List<Map<String, Object>>) test.get("alert_rule_test")) {
                if (!((List<?>) check.get("exp_alerts")).isEmpty()) {
                    firedInTests.add((String) check.get("alertname"));
                }
            }
        }
        assertThat(firedInTests).as("alerts with a test case that fires them").containsExactlyInAnyOrderElementsOf(alerts);
    }

    /** Runs promtool in the rules' folder; fails with its output when it exits non-zero. */
    private static String promtool(String... args) throws Exception {
        Path promtool = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
                .map(d -> Path.of(d, "promtool")).filter(Files::isExecutable).findFirst().orElse(Path.of("/usr/bin/promtool"));
        assertThat(promtool).as("promtool, from Debian's prometheus package (apt-get install prometheus; .ci/run installs it)")
                .isExecutable();
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool " + String.join(" ", args) + ":\n" + out).isZero();
        return out;
    }
}
