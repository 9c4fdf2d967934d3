package io.des.coord;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what an election tells its listener, as {@code "elected 7"} and {@code "revoked 7"}. */
final class RecordingListener implements LeaderElection.Listener {
  private final List<String> events = new CopyOnWriteArrayList<>();

  @Override
  public void elected(long term) {
    events.add("elected " + term);
  }

  @Override
  public void revoked(long term) {
    events.add("revoked " + term);
  }

  List<String> events() {
    return List.copyOf(events);
  }
}
