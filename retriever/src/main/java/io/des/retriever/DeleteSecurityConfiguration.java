package io.des.retriever;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Who may DELETE. Reads (GET, HEAD, the batch POST), health and metrics stay open. {@code DELETE
 * /files/**} needs authority {@value #DELETE_AUTHORITY}: a JWT bearer token carrying scope {@code
 * des:delete}, validated by Spring's resource server when {@code
 * spring.security.oauth2.resourceserver.jwt.*} is configured, or one of the {@code X-API-Key}s of
 * {@code des.retriever.delete.api-keys}. With neither configured, DELETE answers 503 "Delete API not
 * configured". Stateless: no session, no CSRF token (no cookies are ever accepted as credentials),
 * no login page, no generated password, and no cache-control headers added to the file responses.
 */
@Configuration(proxyBeanMethods = false)
class DeleteSecurityConfiguration {
  /** What a DELETE needs; an API key grants it too. */
  static final String DELETE_AUTHORITY = "SCOPE_des:delete";

  @Bean
  SecurityFilterChain api(HttpSecurity http, RetrieverProperties properties, ObjectProvider<JwtDecoder> jwt, MeterRegistry meters)
      throws Exception {
    ApiKeys keys = new ApiKeys(properties.delete().apiKeys());
    boolean bearer = jwt.getIfAvailable() != null;
    DeleteAuthErrors errors = new DeleteAuthErrors(keys.any() || bearer, bearer, meters);
    // Only DELETEs go through this chain: reads are open, and running Spring Security's filters on
    // every GET cost the read path measurably (docs/performance.md).
    http.securityMatcher(request -> HttpMethod.DELETE.matches(request.getMethod()))
        .csrf(AbstractHttpConfigurer::disable)
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .httpBasic(AbstractHttpConfigurer::disable)
        .formLogin(AbstractHttpConfigurer::disable)
        .logout(AbstractHttpConfigurer::disable)
        .requestCache(AbstractHttpConfigurer::disable)
        // Files are immutable and carry ETags: Spring's "Cache-Control: no-store" would stop every
        // cache in front of the service.
        .headers(h -> h.cacheControl(c -> c.disable()))
        .authorizeHttpRequests(a -> a
            .requestMatchers(HttpMethod.DELETE, "/files/**").hasAuthority(DELETE_AUTHORITY)
            .anyRequest().permitAll())
        .exceptionHandling(e -> e.authenticationEntryPoint(errors).accessDeniedHandler(errors))
        .addFilterBefore(new ApiKeyAuthenticationFilter(keys, errors), BearerTokenAuthenticationFilter.class);
    if (bearer) {
      http.oauth2ResourceServer(o -> o.jwt(Customizer.withDefaults()).authenticationEntryPoint(errors).accessDeniedHandler(errors));
    }
    return http.build();
  }

  /**
   * Spring's firewall, except that an encoded {@code %} passes: a uid may contain one, and reads of
   * such uids worked before this module had security. Spring Security's filter chain takes it from
   * the context; {@link RequestPaths} applies the same rules to the reads the front server answers.
   */
  @Bean
  HttpFirewall httpFirewall() {
    StrictHttpFirewall firewall = new StrictHttpFirewall();
    firewall.setAllowUrlEncodedPercent(true);
    return firewall;
  }
}
