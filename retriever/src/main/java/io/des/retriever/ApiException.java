package io.des.retriever;

import org.springframework.http.HttpStatus;

/** A request that gets an error status and an upstream-style {@code {"detail": ...}} body. */
class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final HttpStatus status;

  ApiException(HttpStatus status, String detail) {
    super(detail, null, false, false);
    this.status = status;
  }

  HttpStatus status() {
    return status;
  }
}
