package io.casetrail.cases.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.casetrail.events.cases.ProductArea;

/** The configured rules a service starts with: a team name every view of a case can keep, or no start. */
class CaseRulesTest {

    private static CaseRules routedTo(String team) {
        Map<ProductArea, String> routing = CaseRules.defaultRouting();
        routing.put(ProductArea.MFA, team);
        return new CaseRules(CaseRules.defaults().sla(), CaseRules.defaults().autoCloseAfter(), routing);
    }

    @Test
    void aTeamNameOfUpTo255CharactersIsTaken() {
        assertThat(routedTo("m".repeat(255)).teamFor(ProductArea.MFA)).hasSize(255);
    }

    @Test
    void aLongerOrBlankTeamNameStopsTheServiceFromStarting() {
        assertThatThrownBy(() -> routedTo("m".repeat(256))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the team of product area MFA is to be 1 to 255 characters: 256");
        assertThatThrownBy(() -> routedTo(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the team of product area MFA is to be 1 to 255 characters: 1");
    }
}
