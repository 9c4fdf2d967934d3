package io.des.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Finds the fields fabric8 did not recognise. Its models keep an unknown field (a typo, a field at
 * the wrong level) in {@code additionalProperties} instead of failing, so a walk over the typed
 * model that reports every non-empty one catches what a server's schema validation would.
 * Custom resources (GenericKubernetesResource) have no schema here and are not walked.
 */
final class UnknownFields {
  private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

  private UnknownFields() {}

  /** Each unknown field as {@code $.path.to.parent: [names]}; empty when there is none. */
  static List<String> in(Object model) {
    List<String> found = new ArrayList<>();
    walk(model, "$", found);
    return found;
  }

  private static void walk(Object node, String path, List<String> found) {
    if (node == null || node instanceof GenericKubernetesResource) {
      return;
    }
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        walk(item, path + "[" + i++ + "]", found);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((key, value) -> walk(value, path + "." + key, found));
      return;
    }
    if (!node.getClass().getName().startsWith(MODEL_PACKAGE)) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value = invoke(getter, node);
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          found.add(path + ": " + extra.keySet());
        }
      } else {
        walk(value, path + "." + property(getter), found);
      }
    }
  }

  private static Object invoke(Method getter, Object node) {
    try {
      return getter.invoke(node);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("Cannot read " + getter + " of " + node.getClass().getName(), e);
    }
  }

  private static String property(Method getter) {
    String name = getter.getName().substring(3);
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }
}
