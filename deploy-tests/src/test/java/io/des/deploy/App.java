package io.des.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Collections;
import java.util.Properties;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * One of the three apps, as its built Spring Boot jar (a test dependency) holds it: the record its
 * {@code @ConfigurationProperties} bind to, and its application.properties. The classes are read
 * from the jar's BOOT-INF/classes; the records use only JDK types and Spring Boot's annotations,
 * which the test class path provides.
 */
enum App {
  COORDINATOR("coordinator", "io.des.coordinator.CoordinatorProperties"),
  WORKER("worker", "io.des.worker.WorkerProperties"),
  RETRIEVER("retriever", "io.des.retriever.RetrieverProperties");

  final String module;
  private final String propertiesClass;
  private URLClassLoader loader;

  App(String module, String propertiesClass) {
    this.module = module;
    this.propertiesClass = propertiesClass;
  }

  /** The record bound to the app's {@code des.*} settings. */
  Class<?> propertiesRecord() {
    try {
      return Class.forName(propertiesClass, false, loader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(propertiesClass + " is not in the des-" + module + " jar", e);
    }
  }

  /** The prefix of {@link #propertiesRecord()}, from its annotation. */
  String prefix() {
    ConfigurationProperties annotation = propertiesRecord().getAnnotation(ConfigurationProperties.class);
    return annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
  }

  /** The application.properties inside the jar: the app's defaults. */
  Properties applicationProperties() {
    Properties properties = new Properties();
    try (InputStream in = loader().findResource("application.properties").openStream()) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties;
  }

  /** The port the app listens on unless told otherwise. */
  int defaultPort() {
    return Integer.parseInt(applicationProperties().getProperty("server.port"));
  }

  private synchronized URLClassLoader loader() {
    if (loader == null) {
      loader = new URLClassLoader(new URL[] {bootInfClasses()}, App.class.getClassLoader());
    }
    return loader;
  }

  /** The file name of the app's jar on the test class path, as Maven built it. */
  String jarFileName() {
    String jar = bootInfClasses().getPath();
    jar = jar.substring(0, jar.indexOf("!/"));
    return jar.substring(jar.lastIndexOf('/') + 1);
  }

  private URL bootInfClasses() {
    try {
      for (URL url : Collections.list(App.class.getClassLoader().getResources("BOOT-INF/classes/application.properties"))) {
        String jar = url.getPath().substring(0, url.getPath().indexOf("!/"));
        if (jar.substring(jar.lastIndexOf('/') + 1).startsWith("des-" + module + "-")) {
          return new URL(url, "./");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("The des-" + module + " jar is not on the test class path: ./mvnw -B -q -DskipTests install");
  }
}
