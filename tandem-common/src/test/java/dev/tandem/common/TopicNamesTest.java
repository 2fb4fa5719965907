package dev.tandem.common;

import dev.tandem.common.select.TableId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TopicNamesTest {

    @Test
    void tableTopicsAreSpelledAsDebeziumSpellsThem() {
        assertThat(TopicNames.table("east", new TableId("shop", "order items"))).isEqualTo("east.shop.order_items");
        assertThat(TopicNames.collection("east", "shop.$tmp")).isEqualTo("east.shop._tmp");
    }

    @Test
    void aSubscriptionReadsTheTransactionTopicWhenItListsItOrItsRegexMatchesIt() {
        assertThat(TopicNames.readsTransactionTopic("east.shop.a, east.transaction", null)).isTrue();
        assertThat(TopicNames.readsTransactionTopic("east.shop.a", null)).isFalse();
        assertThat(TopicNames.readsTransactionTopic(null, "east\\.(shop\\..*|transaction)")).isTrue();
        assertThat(TopicNames.readsTransactionTopic(null, "east\\..*")).isTrue();
        assertThat(TopicNames.readsTransactionTopic(null, "east\\.shop\\..*")).isFalse();
        assertThat(TopicNames.readsTransactionTopic(null, "(east|north)\\..*")).as("no prefix to try").isFalse();
    }

    @Test
    void theLeadingPrefixIsTheLiteralBeforeTheFirstEscapedDot() {
        assertThat(TopicNames.leadingPrefix("east\\.shop\\..*")).contains("east");
        assertThat(TopicNames.leadingPrefix("dc-1_a\\..*")).contains("dc-1_a");
        assertThat(TopicNames.leadingPrefix("east.*")).isEmpty();
        assertThat(TopicNames.leadingPrefix("(east|west)\\..*")).isEmpty();
        assertThat(TopicNames.leadingPrefix(" ")).isEmpty();
    }
}
