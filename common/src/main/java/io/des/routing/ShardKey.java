package io.des.routing;

/** Placeholder until the routing package lands; replaced by the full implementation. */
public record ShardKey(String dateDir, String shardHex) {
  public String prefix() {
    return dateDir + "_" + shardHex + "_";
  }

  @Override
  public String toString() {
    return dateDir + "_" + shardHex;
  }
}
