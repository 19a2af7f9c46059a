package io.nginxalerts.traffic;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The fixed vocabulary of generated traffic: sites, pages, assets, user agents and attack payloads,
 * each a pre-escaped {@link Text}. Built once per JVM; nothing here depends on the seed.
 */
final class Catalog {

    private Catalog() {}

    static final Text GET = Text.of("GET");
    static final Text POST = Text.of("POST");
    static final Text HTTP_1_0 = Text.of("HTTP/1.0");
    static final Text HTTP_1_1 = Text.of("HTTP/1.1");
    static final Text HTTP_2 = Text.of("HTTP/2.0");

    /** The nginx servers behind the load balancer ({@code $hostname}). */
    static final Text[] SERVERS = Text.all("web-1", "web-2");

    static final Text SHOP_HOST = Text.of("shop.example.com");
    static final Text BLOG_HOST = Text.of("blog.example.com");

    /** What scanners that walk address ranges put in {@code Host}: the server's address. */
    static final Text SERVER_ADDRESS = Text.of("203.0.113.10");

    static final Text[] SHOP_UPSTREAMS =
            Text.all("10.0.1.5:8080", "10.0.1.6:8080", "10.0.1.7:8080", "10.0.1.8:8080");

    // Sizes of nginx's own error pages (server_tokens off), as in the parser fixtures.
    static final int NGINX_400_SIZE = 157;
    static final int NGINX_403_SIZE = 153;
    static final int NGINX_404_SIZE = 153;
    static final int NGINX_502_SIZE = 157;
    static final int NGINX_504_SIZE = 167;
    static final int APP_404_SIZE = 4_812;

    // ---------------------------------------------------------------- user agents of normal
    // clients

    /** A user agent and how clients that use it behave. */
    record Agent(Text text, boolean bot, boolean http2) {}

    private static Agent browser(String ua) {
        return new Agent(Text.of(ua), false, true);
    }

