package io.des.retriever;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The front server's firewall: what Spring Security's StrictHttpFirewall refuses, refused before any lookup. */
class RequestPathsTest {

  @Test
  void refusesWhatTheFirewallRefuses() {
    for (String uri : new String[] {"/files/a;b", "/files/a%3Bb", "/files/a%3bb", "/files/a%2Fb", "/files/a%2fb", "/files/a%5Cb", "/files/a%2Eb",
        "/files/a\\b", "/files//a", "/files/a/../b", "/files/./a", "/files/a/..", "/files/a%00", "/files/a%0A", "/files/a%0d", "/files/a%",
        "/files/a%zz", "/files/a%c3", "/files/%E2%80%A8"}) {
      assertThatThrownBy(() -> RequestPaths.parse(uri + "?created_at=2024-01-01")).as(uri).isInstanceOf(RequestPaths.RejectedException.class)
          .hasMessageStartingWith("The request was rejected because");
    }
  }

  @Test
  void decodesThePathKeepingPlusAndTheQueryWithPlusAsSpace() throws Exception {
    RequestPaths.Parsed p = RequestPaths.parse("/files/docs/a+b%20c%25d.txt?created_at=2024-01-01T10:00:00+00:00&x=1");
    assertThat(p.path()).isEqualTo("/files/docs/a+b c%d.txt");
    assertThat(p.query().get("created_at")).containsExactly("2024-01-01T10:00:00 00:00");
    assertThat(RequestPaths.parse("/files/%C3%A9t%C3%A9?created_at=x").path()).isEqualTo("/files/été");
    assertThat(RequestPaths.parse("/files/ab?created_at=x;y").query().get("created_at")).as("a ';' in the query is data")
        .containsExactly("x;y");
  }
}
