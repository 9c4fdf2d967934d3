package io.des.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** Translates AWS SDK exceptions into the storage exceptions that carry the retry class. */
final class S3Errors {
  private S3Errors() {}

  /** What the failed call was, which decides what a lost response means. */
  enum Call {
    /** Reads and metadata: a 404 means the blob is missing; anything transient is retryable. */
    READ,
    /** Idempotent writes (replace, delete, parts, aborts): a lost response is safe to retry. */
    WRITE,
    /** The exclusive commit: a lost response may hide our own success, so the outcome is unknown. */
    EXCLUSIVE_COMMIT
  }

  static boolean isNotFound(SdkException e) {
    return e instanceof AwsServiceException service
        && (service.statusCode() == 404 || "NoSuchKey".equals(errorCode(service)));
  }

  /** 412 (a conditional write lost) or 409 (S3 saw a concurrent conditional write to the key). */
  static boolean isPreconditionFailed(SdkException e) {
    if (!(e instanceof AwsServiceException service)) {
      return false;
    }
    String code = errorCode(service);
    return service.statusCode() == 412 || "PreconditionFailed".equals(code)
        || "ConditionalRequestConflict".equals(code);
  }

  static boolean isInvalidRange(SdkException e) {
    return e instanceof AwsServiceException service
        && (service.statusCode() == 416 || "InvalidRange".equals(errorCode(service)));
  }

  /** True if the SDK sent the request more than once, so an answer may be to our own attempt. */
  static boolean retried(SdkException e) {
    Integer attempts = e.numAttempts();
    return attempts != null && attempts > 1;
  }

  /**
   * The storage exception for a failed call; {@code operation} and {@code location} (an {@code
   * s3://bucket/key}) go into the message.
   */
  static StorageException translate(SdkException e, Call call, String operation, String location) {
    String message = "S3 " + operation + " of " + location + " failed: " + describe(e);
    if (e instanceof AwsServiceException service) {
      int status = service.statusCode();
      boolean throttled = service.isThrottlingException() || status == 429 || status == 503
          || "SlowDown".equals(errorCode(service));
      if (throttled) {
        return new RetryableStorageException(message, e); // rejected before anything was done
      }
      if (status >= 500) {
        // An internal error may come after the write was applied (S3 asks callers to retry).
        return call == Call.EXCLUSIVE_COMMIT
            ? outcomeUnknown(operation, location, e)
            : new RetryableStorageException(message, e);
      }
      return new StorageException(message, e);
    }
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException
        || (e instanceof SdkClientException && hasCause(e, IOException.class))) {
      // A refused connection proves nothing was sent, unless an earlier attempt was.
      if (call == Call.EXCLUSIVE_COMMIT && (retried(e) || !neverSent(e))) {
        return outcomeUnknown(operation, location, e);
      }
      return new RetryableStorageException(message, e);
    }
    if (e instanceof AbortedException || hasCause(e, InterruptedException.class)) {
      InterruptedIOException interrupted = new InterruptedIOException(message);
      interrupted.initCause(e);
      return new StorageException(message, interrupted);
    }
    return new StorageException(message, e);
  }

  static StorageOutcomeUnknownException outcomeUnknown(
      String operation, String location, Throwable cause) {
    return new StorageOutcomeUnknownException(
        "S3 " + operation + " of " + location + " may or may not have succeeded (" + describe(cause)
            + "); check whether the object exists, and with which content, before retrying",
        cause);
  }

  /** Failures before a byte reached the server: nothing can have been written. */
  private static boolean neverSent(Throwable e) {
    return hasCause(e, ConnectException.class) || hasCause(e, UnknownHostException.class)
        || hasCause(e, NoRouteToHostException.class);
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }

  private static String errorCode(AwsServiceException e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  private static String describe(Throwable e) {
    if (e instanceof AwsServiceException service) {
      String code = errorCode(service);
      return "HTTP " + service.statusCode() + (code == null ? "" : " " + code)
          + (service.requestId() == null ? "" : " (request id " + service.requestId() + ")");
    }
    String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof SdkException sdk && retried(sdk)) {
      text += " after " + sdk.numAttempts() + " attempts";
    }
    return text;
  }
}