    private static final Agent[] AGENTS = {
        browser(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
                        + " Chrome/131.0.0.0 Safari/537.36"),
        browser(
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like"
                        + " Gecko) Chrome/131.0.0.0 Safari/537.36"),
        browser(
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15"
                        + " (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"),
        browser(
                "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko)"
                        + " Chrome/131.0.0.0 Mobile Safari/537.36"),
        browser(
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like"
                        + " Gecko) Version/18.1 Safari/605.1.15"),
        browser(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
                        + " Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"),
        browser("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"),
        browser("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"),
        browser(
                "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like"
                        + " Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36"),
        new Agent(
                Text.of("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
                true,
                false),
        new Agent(
                Text.of("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"),
                true,
                false),
        // Real logs do contain quotes in user agents; this one exercises the escaping of both
        // formats on ordinary traffic, not only on attacks.
        new Agent(
                Text.of(
                        "Mozilla/5.0 (compatible; \"UptimeCheck\"/2.3;"
                                + " +https://status.example.net/bot)"),
                true,
                false),
    };

    /** Per mille, in the order of {@link #AGENTS}; roughly a 2025 browser market. */
    private static final int[] AGENT_PER_MILLE = {
        280, 100, 180, 140, 60, 80, 60, 20, 30, 25, 15, 10
    };

    private static final Agent[] AGENT_BY_MILLE = spread(AGENTS, AGENT_PER_MILLE);

    /** The user agent of a client, fixed for the client so that its visits look alike. */
    static Agent agentOf(int rank, long seed) {
        long h = mix(rank * 0x9E3779B97F4A7C15L + seed);
        return AGENT_BY_MILLE[(int) Math.floorMod(h, (long) AGENT_BY_MILLE.length)];
    }

    // ---------------------------------------------------------------------- sites, pages, assets

    /** A page or API call: its URL, the referer its assets send, and what serving it costs. */
    record Page(Text url, Text fullUrl, int typicalMillis, int minSize, int maxSize, int product) {}

    /**
     * A file fetched after a page. {@code xhr} files come from the application, others from disk.
     */
    record Asset(Text url, int size, boolean xhr, int typicalMillis) {}

    /** A weighted group of similar pages; a request picks a group, then a page at random. */
    record PageGroup(int weight, Page[] pages, boolean login) {}

    /**
     * A site: its page groups, the assets of a first visit, and how it is served ({@code dynamic}
     * pages come from an upstream, the others from disk). {@code totalWeight} is computed.
     */
    record Site(
            Text host,
            boolean dynamic,
            PageGroup[] groups,
            int totalWeight,
            Asset[] firstVisitAssets,
            Asset favicon,
            boolean faviconMissing,
            Page[] deadLinks) {

        Site {
            int sum = 0;
            for (PageGroup g : groups) {
                sum += g.weight;
            }
            totalWeight = sum;
        }

        Page pickPage(SplittableRandom rng, boolean allowLogin) {
            while (true) {
                int w = rng.nextInt(totalWeight);
                for (PageGroup g : groups) {
                    w -= g.weight;
                    if (w < 0) {
                        if (g.login && !allowLogin) {
                            break;
                        }
                        return g.pages[rng.nextInt(g.pages.length)];
                    }
                }
            }
        }
    }

    static final int PRODUCTS = 400;
    private static final String SHOP = "https://shop.example.com";
    private static final String BLOG = "https://blog.example.com";

    static final Text LOGIN = Text.of("/login");
    static final Text ACCOUNT = Text.of("/account");
    static final Text SHOP_LOGIN_REFERER = Text.of(SHOP + "/login");
    static final Page LOGIN_PAGE = page(SHOP, "/login", 18, 8_900, 9_300);
    static final Page ACCOUNT_PAGE = page(SHOP, "/account", 45, 13_500, 15_000);

    static final Page[] PRODUCT_PAGES = new Page[PRODUCTS];
    static final Asset[] PRODUCT_IMAGES = new Asset[PRODUCTS];
    static final Asset[] PRODUCT_REVIEWS = new Asset[PRODUCTS];

    static {
        for (int i = 0; i < PRODUCTS; i++) {
            int id = 1000 + (int) ((i * 7919L) % 9000);
            String path = "/products/" + id;
            int size = 38_000 + (int) Math.floorMod(mix(id), 14_000L);
            PRODUCT_PAGES[i] =
                    new Page(Text.of(path), Text.of(SHOP + path), 40, size, size + 900, i);
            PRODUCT_IMAGES[i] =
                    new Asset(
                            Text.of("/static/img/products/" + id + ".webp"),
                            20_000 + (int) Math.floorMod(mix(id + 1), 70_000L),
                            false,
                            1);
            PRODUCT_REVIEWS[i] =
                    new Asset(
                            Text.of("/api/v1/products/" + id + "/reviews?page=1"), 2_400, true, 15);
        }
    }

    static final Site SHOP_SITE =
            new Site(
                    SHOP_HOST,
                    true,
                    groups(
                            new PageGroup(
                                    15, new Page[] {page(SHOP, "/", 25, 31_000, 33_500)}, false),
                            new PageGroup(35, PRODUCT_PAGES, false),
                            new PageGroup(
                                    14,
                                    pages(
                                            SHOP,
                                            "/category/",
                                            35,
                                            30_000,
                                            45_000,
                                            "shoes",
                                            "jackets",
                                            "bags",
                                            "shirts",
                                            "trousers",
                                            "dresses",
                                            "hats",
                                            "socks",
                                            "watches",
                                            "sunglasses",
                                            "sale",
                                            "new-in"),
                                    false),
                            new PageGroup(10, searchPages(), false),
                            new PageGroup(
                                    6,
                                    new Page[] {
                                        page(SHOP, "/cart", 30, 12_000, 16_000),
                                        page(SHOP, "/api/v1/cart", 12, 600, 2_800)
                                    },
                                    false),
                            new PageGroup(
                                    2,
                                    new Page[] {page(SHOP, "/checkout", 180, 18_000, 19_000)},
                                    false),
                            new PageGroup(3, new Page[] {ACCOUNT_PAGE}, false),
                            new PageGroup(3, new Page[] {LOGIN_PAGE}, true),
                            new PageGroup(
                                    2,
                                    new Page[] {
                                        page(SHOP, "/about", 20, 11_000, 11_200),
                                        page(SHOP, "/contact", 20, 9_500, 9_700)
                                    },
                                    false)),
                    -1,
                    new Asset[] {
                        new Asset(Text.of("/static/css/main.4f2a91c3.css"), 48_213, false, 0),
                        new Asset(Text.of("/static/js/app.9b1e77d0.js"), 231_877, false, 0),
                        new Asset(Text.of("/static/js/vendor.1c0ffee5.js"), 412_305, false, 0),
                        new Asset(Text.of("/static/img/logo.svg"), 3_412, false, 0),
                        new Asset(Text.of("/static/fonts/inter-var.woff2"), 96_712, false, 0),
                    },
                    new Asset(Text.of("/favicon.ico"), 15_086, false, 0),
                    false,
                    deadLinks(
                            SHOP,
                            "/products/999",
                            "/products/10423",
                            "/promo/black-friday-2024",
                            "/category/winter-2023",
                            "/shop/index.php",
                            "/checkout/old"));

    static final Site BLOG_SITE =
            new Site(
                    BLOG_HOST,
                    false,
                    groups(
                            new PageGroup(
                                    20, new Page[] {page(BLOG, "/", 0, 22_000, 24_000)}, false),
                            new PageGroup(65, blogPosts(), false),
                            new PageGroup(
                                    10,
                                    pages(
                                            BLOG,
                                            "/tags/",
                                            0,
                                            9_000,
                                            16_000,
                                            "java",
                                            "nginx",
                                            "flink",
                                            "kafka",
                                            "linux",
                                            "security",
                                            "devops",
                                            "databases",
                                            "career",
                                            "notes"),
                                    false),
                            new PageGroup(
                                    5,
                                    new Page[] {page(BLOG, "/feed.xml", 0, 64_000, 66_000)},
                                    false)),
                    -1,
                    new Asset[] {
                        new Asset(Text.of("/assets/css/blog.css"), 18_455, false, 0),
                        new Asset(Text.of("/assets/js/highlight.min.js"), 121_003, false, 0),
                        new Asset(Text.of("/assets/img/avatar.png"), 24_880, false, 0),
                    },
                    new Asset(Text.of("/favicon.ico"), NGINX_404_SIZE, false, 0),
                    // Browsers ask every site for a favicon; this one has none.
                    true,
                    deadLinks(
                            BLOG,
                            "/2019/05/old-post.html",
                            "/posts/draft-kubernetes-tips",
                            "/images/banner-old.jpg",
                            "/wp-content/uploads/2018/cover.png"));

    static final Asset ROBOTS_TXT = new Asset(Text.of("/robots.txt"), 112, false, 0);

    /** Referers of the first page of a visit, per mille; "-" is a direct visit. */
    private static final Text[] ENTRY_REFERERS =
            spread(
                    Text.all(
                            "-",
                            "https://www.google.com/",
                            "https://www.bing.com/",
                            "https://duckduckgo.com/",
                            "https://t.co/",
                            "https://www.facebook.com/",
                            "https://news.ycombinator.com/"),
                    new int[] {450, 350, 50, 40, 30, 50, 30});

    static Text entryReferer(SplittableRandom rng) {
        return ENTRY_REFERERS[rng.nextInt(ENTRY_REFERERS.length)];
    }

    // ---------------------------------------------------------------------------------- attacks

    /** A request of an attack with the answer it gets. */
    record Probe(Text url, int status, boolean upstream, int size) {}

    private static Probe probe(String url, int status) {
        // Dot-files and plain files are looked up on disk by nginx; the rest goes to the app.
        String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        boolean onDisk =
                path.startsWith("/.")
                        || path.matches(
                                ".*\\.(zip|sql|gz|tgz|tar|yml|yaml|json|txt|log|bak|xml|config|md)$");
        int size =
                switch (status) {
                    case 200 -> onDisk ? 180 : 6_400;
                    case 400 -> NGINX_400_SIZE;
                    case 403 -> NGINX_403_SIZE;
                    default -> onDisk ? NGINX_404_SIZE : APP_404_SIZE;
                };
        return new Probe(Text.of(url), status, !onDisk && status != 400 && status != 403, size);
    }

    private static Probe[] probes(int status, String... urls) {
        Probe[] p = new Probe[urls.length];
        for (int i = 0; i < urls.length; i++) {
            p[i] = probe(urls[i], status);
        }
        return p;
    }

    /** Secrets and admin pages; every one matches the sensitive-file-probe rule. */
    static final Probe[] SENSITIVE =
            concat(
                    probes(
                            404,
                            "/.env",
                            "/.env.production",
                            "/.git/config",
                            "/.git/HEAD",
                            "/wp-login.php",
                            "/wp-admin/",
                            "/phpmyadmin/",
                            "/pma/",
                            "/backup.zip",
                            "/db.sql",
                            "/dump.sql",
                            "/.aws/credentials",
                            "/.ssh/id_rsa",
                            "/config.php",
                            "/.htpasswd",
                            "/.DS_Store",
                            "/.svn/entries",
                            "/xmlrpc.php",
                            "/api/.env"),
                    new Probe[] {probe("/server-status", 403)});

    /** Common content-discovery words; three of them exist, the rest are 404. */
    static final Probe[] DICTIONARY =
            concat(
                    probes(
                            404,
                            "/admin/",
                            "/admin.php",
                            "/administrator/",
                            "/login.php",
                            "/test.php",
                            "/info.php",
                            "/phpinfo.php",
                            "/config.json",
                            "/config.yml",
                            "/backup/",
                            "/old/",
                            "/dev/",
                            "/staging/",
                            "/uploads/",
                            "/shell.php",
                            "/console/",
                            "/actuator/env",
                            "/actuator/health",
                            "/debug/default/view",
                            "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
                            "/cgi-bin/luci",
                            "/boaform/admin/formLogin",
                            "/HNAP1/",
                            "/owa/",
                            "/remote/login",
                            "/solr/",
                            "/jenkins/",
                            "/manager/html",
                            "/user/login",
                            "/_profiler/phpinfo",
                            "/telescope/requests",
                            "/storage/logs/laravel.log",
                            "/web.config",
                            "/docker-compose.yml",
                            "/Dockerfile",
                            "/api/v1/users",
                            "/graphql",
                            "/swagger-ui.html",
                            "/sitemap.xml.gz",
                            "/index.php.bak"),
                    new Probe[] {
                        probe("/robots.txt", 200), probe("/.well-known/security.txt", 200)
                    });

    static final Text[] SCAN_AGENTS =
            Text.all(
                    "python-requests/2.32.3",
                    "Go-http-client/1.1",
                    "curl/8.5.0",
                    "Fuzz Faster U Fool v2.1.0-dev",
                    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like"
                            + " Gecko) Chrome/108.0.0.0 Safari/537.36",
                    "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0");

    static final Text[] BRUTE_FORCE_AGENTS =
            Text.all(
                    "python-requests/2.31.0",
                    "Mozilla/4.0 (Hydra)",
                    "curl/7.88.1",
                    "okhttp/4.9.3",
                    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like"
                            + " Gecko) Chrome/108.0.0.0 Safari/537.36");

    static final Probe[] TRAVERSALS = {
        probe("/../../../../etc/passwd", 400),
        probe("/static/..%2f..%2f..%2f..%2fetc%2fpasswd", 400),
        probe("/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 400),
        probe("/cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd", 400),
        probe("/static/%252e%252e/%252e%252e/etc/passwd", 404),
        // Raw backslashes: not separators for nginx on Unix, and escaped in both log formats.
        probe("/..\\..\\..\\windows\\win.ini", 404),
        probe("/download?file=../../../../etc/passwd", 400),
        probe("/image?filename=..%2f..%2f..%2fetc%2fpasswd", 404),
        probe("/index.php?page=....//....//....//etc/passwd", 404),
        probe("/api/v1/files?path=%2e%2e%2f%2e%2e%2fetc%2fshadow", 403),
        probe("/?file=/proc/self/environ", 404),
    };

    static final String[] SCANNER_TOOLS = {"sqlmap", "nikto", "nuclei", "masscan", "zgrab"};

    static final Text SQLMAP_AGENT = Text.of("sqlmap/1.8.11#stable (https://sqlmap.org)");
    static final Text NUCLEI_AGENT =
            Text.of("Nuclei - Open-source project (github.com/projectdiscovery/nuclei)");
    static final Text MASSCAN_AGENT =
            Text.of("masscan/1.3 (https://github.com/robertdavidgraham/masscan)");
    static final Text ZGRAB_AGENT = Text.of("Mozilla/5.0 zgrab/0.x");

    /** Nikto numbers each test in its user agent. */
    static final Text[] NIKTO_AGENTS = new Text[24];

    static {
        for (int i = 0; i < NIKTO_AGENTS.length; i++) {
            NIKTO_AGENTS[i] =
                    Text.of(
                            "Mozilla/5.0 (Nikto/2.5.0) (Evasions:None) (Test:"
                                    + String.format("%06d", 1 + i * 397 % 9000)
                                    + ")");
        }
    }

    static final Probe[] NIKTO_PROBES =
            concat(
                    probes(
                            404,
                            "/CHANGELOG.txt",
                            "/README.md",
                            "/icons/README",
                            "/.htaccess",
                            "/cgi-bin/test.cgi",
                            "/login.php",
                            "/config.bak",
                            "/admin/",
                            "/phpinfo.php",
                            "/test/",
                            "/index.php.bak",
                            "/crossdomain.xml",
                            "/clientaccesspolicy.xml",
                            "/.git/index"),
                    new Probe[] {probe("/", 200), probe("/server-status", 403)});

    static final Probe[] NUCLEI_PROBES =
            probes(
                    404,
                    "/.well-known/openid-configuration",
                    "/api/swagger.json",
                    "/v2/api-docs",
                    "/graphql?query={__typename}",
                    "/solr/admin/cores?wt=json",
                    "/jenkins/login",
                    "/actuator/heapdump",
                    "/?x=${jndi:ldap://127.0.0.1/a}",
                    "/owa/auth/logon.aspx",
                    "/global-protect/login.esp",
                    "/remote/fgt_lang?lang=en",
                    "/wp-json/wp/v2/users",
                    "/server-info",
                    "/.vscode/sftp.json",
                    "/config.json");

    /** sqlmap probing the product id: quotes break the query (500), time-based ones are slow. */
    static final Probe[] SQLMAP_PROBES = sqlmapProbes();

    static final Probe DEFAULT_PAGE = new Probe(Text.of("/"), 200, false, 612);

    // ----------------------------------------------------------------------------------- helpers

    private static Probe[] sqlmapProbes() {
        String[] payloads = {
            "1",
            "1%27",
            "1%22",
            "1%20AND%201%3D1",
            "1%20AND%201%3D2",
            "1%27%20AND%20%271%27%3D%271",
            "1%20ORDER%20BY%201--%20-",
            "1%20UNION%20ALL%20SELECT%20NULL--%20-",
            "1%20UNION%20ALL%20SELECT%20NULL%2CNULL--%20-",
            "1%29%20AND%20SLEEP%285%29--%20-",
            "1%3BSELECT%20PG_SLEEP%285%29--",
            "-5305%20OR%201%3D1",
            "1%20AND%20EXTRACTVALUE%281%2CCONCAT%280x5c%2C0x71%29%29",
        };
        Probe[] p = new Probe[payloads.length];
        for (int i = 0; i < payloads.length; i++) {
            String payload = payloads[i];
            boolean breaks = payload.contains("%27") || payload.contains("%22");
            boolean sleeps = payload.contains("SLEEP");
            p[i] =
                    new Probe(
                            Text.of("/products?id=" + payload),
                            breaks ? 500 : 200,
                            true,
                            breaks ? 1_204 : sleeps ? 5_000 : 41_000);
        }
        return p;
    }

    private static Page page(String origin, String path, int millis, int minSize, int maxSize) {
        return new Page(Text.of(path), Text.of(origin + path), millis, minSize, maxSize, -1);
    }

    private static Page[] pages(
            String origin, String prefix, int millis, int minSize, int maxSize, String... names) {
        Page[] p = new Page[names.length];
        for (int i = 0; i < names.length; i++) {
            p[i] = page(origin, prefix + names[i], millis, minSize, maxSize);
        }
        return p;
    }

    private static Page[] searchPages() {
        String[] terms = {
            "shoes",
            "red+dress",
            "winter+jacket",
            "backpack",
            "running+shoes",
            "jeans",
            "gift",
            "leather+bag",
            "sneakers",
            "rain+coat",
            "wool+hat",
            "linen+shirt"
        };
        Page[] p = new Page[terms.length * 3];
        for (int i = 0; i < terms.length; i++) {
            for (int page = 1; page <= 3; page++) {
                p[i * 3 + page - 1] =
                        page(SHOP, "/search?q=" + terms[i] + "&page=" + page, 120, 25_000, 40_000);
            }
        }
        return p;
    }

    private static Page[] blogPosts() {
        String[] a = {
            "understanding", "a-gentle-intro-to", "debugging", "scaling", "testing", "tuning"
        };
        String[] b = {
            "flink-watermarks", "nginx-rate-limits", "kafka-consumer-lag", "java-records",
            "jvm-garbage-collection", "postgres-indexes", "redis-streams", "tls-handshakes",
            "linux-page-cache", "docker-networking"
        };
        Page[] p = new Page[a.length * b.length];
        int i = 0;
        for (String x : a) {
            for (String y : b) {
                String path = "/posts/" + x + "-" + y;
                int size = 20_000 + (int) Math.floorMod(mix(path.hashCode()), 40_000L);
                p[i++] = new Page(Text.of(path), Text.of(BLOG + path), 0, size, size, -1);
            }
        }
        return p;
    }

    private static Page[] deadLinks(String origin, String... paths) {
        Page[] p = new Page[paths.length];
        for (int i = 0; i < paths.length; i++) {
            p[i] = page(origin, paths[i], 30, APP_404_SIZE, APP_404_SIZE);
        }
        return p;
    }

    private static PageGroup[] groups(PageGroup... groups) {
        return groups;
    }

    @SafeVarargs
    private static <T> T[] concat(T[] first, T[]... rest) {
        int n = first.length;
        for (T[] r : rest) {
            n += r.length;
        }
        T[] all = Arrays.copyOf(first, n);
        int at = first.length;
        for (T[] r : rest) {
            System.arraycopy(r, 0, all, at, r.length);
            at += r.length;
        }
        return all;
    }

    /** Repeats each item by its weight, so a weighted choice is one array index. */
    private static <T> T[] spread(T[] items, int[] weights) {
        int n = 0;
        for (int w : weights) {
            n += w;
        }
        T[] out = Arrays.copyOf(items, n);
        int at = 0;
        for (int i = 0; i < items.length; i++) {
            for (int j = 0; j < weights[i]; j++) {
                out[at++] = items[i];
            }
        }
        return out;
    }

    /** A 64-bit finaliser (SplitMix64): spreads nearby inputs over all bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
