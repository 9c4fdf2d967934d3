package io.des.coordinator;

import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /status}: the fleet's progress as this coordinator sees it (docs/fleet.md). */
@RestController
class StatusController {
  private final Leadership leadership;

  StatusController(Leadership leadership) {
    this.leadership = leadership;
  }

  @GetMapping(path = "/status", produces = "application/json")
  Map<String, Object> status() {
    return leadership.status();
  }
}
