package io.nginxalerts.traffic;

/**
 * Benign behaviour that looks like an attack to a careless rule: what a {@link TrafficGenerator}
 * mixes in when {@link TrafficProfile#nearMissesPerHour()} is above 0. Each comes from an address
 * of the normal population and is no attack: a rule that alerts on one is too broad.
 */
public enum NearMissKind {
    /**
     * A shopper searching with words SQL and HTML also use ({@code select}, {@code union}, {@code
     * script}, {@code drop}, {@code or 1}, ...) in ordinary phrases: 3 to 6 searches a few seconds
     * apart, all answered 200.
     */
    SEARCH_WORDS,
    /**
     * Downloads of files whose names hold {@code ..} ({@code report..pdf}, {@code
     * v2..v3-changes.txt}): 1 to 4 requests answered 200.
     */
    DOTTED_FILE_NAMES,
    /**
     * A search engine crawler: {@code robots.txt}, then 30 to 60 pages over 5 to 15 minutes, 2 or 3
     * of them dead links answered 404.
     */
    CRAWLER_WITH_404S,
    /**
     * A person who mistypes the password twice: the login form, two {@code POST /login} answered
     * 401, a third answered 302, then the account page, within half a minute.
     */
    PASSWORD_TYPOS,
    /**
     * The blog's WordPress administrator: {@code GET /wp-login.php}, {@code POST /wp-login.php}
     * answered 302 (once in a while after one failed try answered 200, as WordPress answers a
     * failure), then 10 to 30 requests in {@code /wp-admin/} over a few minutes.
     */
    WORDPRESS_ADMIN,
    /**
     * An uptime monitor checking {@code /healthz} or {@code HEAD /} every 30 or 60 s for an hour
     * from its own address (two monitors take turns for the whole run).
     */
    UPTIME_MONITOR
}
