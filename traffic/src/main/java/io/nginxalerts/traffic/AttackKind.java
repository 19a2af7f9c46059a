package io.nginxalerts.traffic;

/**
 * The kinds of trouble a {@link TrafficGenerator} injects into normal traffic. Each client-side
 * kind comes from its own attacker address, never used by normal clients or other attacks; the
 * comments name the shipped rule meant to catch it.
 */
public enum AttackKind {
    /**
     * Content discovery: 25 to 60 requests within 40 s for secrets and admin pages ({@code /.env},
     * {@code /.git/config}, {@code /wp-login.php}, ...), at least 22 of them answered 404 ({@code
     * sensitive-file-probe}, {@code client-errors-burst}).
     */
    PATH_SCAN,
    /**
     * Password guessing: 12 to 40 {@code POST /login} answered 401 within 50 s, never followed by a
     * success ({@code login-brute-force}).
     */
    LOGIN_BRUTE_FORCE,
    /**
     * As {@link #LOGIN_BRUTE_FORCE}, then a {@code POST /login} answered 302 and a {@code GET
     * /account} ({@code login-brute-force} and {@code login-brute-force-success}).
     */
    LOGIN_BRUTE_FORCE_SUCCESS,
    /**
     * A few requests (1 to 18) with the default user agent of sqlmap, Nikto, Nuclei, masscan or
     * ZGrab; {@link Attack#detail()} names the tool ({@code scanner-user-agent}).
     */
    SCANNER_AGENT,
    /**
     * One to six requests that climb out of the web root ({@code /../../etc/passwd}, {@code
     * %2e%2e%2f}, ...), with an ordinary-looking user agent ({@code path-traversal-attempt}).
     */
    PATH_TRAVERSAL,
    /**
     * Not an attacker: one upstream ({@link Attack#key()} is its {@code upstreamhost}) fails for 25
     * to 50 s, so at least 25 requests from normal clients get 502, 503 or 504 from it; {@link
     * Attack#detail()} is the main status ({@code upstream-5xx-burst}).
     */
    UPSTREAM_ERRORS
}
