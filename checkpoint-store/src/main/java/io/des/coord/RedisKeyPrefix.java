package io.des.coord;

/**
 * The namespace every key of one deployment lives under, such as {@code des:}. It carries no braces,
 * so the hash tags the stores add stay the ones Redis Cluster routes by.
 */
record RedisKeyPrefix(String value) {
  RedisKeyPrefix {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("Redis key prefix must not be empty, got: " + value);
    }
    if (value.indexOf('{') >= 0 || value.indexOf('}') >= 0 || value.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("Redis key prefix must have no braces or white space, got: '" + value + "'");
    }
  }

  /** The key {@code <prefix><suffix>}. */
  String key(String suffix) {
    return value + suffix;
  }
}
