package io.des.retriever;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Tells Spring MVC that {@code GET} (and so {@code HEAD}) {@code /files/{uid}} exist, so that its
 * OPTIONS and 405 answers for the path list them beside DELETE. {@link FileReadFilter} answers
 * these requests before they reach Spring MVC; one that arrives here means the filter is missing.
 */
@RestController
class FileReadMapping {
  @GetMapping("/files/{*uid}")
  void get() {
    throw new IllegalStateException("GET /files/{uid} is answered by FileReadFilter, which is not registered");
  }
}
