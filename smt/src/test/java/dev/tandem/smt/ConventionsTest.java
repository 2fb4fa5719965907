package dev.tandem.smt;

import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every transformation and predicate this plugin declares documents itself as Connect expects. */
class ConventionsTest {

    private static List<String> declared(String service) throws IOException {
        try (InputStream in = ConventionsTest.class.getResourceAsStream("/META-INF/services/" + service)) {
            assertThat(in).as(service + " manifest").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
    }

    @Test
    void everyTransformAndPredicateHasOverviewDocAndConfigDef() throws Exception {
        List<String> classes = new java.util.ArrayList<>(declared("org.apache.kafka.connect.transforms.Transformation"));
        classes.addAll(declared("org.apache.kafka.connect.transforms.predicates.Predicate"));
        assertThat(classes).contains("dev.tandem.smt.filter.RowFilter", "dev.tandem.smt.rename.Rename",
                "dev.tandem.smt.format.MessageFormat", "dev.tandem.smt.origin.OriginTagger", "dev.tandem.smt.origin.OriginIs");
        for (String name : classes) {
            Class<?> type = Class.forName(name);
            Field overview = type.getField("OVERVIEW_DOC");
            Field config = type.getField("CONFIG_DEF");
            assertThat(Modifier.isStatic(overview.getModifiers()) && Modifier.isStatic(config.getModifiers())).as(name).isTrue();
            assertThat((String) overview.get(null)).as(name + " OVERVIEW_DOC").isNotBlank();
            ConfigDef def = (ConfigDef) config.get(null);
            assertThat(def.configKeys().values()).as(name + " options are documented")
                    .allSatisfy(k -> assertThat(k.documentation).as(k.name).isNotBlank());
        }
    }
}
