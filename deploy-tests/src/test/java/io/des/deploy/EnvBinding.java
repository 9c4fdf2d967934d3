package io.des.deploy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * What an environment does to an app's settings, bound the way Spring Boot binds the process
 * environment at startup: the app's own properties record, and Spring Boot's KafkaProperties for
 * the apps configured with {@code spring.kafka.*}.
 *
 * @param propertyOfEnv each environment variable that was bound, and the property it became
 * @param settings the app's properties record, as bound
 */
record EnvBinding(Map<String, String> propertyOfEnv, Object settings) {

  static EnvBinding of(App app, Map<String, String> env) {
    SystemEnvironmentPropertySource source = new SystemEnvironmentPropertySource(
        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new LinkedHashMap<>(env));
    Binder binder = new Binder(ConfigurationPropertySources.from(source));
    Map<String, String> bound = new LinkedHashMap<>();
    BindHandler recorder = new BindHandler() {
      @Override
      public Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result) {
        ConfigurationProperty property = context.getConfigurationProperty();
        if (property != null && property.getOrigin() instanceof PropertySourceOrigin origin) {
          bound.put(origin.getPropertyName(), property.getName().toString());
        }
        return result;
      }
    };
    Object settings = binder.bindOrCreate(app.prefix(), Bindable.of(app.propertiesRecord()), recorder);
    if (app.applicationProperties().stringPropertyNames().stream().anyMatch(k -> k.startsWith("spring.kafka."))) {
      binder.bind("spring.kafka", Bindable.of(KafkaProperties.class), recorder);
    }
    return new EnvBinding(bound, settings);
  }

  /** The variables named like Spring settings (DES_*, SPRING_*) that bound to nothing. */
  static Set<String> unboundSettings(Map<String, String> env, EnvBinding binding) {
    Set<String> unbound = new TreeSet<>();
    for (String name : env.keySet()) {
      if ((name.startsWith("DES_") || name.startsWith("SPRING_")) && !binding.propertyOfEnv.containsKey(name)) {
        unbound.add(name);
      }
    }
    return unbound;
  }

  /** Spring Boot's canonical variable of a property: dots to underscores, no dashes, upper case. */
  static String canonicalEnvName(String property) {
    return property.replace('.', '_').replace("-", "").toUpperCase(java.util.Locale.ROOT);
  }

  /** A value of the settings record by accessor path, e.g. {@code "redis.address"}. */
  Object setting(String path) {
    Object value = settings;
    for (String accessor : path.split("\\.")) {
      try {
        value = value.getClass().getMethod(accessor).invoke(value);
      } catch (ReflectiveOperationException e) {
        throw new IllegalArgumentException("No setting " + path + " in " + settings.getClass().getSimpleName(), e);
      }
    }
    return value;
  }
}
