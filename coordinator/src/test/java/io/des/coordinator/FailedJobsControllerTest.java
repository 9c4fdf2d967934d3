package io.des.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.coord.LocalJobLedger;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FailedJobsControllerTest {
  @Test
  void failedJobsAreListedAndARetryLetsTheNextScanOfferThemAgain() {
    LocalJobLedger ledger = new LocalJobLedger();
    ledger.offer("k1-a", "k1", 3, 30);
    ledger.failed("k1-a", "java.io.IOException: disk full");
    ledger.offer("k2-b", "k2", 1, 10);
    ledger.failed("k2-b", "boom");
    ledger.offer("k3-c", "k3", 1, 10);
    FailedJobsController controller = new FailedJobsController(ledger);

    assertThat(controller.failed(100)).extracting(m -> m.get("job")).containsExactlyInAnyOrder("k1-a", "k2-b");
    assertThat(controller.failed(100)).anySatisfy(m -> assertThat(m).containsEntry("cause", "java.io.IOException: disk full"));

    Map<String, Object> one = controller.retry("k1-a");
    assertThat(one).containsEntry("forgotten", 1L);
    assertThat(ledger.offer("k1-a", "k1", 3, 30)).as("offered anew by the next scan").isTrue();
    assertThat(controller.retry("k3-c")).as("a pending job is not a failed one").containsEntry("forgotten", 0L);

    assertThat(controller.retry(null)).containsEntry("forgotten", 1L);
    assertThat(controller.failed(100)).isEmpty();
  }
}
