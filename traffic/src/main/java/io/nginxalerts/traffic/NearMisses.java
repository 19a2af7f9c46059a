package io.nginxalerts.traffic;

import io.nginxalerts.traffic.Bursts.Burst;
import io.nginxalerts.traffic.Catalog.Page;
import java.util.SplittableRandom;

/**
 * Plans of the {@link NearMissKind}s: like the attack plans of {@link Bursts}, planned whole when
 * they start, but benign, so their lines carry no {@link Attack}.
 */
final class NearMisses {
    private NearMisses() {}

    private static final Text[] SEARCHES =
            Text.all(
                    "/search?q=select+a+gift+for+dad",
                    "/search?q=union+jack+t-shirt",
                    "/search?q=script+font+mug",
                    "/search?q=drop+earrings",
                    "/search?q=table+or+1+chair+set",
                    "/search?q=alert+whistle",
                    "/search?q=order+by+size",
                    "/search?q=java+script+for+kids+book",
                    "/search?q=sleep+mask",
                    "/search?q=insert+into+frame",
                    "/search?q=%22select%22+sneakers",
                    "/search?q=1%3D1+scale+model",
                    "/search?q=rock+%26+roll+poster",
                    "/search?q=where+is+my+order",
                    "/search?q=delete+account",
                    "/search?q=c%C3%A9line+bag");

    private static final Text[] DOTTED_FILES =
            Text.all(
                    "/downloads/report..pdf",
                    "/downloads/annual-report-2025..final.pdf",
                    "/docs/v2..v3-changes.txt",
                    "/downloads/size-chart...pdf",
                    "/media/summer..sale.jpg",
                    "/downloads/manual..en.pdf");

    private static final Text CRAWLER =
            Text.of("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
    private static final Text BROWSER =
            Text.of(
                    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like"
                            + " Gecko) Chrome/131.0.0.0 Safari/537.36");
    private static final Text ADMIN_BROWSER =
            Text.of(
                    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7; rv:133.0) Gecko/20100101"
                            + " Firefox/133.0");
    static final Text[] MONITOR_AGENTS =
            Text.all(
                    "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
                    "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)");

    private static final Text HEAD = Text.of("HEAD");
    private static final Text ROOT = Text.of("/");
    private static final Text HEALTHZ = Text.of("/healthz");
    private static final Text WP_LOGIN = Text.of("/wp-login.php");
    private static final Text WP_LOGIN_REFERER = Text.of("https://blog.example.com/wp-login.php");
    private static final Text WP_ADMIN_REFERER = Text.of("https://blog.example.com/wp-admin/");
    private static final Text[] WP_ADMIN =
            Text.all(
                    "/wp-admin/",
                    "/wp-admin/edit.php",
                    "/wp-admin/post.php?post=412&action=edit",
                    "/wp-admin/post-new.php",
                    "/wp-admin/upload.php",
                    "/wp-admin/edit-comments.php",
                    "/wp-admin/options-general.php",
                    "/wp-admin/load-styles.php?c=0&dir=ltr&load%5Bchunk_0%5D=dashicons,admin-bar",
                    "/wp-admin/admin-ajax.php");

    /** The near miss of {@code kind} from {@code address}, starting at {@code start}. */
    static Burst plan(NearMissKind kind, int address, long start, SplittableRandom rng) {
        return switch (kind) {
            case SEARCH_WORDS -> search(address, start, rng);
            case DOTTED_FILE_NAMES -> dottedFiles(address, start, rng);
            case CRAWLER_WITH_404S -> crawler(address, start, rng);
            case PASSWORD_TYPOS -> passwordTypos(address, start, rng);
            case WORDPRESS_ADMIN -> wordpressAdmin(address, start, rng);
            case UPTIME_MONITOR -> monitor(address, start, rng.nextInt(2), rng);
        };
    }

    private static Text upstream(SplittableRandom rng) {
        return Catalog.SHOP_UPSTREAMS[rng.nextInt(Catalog.SHOP_UPSTREAMS.length)];
    }

