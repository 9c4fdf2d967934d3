# The DES retriever: docker build -f deploy/docker/retriever.Dockerfile -t des-retriever:0.1.0 .
# (from the checkout, after ./mvnw -B -q -DskipTests install; see docs/deploy.md).
FROM eclipse-temurin:17-jre

# A fixed numeric uid and gid, so that Kubernetes' runAsNonRoot can check it without a name lookup.
RUN groupadd --system --gid 10001 des \
 && useradd --system --uid 10001 --gid des --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin des

WORKDIR /app
# The Spring Boot jar (repackaged with its dependencies); owned by root, so the app cannot change it.
COPY retriever/target/des-retriever-*.jar /app/app.jar

USER 10001:10001
EXPOSE 8000
# Exec form: java is PID 1 and gets SIGTERM itself, for Spring's graceful shutdown. The heap follows
# the container's memory limit; the rest is left for metaspace, threads, direct buffers and the
# native codecs. The parallel collector: a read allocates little that lives, and it served 10-15%
# more reads than G1 with a lower p99 (docs/performance.md, 2026-11-27 00:12). More JVM options:
# JAVA_TOOL_OPTIONS; more settings: environment or arguments.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=70", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseParallelGC", "-jar", "/app/app.jar"]
