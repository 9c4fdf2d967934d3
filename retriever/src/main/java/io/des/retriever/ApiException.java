package io.des.retriever;

import org.springframework.http.HttpStatus;

/** A request that gets an error status and an upstream-style {@code {"detail": ...}} body. */
class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final HttpStatus status;
  private final String retryAfter;

  ApiException(HttpStatus status, String detail) {
    this(status, detail, null);
  }

  ApiException(HttpStatus status, String detail, String retryAfter) {
    super(detail, null, false, false);
    this.status = status;
    this.retryAfter = retryAfter;
  }

  String retryAfter() {
    return retryAfter;
  }

  HttpStatus status() {
    return status;
  }
}