    private static Burst search(int address, long start, SplittableRandom rng) {
        int n = 3 + rng.nextInt(4);
        long[] at = Bursts.times(start, n, 2_000, 9_000, rng);
        int first = rng.nextInt(SEARCHES.length);
        return new Burst(address, at) {
            @Override
            void fill(int i, Draft d, SplittableRandom r) {
                d.request(
                        address,
                        Catalog.SHOP_HOST,
                        Catalog.GET,
                        SEARCHES[(first + i) % SEARCHES.length],
                        Catalog.HTTP_2,
                        Text.DASH,
                        BROWSER);
                d.fromUpstream(
                        upstream(r), 200, 25_000 + r.nextInt(15_000), 80 + r.nextInt(90), true);
            }
        };
    }

    private static Burst dottedFiles(int address, long start, SplittableRandom rng) {
        int n = 1 + rng.nextInt(4);
        long[] at = Bursts.times(start, n, 1_000, 20_000, rng);
        int first = rng.nextInt(DOTTED_FILES.length);
        return new Burst(address, at) {
            @Override
            void fill(int i, Draft d, SplittableRandom r) {
                d.request(
                        address,
                        Catalog.SHOP_HOST,
                        Catalog.GET,
                        DOTTED_FILES[(first + i) % DOTTED_FILES.length],
                        Catalog.HTTP_2,
                        Text.DASH,
                        BROWSER);
                long size = 80_000 + r.nextInt(2_000_000);
                d.fromDisk(200, size, (int) (size / 5_000));
            }
        };
    }

    private static Burst crawler(int address, long start, SplittableRandom rng) {
        int n = 31 + rng.nextInt(30);
        long minutes = 5 + rng.nextInt(11);
        int gap = (int) (minutes * 60_000 / n);
        long[] at = Bursts.times(start, n, gap / 2, gap * 3 / 2, rng);
        // Two or three of the pages after robots.txt are dead links, spread out.
        boolean[] dead = new boolean[n];
        int deadLinks = 2 + rng.nextInt(2);
        for (int k = 0; k < deadLinks; k++) {
            dead[1 + (k * (n - 1)) / deadLinks + rng.nextInt(Math.max(1, (n - 1) / deadLinks))] =
                    true;
        }
        return new Burst(address, at) {
            @Override
            void fill(int i, Draft d, SplittableRandom r) {
                Catalog.Site site = Catalog.SHOP_SITE;
                if (i == 0) {
                    d.request(
                            address,
                            site.host(),
                            Catalog.GET,
                            Catalog.ROBOTS_TXT.url(),
                            Catalog.HTTP_1_1,
                            Text.DASH,
                            CRAWLER);
                    d.fromDisk(200, Catalog.ROBOTS_TXT.size(), 0);
                    return;
                }
                Page p =
                        dead[i]
                                ? site.deadLinks()[r.nextInt(site.deadLinks().length)]
                                : site.pickPage(r, false);
                d.request(
                        address,
                        site.host(),
                        Catalog.GET,
                        p.url(),
                        Catalog.HTTP_1_1,
                        Text.DASH,
                        CRAWLER);
                if (dead[i]) {
                    d.fromUpstream(
                            upstream(r), 404, Catalog.APP_404_SIZE, 20 + r.nextInt(20), true);
                } else {
                    d.fromUpstream(
                            upstream(r),
                            200,
                            p.minSize() + r.nextInt(p.maxSize() - p.minSize() + 1),
                            Math.max(1, p.typicalMillis() + r.nextInt(40)),
                            true);
                }
            }
        };
    }

