# The DES coordinator: docker build -f deploy/docker/coordinator.Dockerfile -t des-coordinator:0.1.0 .
# (from the checkout, after ./mvnw -B -q -DskipTests install; see docs/deploy.md).
FROM eclipse-temurin:17-jre

# A fixed numeric uid and gid, so that Kubernetes' runAsNonRoot can check it without a name lookup.
RUN groupadd --system --gid 10001 des \
 && useradd --system --uid 10001 --gid des --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin des
# The landing folder: a mounted volume in practice; created here so that a fresh named volume
# (Docker copies the image folder's owner into it) is writable by the app.
RUN mkdir -p /data/landing && chown 10001:10001 /data/landing

WORKDIR /app
# The Spring Boot jar (repackaged with its dependencies); owned by root, so the app cannot change it.
COPY coordinator/target/des-coordinator-*.jar /app/app.jar

USER 10001:10001
EXPOSE 8090
# Exec form: java is PID 1 and gets SIGTERM itself, for Spring's graceful shutdown. The heap follows
# the container's memory limit; the rest is left for metaspace, threads, direct buffers and the
# native codecs. More JVM options: JAVA_TOOL_OPTIONS; more settings: environment or arguments.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=70", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/app.jar"]
