package io.des.retriever;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Upstream's {@code GET /health} and {@code GET /metrics}, kept for existing probes and scrapers;
 * the same data lives at {@code /actuator/health} and {@code /actuator/prometheus}.
 */
@RestController
class CompatibilityController {
  private static final MediaType PROMETHEUS_TEXT = MediaType.parseMediaType("text/plain; version=0.0.4; charset=utf-8");
  private final PrometheusMeterRegistry prometheus;

  CompatibilityController(PrometheusMeterRegistry prometheus) {
    this.prometheus = prometheus;
  }

  @GetMapping("/health")
  Map<String, String> health() {
    return Map.of("status", "ok");
  }

  @GetMapping("/metrics")
  ResponseEntity<String> metrics() {
    return ResponseEntity.ok().contentType(PROMETHEUS_TEXT).body(prometheus.scrape());
  }
}