    /** Form, 401, 401, 302, account. */
    private static Burst passwordTypos(int address, long start, SplittableRandom rng) {
        long[] at = Bursts.times(start, 5, 3_000, 8_000, rng);
        return new Burst(address, at) {
            @Override
            void fill(int i, Draft d, SplittableRandom r) {
                Text method = i == 0 || i == 4 ? Catalog.GET : Catalog.POST;
                Text url = i == 4 ? Catalog.ACCOUNT : Catalog.LOGIN;
                d.request(
                        address,
                        Catalog.SHOP_HOST,
                        method,
                        url,
                        Catalog.HTTP_2,
                        i == 0 ? Text.DASH : Catalog.SHOP_LOGIN_REFERER,
                        BROWSER);
                switch (i) {
                    case 0 -> d.fromUpstream(upstream(r), 200, 9_100, 15 + r.nextInt(10), true);
                    case 1, 2 -> d.fromUpstream(upstream(r), 401, 31, 90 + r.nextInt(110), true);
                    case 3 -> d.fromUpstream(upstream(r), 302, 0, 90 + r.nextInt(110), true);
                    default -> d.fromUpstream(upstream(r), 200, 14_000, 40 + r.nextInt(20), true);
                }
            }
        };
    }

    private static Burst wordpressAdmin(int address, long start, SplittableRandom rng) {
        boolean typo = rng.nextInt(4) == 0;
        int logins = typo ? 2 : 1;
        int work = 10 + rng.nextInt(21);
        int n = 1 + logins + work;
        long[] at = Bursts.times(start, n, 2_000, 20_000, rng);
        return new Burst(address, at) {
            @Override
            void fill(int i, Draft d, SplittableRandom r) {
                if (i == 0) {
                    d.request(
                            address,
                            Catalog.BLOG_HOST,
                            Catalog.GET,
                            WP_LOGIN,
                            Catalog.HTTP_2,
                            Text.DASH,
                            ADMIN_BROWSER);
                    d.fromUpstream(upstream(r), 200, 4_300, 60 + r.nextInt(40), true);
                } else if (i <= logins) {
                    d.request(
                            address,
                            Catalog.BLOG_HOST,
                            Catalog.POST,
                            WP_LOGIN,
                            Catalog.HTTP_2,
                            WP_LOGIN_REFERER,
                            ADMIN_BROWSER);
                    // WordPress answers a wrong password with the form again (200), a right one
                    // with a redirect to /wp-admin/.
                    boolean failed = i < logins;
                    d.fromUpstream(
                            upstream(r),
                            failed ? 200 : 302,
                            failed ? 4_600 : 0,
                            180 + r.nextInt(120),
                            true);
                } else {
                    Text url = WP_ADMIN[i == logins + 1 ? 0 : r.nextInt(WP_ADMIN.length)];
                    boolean ajax = url == WP_ADMIN[WP_ADMIN.length - 1];
                    d.request(
                            address,
                            Catalog.BLOG_HOST,
                            ajax ? Catalog.POST : Catalog.GET,
                            url,
                            Catalog.HTTP_2,
                            WP_ADMIN_REFERER,
                            ADMIN_BROWSER);
                    d.fromUpstream(
                            upstream(r), 200, 2_000 + r.nextInt(60_000), 80 + r.nextInt(400), true);
                }
            }
        };
    }

    /** One hour of checks every 30 s (shop, {@code /healthz}) or 60 s (blog, {@code HEAD /}). */
    static Burst monitor(int address, long start, int which, SplittableRandom rng) {
        long every = which == 0 ? 30_000 : 60_000;
        long[] at = new long[(int) (3_600_000 / every)];
        for (int i = 0; i < at.length; i++) {
            at[i] = start + i * every + rng.nextInt(300);
        }
        Text agent = MONITOR_AGENTS[which];
        return new Burst(address, at) {
            @Override
            void fill(int i, Draft d, SplittableRandom r) {
                if (which == 0) {
                    d.request(
                            address,
                            Catalog.SHOP_HOST,
                            Catalog.GET,
                            HEALTHZ,
                            Catalog.HTTP_1_1,
                            Text.DASH,
                            agent);
                    d.fromUpstream(upstream(r), 200, 2, 1 + r.nextInt(4), true);
                } else {
                    d.request(
                            address,
                            Catalog.BLOG_HOST,
                            HEAD,
                            ROOT,
                            Catalog.HTTP_1_1,
                            Text.DASH,
                            agent);
                    d.fromDisk(200, 0, 0);
                }
            }
        };
    }
}
