package io.des.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The properties the one-machine launcher gives each app, read from docs/fleet-local.md's section
 * "What each app is given": bullets like {@code - coordinator and worker: `--des.store=...`}.
 */
final class FleetLocalDoc {
  private static final Pattern PROPERTY = Pattern.compile("--([a-z0-9.-]+)=");

  private FleetLocalDoc() {}

  /** Every property a bullet naming the app gives it. */
  static Set<String> propertiesOf(App app) {
    Set<String> properties = new TreeSet<>();
    for (String bullet : section().split("\n- ")) {
      int colon = bullet.indexOf(':');
      if (colon > 0 && bullet.substring(0, colon).contains(app.module)) {
        Matcher m = PROPERTY.matcher(bullet);
        while (m.find()) {
          properties.add(m.group(1));
        }
      }
    }
    if (properties.isEmpty()) {
      throw new IllegalStateException("docs/fleet-local.md names no property for the " + app.module + ": has its section changed?");
    }
    return properties;
  }

  private static String section() {
    try {
      String doc = Files.readString(Repo.path("docs/fleet-local.md"));
      int start = doc.indexOf("## What each app is given");
      int end = doc.indexOf("\n## ", start + 1);
      if (start < 0) {
        throw new IllegalStateException("docs/fleet-local.md has no section 'What each app is given'");
      }
      return doc.substring(start, end < 0 ? doc.length() : end);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
