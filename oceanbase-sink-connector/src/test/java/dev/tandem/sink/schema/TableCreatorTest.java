package dev.tandem.sink.schema;

import dev.tandem.common.select.TableId;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TableCreatorTest {

    private static Schema sourceTyped(Schema.Type type, String name, String sourceType, String length, String scale) {
        SchemaBuilder b = new SchemaBuilder(type).optional();
        if (name != null) {
            b.name(name);
        }
        b.parameter("__debezium.source.column.type", sourceType);
        if (length != null) {
            b.parameter("__debezium.source.column.length", length);
        }
        if (scale != null) {
            b.parameter("__debezium.source.column.scale", scale);
        }
        return b.build();
    }

    @Test
    void propagatedSourceTypesAreKept() {
        assertThat(TableCreator.columnType(sourceTyped(Schema.Type.STRING, null, "VARCHAR", "100", null), false)).isEqualTo("VARCHAR(100)");
        assertThat(TableCreator.columnType(sourceTyped(Schema.Type.INT64, null, "INT UNSIGNED", "10", null), false)).isEqualTo("INT UNSIGNED");
        assertThat(TableCreator.columnType(sourceTyped(Schema.Type.BYTES, Decimal.LOGICAL_NAME, "DECIMAL", "38", "10"), false))
                .isEqualTo("DECIMAL(38,10)");
        assertThat(TableCreator.columnType(sourceTyped(Schema.Type.INT64, "io.debezium.time.MicroTimestamp", "DATETIME", "26", null), false))
                .isEqualTo("DATETIME(6)");
        Schema enumSchema = SchemaBuilder.string().name("io.debezium.data.Enum").parameter("allowed", "small,large")
                .parameter("__debezium.source.column.type", "ENUM").build();
        assertThat(TableCreator.columnType(enumSchema, false)).isEqualTo("ENUM('small','large')");
    }

    @Test
    void withoutSourceTypesTheLogicalTypeDecides() {
        assertThat(TableCreator.columnType(Decimal.builder(2).parameter("connect.decimal.precision", "12").build(), false))
                .isEqualTo("DECIMAL(12,2)");
        assertThat(TableCreator.columnType(SchemaBuilder.int32().name("io.debezium.time.Date").build(), false)).isEqualTo("DATE");
        assertThat(TableCreator.columnType(SchemaBuilder.string().name("io.debezium.data.Json").build(), false)).isEqualTo("JSON");
        assertThat(TableCreator.columnType(SchemaBuilder.bytes().name("io.debezium.data.Bits").parameter("length", "10").build(), false))
                .isEqualTo("BIT(10)");
        assertThat(TableCreator.columnType(Schema.STRING_SCHEMA, true)).isEqualTo("VARCHAR(255)");
        assertThat(TableCreator.columnType(Schema.STRING_SCHEMA, false)).isEqualTo("LONGTEXT");
        assertThat(TableCreator.columnType(Schema.INT16_SCHEMA, false)).isEqualTo("SMALLINT");
    }

    @Test
    void theTableGetsTheRecordKeyAsPrimaryKeyAndNotNullWhereTheSchemaSaysSo() {
        Schema key = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();
        Schema row = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).field("name", Schema.OPTIONAL_STRING_SCHEMA)
                .field("qty", Schema.INT32_SCHEMA).build();
        assertThat(TableCreator.createTable(new TableId("shop", "orders"), key, row)).isEqualTo(
                "CREATE TABLE IF NOT EXISTS `shop`.`orders` (`id` BIGINT NOT NULL, `name` LONGTEXT NULL, `qty` INT NOT NULL, "
                        + "PRIMARY KEY (`id`)) CHARACTER SET utf8mb4");
    }
}
