package io.casetrail.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StorableTextTest {

    @Test
    void nulAndLoneSurrogateHalvesAreMendedAndEverythingElseKept() {
        assertThat(StorableText.of(null)).isNull();
        String plain = "Ada \uD83D\uDE00 Admin";
        assertThat(StorableText.of(plain)).isSameAs(plain);
        assertThat(StorableText.of("a\u0000b")).isEqualTo("a\uFFFDb");
        assertThat(StorableText.of("cut \uD83D")).isEqualTo("cut \uFFFD");
        assertThat(StorableText.of("\uDE00 low first, then \uD83D\uDE00"))
                .isEqualTo("\uFFFD low first, then \uD83D\uDE00");
    }
}
