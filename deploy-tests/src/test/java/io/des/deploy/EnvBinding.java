package io.des.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerProperties;
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
    if (app == App.RETRIEVER) { // bearer tokens for DELETE
      binder.bind("spring.security.oauth2.resourceserver", Bindable.of(OAuth2ResourceServerProperties.class), recorder);
    }
    return new EnvBinding(bound, settings);
  }

  /** Read by the JVM or by the AWS SDK and S3StoreConfig, not by Spring. */
  static final Set<String> NOT_SETTINGS = Set.of("AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "JAVA_TOOL_OPTIONS");

  /**
   * What is wrong with an environment this binding was made from: a variable named like a Spring
   * setting (DES_*, SPRING_*) that bound to nothing, one that bound under another name than
   * Spring Boot's canonical form of its property (dots to underscores, no dashes, upper case), and
   * any other variable that is not one of {@link #NOT_SETTINGS}.
   */
  List<String> problems(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    for (String name : new TreeSet<>(env.keySet())) {
      String property = propertyOfEnv.get(name);
      if (property != null) {
        String canonical = property.replace('.', '_').replace("-", "").toUpperCase(Locale.ROOT);
        if (!name.equals(canonical)) {
          problems.add(name + " binds to " + property + " but is not its canonical name " + canonical);
        }
      } else if (name.startsWith("DES_") || name.startsWith("SPRING_")) {
        problems.add(name + " binds to nothing");
      } else if (!NOT_SETTINGS.contains(name)) {
        problems.add(name + " is neither a setting nor one of " + NOT_SETTINGS);
      }
    }
    return problems;
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
