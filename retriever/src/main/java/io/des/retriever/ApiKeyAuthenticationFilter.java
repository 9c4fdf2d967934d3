package io.des.retriever;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Upstream's {@code X-API-Key} for DELETE: a request that carries the header is authenticated with
 * {@link DeleteSecurityConfiguration#DELETE_AUTHORITY} when the key is one of the configured ones,
 * and refused (401, or 503 when no credential is configured at all) when it is not. Other methods
 * ignore the header. Not a bean, so that Boot does not register it a second time as a servlet
 * filter.
 */
final class ApiKeyAuthenticationFilter extends OncePerRequestFilter {
  static final String HEADER = "X-API-Key";

  private final ApiKeys keys;
  private final DeleteAuthErrors errors;
  private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

  ApiKeyAuthenticationFilter(ApiKeys keys, DeleteAuthErrors errors) {
    this.keys = keys;
    this.errors = errors;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !"DELETE".equals(request.getMethod()) || request.getHeader(HEADER) == null;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (!keys.accepts(request.getHeader(HEADER))) {
      contexts.clearContext();
      errors.commence(request, response, new BadCredentialsException("Invalid API key"));
      return;
    }
    SecurityContext context = contexts.createEmptyContext();
    context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
        "api-key", null, List.of(new SimpleGrantedAuthority(DeleteSecurityConfiguration.DELETE_AUTHORITY))));
    contexts.setContext(context);
    chain.doFilter(request, response);
  }
}
