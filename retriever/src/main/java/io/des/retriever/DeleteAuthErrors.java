package io.des.retriever;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * The refusals of a DELETE, in upstream's words and {@code {"detail": ...}} bodies: 503 "Delete
 * API not configured" when no credential mechanism is, 401 "Unauthorized" for a missing or wrong
 * key or token, 403 for a valid token without scope {@code des:delete}. With JWTs configured the
 * {@code WWW-Authenticate: Bearer} header says why (RFC 6750). Each refusal counts in {@code
 * des_deletes_total}.
 */
final class DeleteAuthErrors implements AuthenticationEntryPoint, AccessDeniedHandler {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final boolean configured;
  private final boolean bearer;
  private final MeterRegistry meters;
  private final BearerTokenAuthenticationEntryPoint bearerEntryPoint = new BearerTokenAuthenticationEntryPoint();
  private final BearerTokenAccessDeniedHandler bearerDenied = new BearerTokenAccessDeniedHandler();

  DeleteAuthErrors(boolean configured, boolean bearer, MeterRegistry meters) {
    this.configured = configured;
    this.bearer = bearer;
    this.meters = meters;
  }

  @Override
  public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e) throws IOException {
    if (!configured) {
      write(response, HttpStatus.SERVICE_UNAVAILABLE, "Delete API not configured", "not_configured");
      return;
    }
    if (bearer) {
      bearerEntryPoint.commence(request, response, e); // status and WWW-Authenticate only
    }
    write(response, HttpStatus.UNAUTHORIZED, "Unauthorized", "unauthorized");
  }

  @Override
  public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e) throws IOException {
    if (bearer) {
      bearerDenied.handle(request, response, e);
    }
    write(response, HttpStatus.FORBIDDEN, "Forbidden: scope des:delete is required", "forbidden");
  }

  private void write(HttpServletResponse response, HttpStatus status, String detail, String outcome) throws IOException {
    meters.counter("des.deletes", "outcome", outcome).increment();
    response.setStatus(status.value());
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.getOutputStream().write(JSON.writeValueAsBytes(new ApiError(detail)));
  }
}
