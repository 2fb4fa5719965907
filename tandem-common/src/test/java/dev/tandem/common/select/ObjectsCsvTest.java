package dev.tandem.common.select;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObjectsCsvTest {

    @Test
    void readsNamesTargetsAndFiltersWithQuotingAndAnOptionalHeader() {
        String csv = "database,table,target,where\r\n"
                + "shop,orders,shop_copy.orders,\"`amount` > 100 AND `region` IN ('hz','sh')\"\n"
                + "shop,customers\n"
                + "\n"
                + "crm,\"acc,ounts\",,\"note = 'say \"\"hi\"\"'\"\n";
        List<ObjectsCsv.Entry> entries = ObjectsCsv.parse(csv);
        assertThat(entries).hasSize(3);
        assertThat(entries.get(0).source()).hasToString("shop.orders");
        assertThat(entries.get(0).target()).isEqualTo("shop_copy.orders");
        assertThat(entries.get(0).where()).isEqualTo("`amount` > 100 AND `region` IN ('hz','sh')");
        assertThat(entries.get(1).target()).isEmpty();
        assertThat(entries.get(1).where()).isEmpty();
        assertThat(entries.get(2).source()).hasToString("crm.acc,ounts");
        assertThat(entries.get(2).where()).isEqualTo("note = 'say \"hi\"'");
    }

    @Test
    void errorsNameTheRecordAndTheProblem() {
        assertThatThrownBy(() -> ObjectsCsv.parse("shop\n")).hasMessageContaining("record 1")
                .hasMessageContaining("expected database,table");
        assertThatThrownBy(() -> ObjectsCsv.parse("shop,orders\nshop,ord$$x\n")).hasMessageContaining("record 2")
                .hasMessageContaining("'$$'");
        assertThatThrownBy(() -> ObjectsCsv.parse("shop,orders,t$$1\n")).hasMessageContaining("target");
        assertThatThrownBy(() -> ObjectsCsv.parse("shop,\"orders\n")).hasMessageContaining("not closed");
        assertThatThrownBy(() -> ObjectsCsv.parse(",orders\n")).hasMessageContaining("must not be empty");
    }
}
