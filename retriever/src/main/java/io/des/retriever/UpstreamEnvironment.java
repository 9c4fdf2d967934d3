package io.des.retriever;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The upstream service's environment variables, so that its deployments keep working unchanged:
 * {@code DES_BACKEND} (local, s3, multi_s3), {@code DES_BASE_DIR}, {@code DES_S3_BUCKET}, {@code
 * DES_S3_PREFIX}, {@code DES_S3_ENDPOINT_URL}, {@code DES_ZONES_CONFIG}, {@code DES_N_BITS}, and
 * {@code DES_DELETE_API_KEY} (one key for DELETE, taken whole even if it holds commas). They become
 * default properties, below anything configured the Spring way; the storage ones are ignored when
 * none of them is set.
 */
final class UpstreamEnvironment {
  private UpstreamEnvironment() {}

  static Map<String, Object> defaults(Map<String, String> env) {
    Map<String, Object> props = new LinkedHashMap<>();
    String deleteKey = env.get("DES_DELETE_API_KEY");
    if (deleteKey != null && !deleteKey.isBlank()) {
      props.put("des.retriever.delete.api-keys[0]", deleteKey); // indexed: a list value would be split at commas
    }
    String backend = env.getOrDefault("DES_BACKEND", "").trim().toLowerCase();
    boolean any = !backend.isEmpty() || env.containsKey("DES_BASE_DIR") || env.containsKey("DES_S3_BUCKET") || env.containsKey("DES_ZONES_CONFIG");
    if (!any) {
      return props;
    }
    if (backend.equals("multi_s3")) {
      String zones = env.get("DES_ZONES_CONFIG");
      if (zones == null || zones.isBlank()) {
        throw new IllegalStateException("DES_BACKEND=multi_s3 needs DES_ZONES_CONFIG");
      }
      props.put("des.retriever.zones", zones);
    } else if (backend.equals("s3") || env.containsKey("DES_S3_BUCKET")) {
      // Upstream's quirk, kept: a bucket means s3 even when local was asked for.
      String bucket = env.get("DES_S3_BUCKET");
      if (bucket == null || bucket.isBlank()) {
        throw new IllegalStateException("DES_BACKEND=s3 needs DES_S3_BUCKET");
      }
      String prefix = env.getOrDefault("DES_S3_PREFIX", "").replaceAll("^/+|/+$", "");
      props.put("des.retriever.store", "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix));
      if (env.containsKey("DES_S3_ENDPOINT_URL")) {
        props.put("des.retriever.s3-endpoint", env.get("DES_S3_ENDPOINT_URL"));
      }
    } else {
      props.put("des.retriever.store", env.getOrDefault("DES_BASE_DIR", "./data/des"));
    }
    if (env.containsKey("DES_N_BITS") && !backend.equals("multi_s3")) {
      props.put("des.retriever.n-bits", env.get("DES_N_BITS"));
    }
    return props;
  }
}
