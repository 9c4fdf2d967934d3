package io.des.retriever;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Tells Spring MVC that {@code GET} (and so {@code HEAD}) {@code /files/{uid}} exist, so that its
 * OPTIONS and 405 answers for the path list them beside DELETE. The {@link FrontServer} answers
 * these requests itself ({@link FileReads}); one arrives here only by the container's loopback port.
 */
@RestController
class FileReadMapping {
  @GetMapping("/files/{*uid}")
  void get() {
    throw new IllegalStateException("GET /files/{uid} is answered on the public port (FrontServer), not on the API's loopback port");
  }
}
