package io.des.storage;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how an {@link S3BlobStore} talks to S3: a validated, immutable configuration. Build it
 * with {@link #builder(String)} or parse an {@code s3://bucket/prefix} location with {@link
 * #fromLocation(String, Map)}.
 *
 * @param bucket the bucket name
 * @param prefix the key prefix under which the store lives, normalized to {@code a/b} (no leading
 *     or trailing slash), or {@code ""} for the bucket root
 * @param endpoint an endpoint override (S3-compatible servers), or {@code null} for AWS
 * @param region the signing region
 * @param pathStyle whether to address the bucket in the path rather than the host name
 * @param accessKey a static access key, or {@code null} for the SDK's default credentials chain
 * @param secretKey the secret of {@code accessKey}, or {@code null}
 * @param partSizeBytes multipart part size, and the largest blob written with a single PUT
 * @param apiCallTimeout limit on one API call including the SDK's retries
 * @param maxAttempts SDK attempts per call (1 disables SDK retries)
 */
public record S3StoreConfig(
    String bucket,
    String prefix,
    URI endpoint,
    String region,
    boolean pathStyle,
    String accessKey,
    String secretKey,
    int partSizeBytes,
    Duration apiCallTimeout,
    int maxAttempts) {

  public static final int MIN_PART_SIZE = 5 * 1024 * 1024;
  public static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;
  public static final String DEFAULT_REGION = "us-east-1";

  public S3StoreConfig {
    Objects.requireNonNull(bucket, "bucket");
    if (bucket.isEmpty() || bucket.contains("/")) {
      throw new IllegalArgumentException("Invalid S3 bucket name: '" + bucket + "'");
    }
    prefix = normalizePrefix(prefix == null ? "" : prefix);
    Objects.requireNonNull(region, "region");
    if ((accessKey == null) != (secretKey == null)) {
      throw new IllegalArgumentException(
          "S3 access key and secret key must be given together, for bucket " + bucket);
    }
    if (partSizeBytes < MIN_PART_SIZE) {
      throw new IllegalArgumentException(
          "S3 part size " + partSizeBytes + " is below the minimum of " + MIN_PART_SIZE + " bytes");
    }
    Objects.requireNonNull(apiCallTimeout, "apiCallTimeout");
    if (apiCallTimeout.isNegative() || apiCallTimeout.isZero()) {
      throw new IllegalArgumentException("S3 API call timeout must be positive: " + apiCallTimeout);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("S3 max attempts must be at least 1: " + maxAttempts);
    }
  }

  public static Builder builder(String bucket) {
    return new Builder(bucket);
  }

  /**
   * Parses {@code s3://bucket/prefix} and takes the endpoint and region from the environment:
   * {@code AWS_ENDPOINT_URL_S3} or else {@code AWS_ENDPOINT_URL} (then path-style addressing),
   * {@code AWS_REGION} or else {@code AWS_DEFAULT_REGION} or else {@value #DEFAULT_REGION}.
   * Credentials come from the SDK's default chain unless set on the returned builder.
   *
   * @param env the environment, usually {@link System#getenv()}
   */
  public static Builder fromLocation(String location, Map<String, String> env) {
    URI uri;
    try {
      uri = URI.create(location);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid S3 location '" + location + "': " + e.getMessage(), e);
    }
    if (!"s3".equalsIgnoreCase(uri.getScheme()) || uri.getAuthority() == null
        || uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException(
          "Invalid S3 location '" + location + "': expected s3://bucket or s3://bucket/prefix");
    }
    Builder builder = builder(uri.getAuthority()).prefix(uri.getPath());
    String endpoint = firstNonBlank(env.get("AWS_ENDPOINT_URL_S3"), env.get("AWS_ENDPOINT_URL"));
    if (endpoint != null) {
      builder.endpoint(URI.create(endpoint));
    }
    String region = firstNonBlank(env.get("AWS_REGION"), env.get("AWS_DEFAULT_REGION"));
    return builder.region(region == null ? DEFAULT_REGION : region);
  }

  /** {@code s3://bucket/prefix}, for messages. */
  public String location() {
    return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
  }

  /** The S3 object key of a blob key. */
  String objectKey(String key) {
    return prefix.isEmpty() ? key : prefix + "/" + key;
  }

  /** The S3 key prefix under which the store's keys starting with {@code keyPrefix} live. */
  String objectKeyPrefix(String keyPrefix) {
    return prefix.isEmpty() ? keyPrefix : prefix + "/" + keyPrefix;
  }

  @Override
  public String toString() {
    // Never print the secret.
    return "S3StoreConfig[" + location() + ", endpoint=" + endpoint + ", region=" + region
        + ", pathStyle=" + pathStyle + ", accessKey=" + accessKey + ", partSizeBytes="
        + partSizeBytes + ", apiCallTimeout=" + apiCallTimeout + ", maxAttempts=" + maxAttempts + "]";
  }

  private static String normalizePrefix(String prefix) {
    String trimmed = prefix;
    while (trimmed.startsWith("/")) {
      trimmed = trimmed.substring(1);
    }
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    if (!trimmed.isEmpty()) {
      try {
        BlobPath.of(trimmed); // the prefix obeys the key rules: no empty, '.' or '..' segment
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Invalid S3 prefix '" + prefix + "': " + e.getMessage(), e);
      }
    }
    return trimmed;
  }

  private static String firstNonBlank(String first, String second) {
    if (first != null && !first.isBlank()) {
      return first.strip();
    }
    return second == null || second.isBlank() ? null : second.strip();
  }

  /** Builds an {@link S3StoreConfig}; path-style addressing defaults to on with an endpoint. */
  public static final class Builder {
    private final String bucket;
    private String prefix = "";
    private URI endpoint;
    private String region = DEFAULT_REGION;
    private Boolean pathStyle;
    private String accessKey;
    private String secretKey;
    private int partSizeBytes = DEFAULT_PART_SIZE;
    private Duration apiCallTimeout = Duration.ofMinutes(2);
    private int maxAttempts = 3;

    private Builder(String bucket) {
      this.bucket = bucket;
    }

    public Builder prefix(String prefix) {
      this.prefix = prefix;
      return this;
    }

    public Builder endpoint(URI endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    public Builder region(String region) {
      this.region = region;
      return this;
    }

    /** Addresses the bucket as {@code endpoint/bucket/key}; the default with an endpoint. */
    public Builder pathStyle() {
      this.pathStyle = true;
      return this;
    }

    /** Addresses the bucket as {@code bucket.endpoint/key}; the default without an endpoint. */
    public Builder virtualHostStyle() {
      this.pathStyle = false;
      return this;
    }

    public Builder credentials(String accessKey, String secretKey) {
      this.accessKey = accessKey;
      this.secretKey = secretKey;
      return this;
    }

    public Builder partSizeBytes(int partSizeBytes) {
      this.partSizeBytes = partSizeBytes;
      return this;
    }

    public Builder apiCallTimeout(Duration apiCallTimeout) {
      this.apiCallTimeout = apiCallTimeout;
      return this;
    }

    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    public S3StoreConfig build() {
      boolean resolvedPathStyle = pathStyle != null ? pathStyle : endpoint != null;
      return new S3StoreConfig(bucket, prefix, endpoint, region, resolvedPathStyle, accessKey,
          secretKey, partSizeBytes, apiCallTimeout, maxAttempts);
    }
  }
}
