package io.des.storage;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/** Opens the {@link BlobStore} a location names: a local path, a {@code file:} URI or {@code s3://bucket/prefix}. */
public final class BlobStores {
  private static final Pattern OTHER_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*");

  private BlobStores() {}

  /** {@link #open(String, UnaryOperator)} with S3 settings from the environment only. */
  public static BlobStore open(String location) {
    return open(location, UnaryOperator.identity());
  }

  /**
   * Opens a store. For {@code s3://} the configuration comes from {@link
   * S3StoreConfig#fromLocation} (endpoint and region from the environment), then {@code s3Options}
   * may override it, e.g. {@code b -> b.credentials(key, secret).partSizeBytes(16 << 20)}. Any other
   * {@code scheme://} is rejected; everything else is a local folder, relative or absolute.
   */
  public static BlobStore open(String location, UnaryOperator<S3StoreConfig.Builder> s3Options) {
    return open(location, s3Options, System.getenv());
  }

  static BlobStore open(
      String location, UnaryOperator<S3StoreConfig.Builder> s3Options, Map<String, String> env) {
    String lower = location.toLowerCase(Locale.ROOT);
    if (lower.startsWith("s3://")) {
      return S3BlobStore.open(s3Options.apply(S3StoreConfig.fromLocation(location, env)).build());
    }
    if (lower.startsWith("file:")) {
      URI uri = URI.create(location);
      // file:relative/dir is opaque; file:/abs and file:///abs are hierarchical.
      return new LocalBlobStore(uri.isOpaque() ? Path.of(uri.getSchemeSpecificPart()) : Path.of(uri));
    }
    if (OTHER_SCHEME.matcher(location).matches()) {
      throw new IllegalArgumentException(
          "Unsupported storage location '" + location + "': use a local path, file: or s3://");
    }
    return new LocalBlobStore(Path.of(location));
  }
}
