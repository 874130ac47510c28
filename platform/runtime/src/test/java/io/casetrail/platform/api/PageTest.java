package io.casetrail.platform.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.casetrail.platform.errors.InvalidInput;

class PageTest {

    @Test
    void aCursorGivesBackItsParts() {
        assertThat(Page.parts(Page.cursor("12", "00100001"), 2)).containsExactly("12", "00100001");
        Page.At at = new Page.At(Instant.parse("2026-11-29T10:15:30.123456Z"), "c-1");
        assertThat(Page.At.of(at.cursor())).isEqualTo(at);
        assertThat(Page.At.of(null)).isNull();
    }

    @Test
    void whatNoListHandsOutIsA400NotA500() {
        assertThatThrownBy(() -> Page.parts("%%%", 1)).isInstanceOf(InvalidInput.class);
        assertThatThrownBy(() -> Page.parts(Page.cursor("a", "b", "c"), 2)).isInstanceOf(InvalidInput.class);
        assertThatThrownBy(() -> Page.At.of(Page.cursor("yesterday", "c-1"))).isInstanceOf(InvalidInput.class);
        // a NUL no cursor handed out holds, which PostgreSQL refuses in any text bound to a statement
        assertThatThrownBy(() -> Page.At.of(Page.cursor("2026-11-29T10:15:30Z", "c-1\u0000")))
                .isInstanceOf(InvalidInput.class);
        assertThatThrownBy(() -> Page.parts(Page.cursor("12", "\u0000"), 2)).isInstanceOf(InvalidInput.class);
        // a time Instant reads but no database column holds (PostgreSQL would fail on it, Jdbc could not bind it)
        assertThatThrownBy(() -> Page.At.of(Page.cursor("+1000000000-12-31T23:59:59Z", "c-1")))
                .isInstanceOf(InvalidInput.class);
        assertThatThrownBy(() -> Page.At.of(Page.cursor("-5000-01-01T00:00:00Z", "c-1")))
                .isInstanceOf(InvalidInput.class);
    }

    @Test
    void limitsAreOneToTheMaximumAndDefaultWhenNotAsked() {
        assertThat(Page.limit(null)).isEqualTo(Page.DEFAULT_LIMIT);
        assertThat(Page.limit(Page.MAX_LIMIT)).isEqualTo(Page.MAX_LIMIT);
        assertThatThrownBy(() -> Page.limit(0)).isInstanceOf(InvalidInput.class);
        assertThatThrownBy(() -> Page.limit(Page.MAX_LIMIT + 1)).isInstanceOf(InvalidInput.class);
    }

    @Test
    void aPageOfLimitPlusOneRowsPointsAfterItsLastShownRow() {
        Page<String> page = Page.of(List.of("a", "b", "c"), 2, item -> "after-" + item);
        assertThat(page.items()).containsExactly("a", "b");
        assertThat(page.next()).isEqualTo("after-b");
        assertThat(Page.of(List.of("a", "b"), 2, item -> "after-" + item).next()).isNull();
    }

    @Test
    void theKeysetQueryContinuesAfterTheCursorInTheListsOrder() {
        List<Object> parameters = new ArrayList<>(List.of("org-1"));
        Page.At at = new Page.At(Instant.parse("2026-11-29T10:15:30Z"), "t-1");
        String sql = Page.At.query("SELECT * FROM t WHERE org_id = ?", "created_at", "id", true, at, parameters, 10);
        assertThat(sql).isEqualTo("SELECT * FROM t WHERE org_id = ? AND (created_at < ? OR (created_at = ? AND"
                + " id < ?)) ORDER BY created_at DESC, id DESC LIMIT ?");
        assertThat(parameters).containsExactly("org-1", at.at(), at.at(), "t-1", 11);
    }
}
