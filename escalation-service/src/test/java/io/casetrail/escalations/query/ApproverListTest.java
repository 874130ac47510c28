package io.casetrail.escalations.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** The escalation view lists approvers in one column: any id reads back as it was written. */
class ApproverListTest {

    static String list(List<String> ids) {
        return ids.stream().map(EscalationQueries::listed).collect(Collectors.joining(","));
    }

    @Test
    void idsWithCommasAndBackslashesReadBackWhole() {
        List<String> ids = List.of("lead-lu", "CN=Lu,OU=Support,DC=acme", "domain\\mgr", "trailing\\", ",", "");
        assertThat(EscalationQueries.ids(list(ids))).isEqualTo(ids);
        assertThat(EscalationQueries.ids(list(List.of("CN=Lu,OU=Support")))).containsExactly("CN=Lu,OU=Support");
        // one who approved is not taken for another whose id is a part of theirs
        assertThat(EscalationQueries.ids(list(List.of("CN=Lu,OU=Support")))).doesNotContain("CN=Lu");
        assertThat(EscalationQueries.ids("")).isEmpty();
        assertThat(EscalationQueries.ids(null)).isEmpty();
    }
}
