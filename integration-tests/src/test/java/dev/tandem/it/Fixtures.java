package dev.tandem.it;

/** Tables and rows several integration tests share. */
final class Fixtures {

    /** A table with every common MySQL-family column type. */
    static final String ALL_TYPES_TABLE = """
            CREATE TABLE all_types (
              id BIGINT PRIMARY KEY,
              t_tiny TINYINT, t_small_u SMALLINT UNSIGNED, t_int INT, t_int_u INT UNSIGNED,
              t_big BIGINT, t_big_u BIGINT UNSIGNED,
              t_dec DECIMAL(38,10), t_float FLOAT, t_double DOUBLE,
              t_date DATE, t_time TIME(6), t_datetime DATETIME(6), t_ts TIMESTAMP(6) NULL,
              t_char CHAR(10), t_varchar VARCHAR(100), t_text TEXT, t_blob BLOB, t_json JSON,
              t_enum ENUM('small','large'), t_set SET('x','y','z'), t_bit BIT(10), t_null INT NULL
            ) CHARACTER SET utf8mb4""";

    /** Row 1: extreme and awkward values in every column. */
    static final String ALL_TYPES_ROW_1 = """
            INSERT INTO all_types VALUES (1, -128, 65535, -2147483648, 4294967295,
              -9223372036854775808, 18446744073709551615,
              1234567890123456789012345678.0123456789, 1.5, 2.718281828459045,
              '2024-02-29', '23:59:59.999999', '2024-02-29 12:34:56.123456', '2024-02-29 12:34:56.654321',
              'abc', 'héllo 😀 wörld', REPEAT('t', 1000), X'00FF10', '{"a": [1, 2, {"b": null}]}',
              'large', 'x,z', b'1010101010', NULL)""";

    /** Row 2: NULL wherever a column allows it. */
    static final String ALL_TYPES_ROW_2 = "INSERT INTO all_types (id, t_varchar) VALUES (2, 'second')";

    private Fixtures() {
    }
}
