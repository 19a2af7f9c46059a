package io.nginxalerts.traffic;

import java.util.Objects;

/**
 * Ground truth about one injected attack or upstream failure, so that a test or benchmark can check
 * which of them an alerting tool caught.
 *
 * <p>Times are emission times ({@link GeneratedLine#emitMillis()}), before out-of-order jitter: the
 * lines of the attack carry timestamps at most the profile's {@code maxJitter} earlier.
 *
 * @param key the attacker's client IP, or the {@code upstreamhost} for {@link
 *     AttackKind#UPSTREAM_ERRORS}
 * @param startMillis emission time of the first line (for upstream failures, the start of the
 *     failure window)
 * @param endMillis emission time of the last line (for upstream failures, the end of the window)
 * @param detail for {@link AttackKind#SCANNER_AGENT} the tool ({@code sqlmap}, {@code nikto},
 *     {@code nuclei}, {@code masscan}, {@code zgrab}); for {@link AttackKind#UPSTREAM_ERRORS} the
 *     main status ({@code 502}, {@code 503}, {@code 504}); otherwise empty
 */
public record Attack(AttackKind kind, String key, long startMillis, long endMillis, String detail) {

    public Attack {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        detail = detail == null ? "" : detail;
    }

    /** True unless this is an upstream failure, i.e. {@link #key()} is a client IP. */
    public boolean isClientAttack() {
        return kind != AttackKind.UPSTREAM_ERRORS;
    }
}
