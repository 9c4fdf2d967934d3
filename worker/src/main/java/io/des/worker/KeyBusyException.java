package io.des.worker;

/** Another worker holds the shard key's lock; the job is retried later, never dead-lettered for it. */
public final class KeyBusyException extends Exception {
  public KeyBusyException(String key, java.time.Duration waited) {
    super("Shard key " + key + " is locked by another worker (waited " + waited.toMillis() + " ms)");
  }
}
