package dev.tandem.common;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTextTest {

    @Test
    void quotesEscapesAndControlCharacters() {
        assertThat(JsonText.quoted("plain")).isEqualTo("\"plain\"");
        assertThat(JsonText.quoted("a\"b\\c\nd\te\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\te\\u0001\"");
        assertThat(JsonText.quoted("中文 😀")).isEqualTo("\"中文 😀\"");
    }
}
