package dev.tandem.common;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class StagedValidationTest {

    private static final ConfigDef OWN = new ConfigDef()
            .define("tandem.objects", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "tables")
            .define("tandem.count", ConfigDef.Type.INT, 1, ConfigDef.Importance.LOW, "a number");

    private static Map<String, ConfigValue> byName(List<ConfigValue> values) {
        return values.stream().collect(Collectors.toMap(ConfigValue::name, Function.identity()));
    }

    @Test
    void everyDocumentedOptionGetsAValueSoConnectCanAnswer400() {
        ConfigDef documented = new ConfigDef(OWN).define("database.protocol", ConfigDef.Type.STRING, "jdbc:mysql",
                ConfigDef.Importance.LOW, "an option of a wrapped connector that its validate did not answer");
        StagedValidation v = new StagedValidation(OWN, Map.of("tandem.objects", "shop.*"));
        Map<String, ConfigValue> result = byName(v.result(documented).configValues());
        assertThat(result).containsKeys("tandem.objects", "tandem.count", "database.protocol");
        assertThat(result.get("database.protocol").errorMessages()).isEmpty();
    }

    @Test
    void errorsStartWithTheirFieldUnlessKafkasOwnTextNamesIt() {
        StagedValidation v = new StagedValidation(OWN, Map.of("tandem.count", "many", "tandem.objects", "shop.*"));
        assertThat(v.clean()).isFalse();
        v.error("tandem.objects", "no table matches; use tandem.objects.exclude to leave tables out");
        Map<String, ConfigValue> result = byName(v.result().configValues());
        assertThat(result.get("tandem.objects").errorMessages())
                .containsExactly("tandem.objects: no table matches; use tandem.objects.exclude to leave tables out");
        assertThat(result.get("tandem.count").errorMessages()).singleElement().asString()
                .startsWith("Invalid value many for configuration tandem.count");
    }

    @Test
    void anotherCheckersAnswerFillsOnlyWhatIsMissingAndItsErrorsCanBeMoved() {
        StagedValidation v = new StagedValidation(OWN, Map.of("tandem.objects", "shop.*"));
        ConfigValue host = new ConfigValue("database.hostname");
        host.addErrorMessage("Unable to connect: Access denied");
        v.addAbsent(List.of(host, new ConfigValue("tandem.objects", "other", List.of(), List.of("not ours"))));
        assertThat(v.clean()).isFalse();
        v.clearErrors("database.hostname");
        assertThat(v.clean()).isTrue();
        assertThat(byName(v.result().configValues()).get("tandem.objects").value()).isEqualTo("shop.*");
    }

    @Test
    void eachStageRunsOnlyWhenTheOnesBeforeFoundNothing() {
        java.util.concurrent.atomic.AtomicInteger prechecks = new java.util.concurrent.atomic.AtomicInteger();
        Function<Map<String, String>, Map<String, String>> parse = props -> props;
        Map<String, ConfigValue> badField = byName(StagedValidation.run(OWN, Map.of("tandem.count", "many"), parse,
                c -> Map.of("tandem.objects", "never asked"), (c, v) -> prechecks.incrementAndGet()).configValues());
        assertThat(badField.get("tandem.objects").errorMessages()).as("the rules between fields wait for the fields")
                .noneMatch(m -> m.contains("never asked"));
        Map<String, ConfigValue> badRule = byName(StagedValidation.run(OWN, Map.of("tandem.objects", "shop.*"), parse,
                c -> Map.of("tandem.objects", "names no table"), (c, v) -> prechecks.incrementAndGet()).configValues());
        assertThat(badRule.get("tandem.objects").errorMessages()).singleElement().asString().contains("names no table");
        assertThat(prechecks).as("no precheck while a rule fails").hasValue(0);
        Map<String, ConfigValue> checked = byName(StagedValidation.run(OWN, Map.of("tandem.objects", "shop.*"), parse,
                c -> Map.of(), (c, v) -> v.errors(Map.of("tandem.objects", List.of("shop is not readable", "shop.t has no key"))))
                .configValues());
        assertThat(checked.get("tandem.objects").errorMessages()).hasSize(2);
    }
}
