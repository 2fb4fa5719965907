package dev.tandem.sink.conflict;

import dev.tandem.common.select.TableId;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConflictSettingsTest {

    @Test
    void tablesHaveTheirOwnRulesAndTheOthersTheLinks() {
        ConflictSettings s = ConflictSettings.parse("last-writer-wins", "updated_at",
                List.of("shop.audit=ignore", "shop.ledger = fail", "shop.stock=last-writer-wins:version", "shop.x=last-writer-wins"),
                List.of("east", " west "), List.of("touched_at", "shop.stock.cached_total"), 24);
        assertThat(s.rule(TableId.parse("shop.audit"))).isEqualTo(new ConflictSettings.Rule(Strategy.IGNORE, ""));
        assertThat(s.rule(TableId.parse("shop.ledger")).strategy()).isEqualTo(Strategy.FAIL);
        assertThat(s.rule(TableId.parse("shop.stock"))).isEqualTo(new ConflictSettings.Rule(Strategy.LAST_WRITER_WINS, "version"));
        assertThat(s.rule(TableId.parse("shop.x")).column()).as("the link's column by default").isEqualTo("updated_at");
        assertThat(s.rule(TableId.parse("shop.account"))).isEqualTo(new ConflictSettings.Rule(Strategy.LAST_WRITER_WINS,
                "updated_at"));
        assertThat(s.regionOrder()).containsExactly("east", "west");
        assertThat(s.excluded(TableId.parse("shop.account"), "TOUCHED_AT")).isTrue();
        assertThat(s.excluded(TableId.parse("shop.account"), "updated_at")).isFalse();
        assertThat(s.excluded(TableId.parse("shop.stock"), "cached_total")).as("one table's column").isTrue();
        assertThat(s.excluded(TableId.parse("shop.account"), "cached_total")).isFalse();
    }

    @Test
    void theRegionOrderDecidesAlikeInEveryRegion() {
        ConflictSettings s = ConflictSettings.parse("region-priority", "", List.of(), List.of("north", "east"), List.of(), 1);
        assertThat(s.ranksBefore("north", "east")).isTrue();
        assertThat(s.ranksBefore("east", "north")).isFalse();
        assertThat(s.ranksBefore("east", "west")).as("a named region before one the order omits").isTrue();
        assertThat(s.ranksBefore("south", "west")).as("between unnamed regions, by name").isTrue();
        assertThat(s.ranksBefore("west", "south")).isFalse();
    }

    @Test
    void mistakesSayWhatIsExpected() {
        assertThatThrownBy(() -> ConflictSettings.parse("newest", "", List.of(), List.of(), List.of(), 1))
                .hasMessageContaining("'newest' is not a conflict strategy").hasMessageContaining("last-writer-wins");
        assertThatThrownBy(() -> ConflictSettings.parse("overwrite", "", List.of("shop.audit"), List.of(), List.of(), 1))
                .hasMessageContaining("is not db.table=strategy");
        assertThat(Strategy.LAST_WRITER_WINS.converges()).isTrue();
        assertThat(Strategy.IGNORE.converges()).isFalse();
        assertThat(ConflictType.UPDATE_ROW_CHANGED.label()).isEqualTo("update-row-changed");
    }
}
