package io.nginxalerts.traffic;

import io.nginxalerts.traffic.Bursts.Burst;
import io.nginxalerts.traffic.Catalog.Agent;
import io.nginxalerts.traffic.Catalog.Asset;
import io.nginxalerts.traffic.Catalog.Page;
import io.nginxalerts.traffic.Catalog.Site;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * An endless, reproducible stream of nginx access-log requests: normal browsing with attacks and
 * upstream failures mixed in, as described by a {@link TrafficProfile}.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>The same profile yields the same lines, byte for byte, on any JVM.
 *   <li>Normal clients are drawn from {@code distinctIps} addresses with Zipf-skewed activity; they
 *       browse two sites (pages, assets, a few logins) and never send attack requests. Clients so
 *       busy that they send more than 30 requests a minute make proportionally fewer mistakes (404,
 *       failed logins), the way monitors and shared NAT gateways do, so normal traffic does not
 *       reach the thresholds of the shipped rules and the attack log is the whole truth.
 *   <li>Every attack comes from its own address, outside the normal population, and is listed in
 *       {@link #attacks()} (with its shape documented on {@link AttackKind}) as soon as its first
 *       line has been returned. The first attack starts within 15 s of event time when {@code
 *       attackFraction > 0}.
 *   <li>{@link GeneratedLine#emitMillis()} never decreases; timestamps are earlier by at most
 *       {@code maxJitter}.
 * </ul>
 *
 * <p>Not thread-safe; use one generator per thread (with different seeds for different streams).
 */
public final class TrafficGenerator {

    /** Average lines per attack, from the mix in {@link #startAttack()}; sets the attack rate. */
    private static final double MEAN_ATTACK_LINES = 22.0;

    /** Above this rate a client is treated as automated or shared, and errs proportionally less. */
    private static final double CAREFUL_REQUESTS_PER_MINUTE = 30.0;

    private static final int FIRST_ATTACK_MIN_MILLIS = 3_000;
    private static final int FIRST_ATTACK_MAX_MILLIS = 15_000;
    private static final int FIRST_EPISODE_MIN_MILLIS = 20_000;
    private static final int FIRST_EPISODE_MAX_MILLIS = 60_000;

    private static final int[] UPSTREAM_ERROR_STATUSES = {502, 503, 504};

    /** Uptime monitors are planned an hour at a time. */
    private static final long MONITOR_HOUR_MILLIS = 3_600_000L;

    private final TrafficProfile profile;
    private final SplittableRandom rng;
    private final ZipfSampler zipf;
    private final IpSpace clients;
    private final IpSpace attackers;
    private final long maxJitterMillis;
    private final double normalGapMillis;
    private final double attackGapMillis;
    private final double episodeGapMillis;
    private final double nearMissGapMillis;
    private final double normalRequestsPerMinute;

    // Visits in progress. A request either continues the visit that just loaded a page (its assets
    // follow quickly) or advances a random visit, so pages of one visit are spread out in time.
    private final Visit[] visits;
    private Visit current;

    private double nextNormalAt;
    private double nextAttackAt;
    private double nextEpisodeAt;
    private double nextNearMissAt;
    private double nextMonitorsAt;
    private final ArrayList<Burst> bursts = new ArrayList<>();
    private Episode episode;

    private final ArrayList<Attack> attacks = new ArrayList<>();
    private final List<Attack> attacksView = Collections.unmodifiableList(attacks);
    private long attackerCount;
    private long lines;
    private long attackLines;
    private long upstreamErrorLines;
    private final ArrayList<NearMiss> nearMisses = new ArrayList<>();
    private final List<NearMiss> nearMissesView = Collections.unmodifiableList(nearMisses);
    private long nearMissLines;

    private final Draft d = new Draft();

    public TrafficGenerator(TrafficProfile profile) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.rng = new SplittableRandom(profile.seed());
        this.zipf = new ZipfSampler(profile.distinctIps(), profile.zipfExponent());
        this.clients = new IpSpace(IpSpace.CLIENT_OCTETS, profile.seed());
        this.attackers = new IpSpace(IpSpace.ATTACKER_OCTETS, ~profile.seed());
        this.maxJitterMillis = profile.maxJitter().toMillis();
        double normalPerSecond = profile.eventsPerSecond() * (1 - profile.attackFraction());
        this.normalGapMillis = 1000.0 / normalPerSecond;
        this.normalRequestsPerMinute = normalPerSecond * 60;
        double attackPerSecond = profile.eventsPerSecond() * profile.attackFraction();
        this.attackGapMillis =
                attackPerSecond > 0
                        ? 1000.0 * MEAN_ATTACK_LINES / attackPerSecond
                        : Double.POSITIVE_INFINITY;
        this.episodeGapMillis =
                profile.upstreamEpisodesPerHour() > 0
                        ? 3_600_000.0 / profile.upstreamEpisodesPerHour()
                        : Double.POSITIVE_INFINITY;
        this.nearMissGapMillis =
                profile.nearMissesPerHour() > 0
                        ? 3_600_000.0 / profile.nearMissesPerHour()
                        : Double.POSITIVE_INFINITY;
        // About four concurrent visits per line per second puts ~15 s between a visit's pages.
        this.visits = new Visit[(int) Math.max(4, Math.min(65_536, 4 * profile.eventsPerSecond()))];

        long start = profile.start().toEpochMilli();
        this.nextNormalAt = start;
        this.nextAttackAt =
                attackPerSecond > 0
                        ? start + rng.nextInt(FIRST_ATTACK_MIN_MILLIS, FIRST_ATTACK_MAX_MILLIS)
                        : Double.POSITIVE_INFINITY;
        this.nextEpisodeAt =
                profile.upstreamEpisodesPerHour() > 0
                        ? start + rng.nextInt(FIRST_EPISODE_MIN_MILLIS, FIRST_EPISODE_MAX_MILLIS)
                        : Double.POSITIVE_INFINITY;
        // Drawn only when near misses are on, so other profiles keep their lines byte for byte.
        this.nextNearMissAt =
                profile.nearMissesPerHour() > 0
                        ? start + exponential(nearMissGapMillis)
                        : Double.POSITIVE_INFINITY;
        this.nextMonitorsAt = profile.nearMissesPerHour() > 0 ? start : Double.POSITIVE_INFINITY;
    }

    public TrafficProfile profile() {
        return profile;
    }

    /** The next request in emission order. */
    public GeneratedLine next() {
        while (true) {
            Burst burst = null;
            double burstAt = Double.POSITIVE_INFINITY;
            for (int i = 0; i < bursts.size(); i++) {
                Burst b = bursts.get(i);
                if (b.nextAt() < burstAt) {
                    burstAt = b.nextAt();
                    burst = b;
                }
            }
            double extraAt = episode != null ? episode.nextExtraAt() : Double.POSITIVE_INFINITY;
            double t = Math.min(nextNormalAt, Math.min(burstAt, extraAt));
            if (nextAttackAt <= t) {
                startAttack();
                continue;
            }
            if (nextMonitorsAt <= t) {
                startMonitors();
                continue;
            }
            if (nextNearMissAt <= t) {
                startNearMiss();
                continue;
            }
            if (episode != null && t > episode.end) {
                nextEpisodeAt = episode.end + exponential(episodeGapMillis);
                episode = null;
                continue;
            }
            if (nextEpisodeAt <= t) {
                startEpisode();
                continue;
            }

            long now = (long) t;
            if (burst != null && burstAt == t) {
                if (burst.isFirst() && burst.attack != null) {
                    attacks.add(burst.attack);
                }
                burst.emit(d, rng);
                if (burst.done()) {
                    bursts.remove(burst);
                }
                if (burst.attack != null) {
                    attackLines++;
                } else {
                    nearMissLines++;
                }
            } else if (extraAt == t) {
                episodeExtra();
            } else {
                normal(now);
                nextNormalAt += exponential(normalGapMillis);
            }
            return finish(now);
        }
    }

    /**
     * The attacks and upstream failures whose first line has been returned, in that order: a
     * read-only view that grows as lines are generated.
     */
    public List<Attack> attacks() {
        return attacksView;
    }

    /** Lines returned so far. */
    public long lines() {
        return lines;
    }

    /**
     * The near misses whose first line may have been returned (planned ones included), in the order
     * they were planned: a read-only view that grows as lines are generated.
     */
    public List<NearMiss> nearMisses() {
        return nearMissesView;
    }

    /** Lines returned so far that came from near misses and uptime monitors. */
    public long nearMissLines() {
        return nearMissLines;
    }

    /** Lines returned so far that came from attackers ({@link Attack#isClientAttack()}). */
    public long attackLines() {
        return attackLines;
    }

    /** Lines returned so far that a failing upstream answered with a 5xx. */
    public long upstreamErrorLines() {
        return upstreamErrorLines;
    }

    private GeneratedLine finish(long now) {
        long timestamp = maxJitterMillis > 0 ? now - rng.nextLong(maxJitterMillis + 1) : now;
        Text server = Catalog.SERVERS[rng.nextInt(Catalog.SERVERS.length)];
        lines++;
        return new GeneratedLine(
                now,
                timestamp,
                d.address,
                server,
                d.httpHost,
                d.method,
                d.url,
                d.protocol,
                d.status,
                d.size,
                d.responseMillis,
                d.upstreamMillis,
                d.upstreamHost,
                d.refer,
                d.agent,
                rng.nextLong(),
                rng.nextLong(),
                d.attack);
    }

    // ------------------------------------------------------------------------------ normal traffic

    /** One visit of a client to a site: pages, each followed by its assets. */
    private static final class Visit {
        int address;
        Text agent;
        Text protocol;
        boolean bot;
        Site site;
        boolean returning;
        double errorScale;
        int pagesLeft;
        boolean firstPage;
        boolean loginForm;
        boolean loggedIn;
        int failedLogins;
        Text referer;
        Text pageUrl;
        final Asset[] assets = new Asset[8];
        int assetCount;
        int assetNext;

        boolean finished() {
            return pagesLeft <= 0 && assetNext >= assetCount && !loginForm && !loggedIn;
        }

        boolean hasAssets() {
            return assetNext < assetCount;
        }
    }

    private void normal(long now) {
        Visit v = current;
        // Mostly the assets of the page just served come next, as a browser fetches them at once.
        if (v == null || !v.hasAssets() || rng.nextInt(8) == 0) {
            int slot = rng.nextInt(visits.length);
            v = visits[slot];
            if (v == null) {
                v = visits[slot] = new Visit();
                startVisit(v);
            } else if (v.finished()) {
                startVisit(v);
            }
        }
        current = v;
        if (v.hasAssets()) {
            asset(v, now);
        } else if (v.loginForm) {
            login(v, now);
        } else {
            page(v, now);
        }
    }

    private void startVisit(Visit v) {
        int rank = zipf.sample(rng);
        Agent agent = Catalog.agentOf(rank, profile.seed());
        v.address = clients.address(rank - 1);
        v.agent = agent.text();
        v.bot = agent.bot();
        // A client keeps its protocol: most browsers speak HTTP/2, some sit behind HTTP/1.1
        // proxies.
        v.protocol =
                agent.http2() && (Catalog.mix(rank ^ profile.seed()) & 7) != 0
                        ? Catalog.HTTP_2
                        : Catalog.HTTP_1_1;
        v.site = rng.nextInt(100) < 80 ? Catalog.SHOP_SITE : Catalog.BLOG_SITE;
        v.returning = rng.nextInt(100) < 40;
        double perMinute = normalRequestsPerMinute * zipf.probability(rank);
        v.errorScale = Math.min(1.0, CAREFUL_REQUESTS_PER_MINUTE / perMinute);
        v.pagesLeft = v.bot ? 3 + rng.nextInt(10) : 1 + (int) Math.min(11, exponential(2.0));
        v.firstPage = true;
        v.loginForm = false;
        v.loggedIn = false;
        v.failedLogins = 0;
        v.referer = v.bot ? Text.DASH : Catalog.entryReferer(rng);
        v.pageUrl = v.referer;
        v.assetCount = 0;
        v.assetNext = 0;
    }

    private void page(Visit v, long now) {
        Site site = v.site;
        v.pagesLeft--;
        if (v.bot && v.firstPage) {
            v.firstPage = false;
            d.request(
                    v.address,
                    site.host(),
                    Catalog.GET,
                    Catalog.ROBOTS_TXT.url(),
                    v.protocol,
                    Text.DASH,
                    v.agent);
            d.fromDisk(200, Catalog.ROBOTS_TXT.size(), 0);
            return;
        }
        Page p;
        boolean dead = false;
        if (v.loggedIn) {
            p = Catalog.ACCOUNT_PAGE;
            v.loggedIn = false;
        } else if (mistake(v, v.bot ? 0.03 : 0.01)) {
            p = site.deadLinks()[rng.nextInt(site.deadLinks().length)];
            dead = true;
        } else {
            p = site.pickPage(rng, !v.bot);
        }
        d.request(v.address, site.host(), Catalog.GET, p.url(), v.protocol, v.referer, v.agent);
        long size = p.minSize() + rng.nextInt(p.maxSize() - p.minSize() + 1);
        if (dead) {
            if (site.dynamic()) {
                application(p.typicalMillis(), 404, Catalog.APP_404_SIZE, now);
            } else {
                d.fromDisk(404, Catalog.NGINX_404_SIZE, 0);
            }
        } else if (site.dynamic()) {
            application(p.typicalMillis(), 200, size, now);
        } else {
            d.fromDisk(200, size, transferMillis(size));
        }
        v.referer = p.fullUrl();
        v.pageUrl = p.fullUrl();
        v.assetCount = 0;
        v.assetNext = 0;
        if (!v.bot && !dead) {
            if (v.firstPage) {
                for (Asset a : site.firstVisitAssets()) {
                    v.assets[v.assetCount++] = a;
                }
                // Only a careful client skips the missing favicon (as if cached), to stay rare.
                if (!site.faviconMissing() || mistake(v, 1.0)) {
                    v.assets[v.assetCount++] = site.favicon();
                }
            }
            if (p.product() >= 0) {
                v.assets[v.assetCount++] = Catalog.PRODUCT_IMAGES[p.product()];
                v.assets[v.assetCount++] = Catalog.PRODUCT_REVIEWS[p.product()];
            }
        }
        v.firstPage = false;
        v.loginForm = p == Catalog.LOGIN_PAGE;
    }

    private void asset(Visit v, long now) {
        Asset a = v.assets[v.assetNext++];
        Site site = v.site;
        d.request(v.address, site.host(), Catalog.GET, a.url(), v.protocol, v.pageUrl, v.agent);
        if (a.xhr()) {
            application(a.typicalMillis(), 200, a.size() - 200 + rng.nextInt(401), now);
        } else if (a == site.favicon() && site.faviconMissing()) {
            d.fromDisk(404, Catalog.NGINX_404_SIZE, 0);
        } else if (v.returning) {
            d.fromDisk(304, 0, 0);
        } else {
            d.fromDisk(200, a.size(), transferMillis(a.size()));
        }
    }

    /**
     * POST /login from the form: usually accepted, sometimes a mistyped password and a retry. A
     * person gives up (or resets the password) after three failures.
     */
    private void login(Visit v, long now) {
        d.request(
                v.address,
                Catalog.SHOP_HOST,
                Catalog.POST,
                Catalog.LOGIN,
                v.protocol,
                Catalog.SHOP_LOGIN_REFERER,
                v.agent);
        if (v.failedLogins < 3 && mistake(v, 0.3)) {
            application(150, 401, 31, now);
            v.failedLogins++;
            v.loginForm = v.failedLogins < 3 && rng.nextInt(100) < 60;
        } else {
            application(150, 200, 1_940, now);
            v.loginForm = false;
            v.loggedIn = true;
        }
        v.referer = Catalog.SHOP_LOGIN_REFERER;
    }

    /** A mistake with probability {@code p}, made rarer for very busy clients. */
    private boolean mistake(Visit v, double p) {
        return rng.nextDouble() < p * v.errorScale;
    }

    /** An answer from one of the shop's upstreams, or a 5xx if that upstream is failing now. */
    private void application(int typicalMillis, int status, long size, long now) {
        Text upstream = Catalog.SHOP_UPSTREAMS[rng.nextInt(Catalog.SHOP_UPSTREAMS.length)];
        if (episode != null && upstream == episode.upstream && now >= episode.start) {
            episodeFailure();
            return;
        }
        if (profile.nearMissesPerHour() > 0 && rng.nextInt(100) == 0) {
            // A busy site's background of errors: about 1% of the application's answers.
            d.fromUpstream(
                    upstream,
                    rng.nextBoolean() ? 500 : 502,
                    rng.nextBoolean() ? Catalog.NGINX_502_SIZE : 612,
                    1 + rng.nextInt(300),
                    true);
            return;
        }
        // Log-normal: most answers near the typical time, a long tail of slow ones.
        int millis =
                (int) Math.min(30_000, typicalMillis * Math.exp(0.6 * rng.nextGaussian() - 0.18));
        d.fromUpstream(upstream, status, size, Math.max(1, millis), rng.nextBoolean());
    }

    /** Time to send a file to a client at 2 to 20 MB/s. */
    private int transferMillis(long size) {
        return (int) (size / (2_000 + rng.nextInt(18_000)));
    }

    // ----------------------------------------------------------------------------------- attacks

    private void startAttack() {
        long start = (long) Math.ceil(nextAttackAt);
        int w = rng.nextInt(100);
        AttackKind kind =
                w < 30
                        ? AttackKind.PATH_SCAN
                        : w < 45
                                ? AttackKind.LOGIN_BRUTE_FORCE
                                : w < 55
                                        ? AttackKind.LOGIN_BRUTE_FORCE_SUCCESS
                                        : w < 80
                                                ? AttackKind.SCANNER_AGENT
                                                : AttackKind.PATH_TRAVERSAL;
        bursts.add(Bursts.plan(kind, attackers.address(attackerCount++), start, rng));
        nextAttackAt += exponential(attackGapMillis);
    }

    // ------------------------------------------------------------------------------ near misses

    private void startNearMiss() {
        long start = (long) Math.ceil(nextNearMissAt);
        int w = rng.nextInt(100);
        NearMissKind kind =
                w < 25
                        ? NearMissKind.SEARCH_WORDS
                        : w < 40
                                ? NearMissKind.DOTTED_FILE_NAMES
                                : w < 55
                                        ? NearMissKind.CRAWLER_WITH_404S
                                        : w < 80
                                                ? NearMissKind.PASSWORD_TYPOS
                                                : NearMissKind.WORDPRESS_ADMIN;
        // Anyone of the population, most of them quiet clients (the ranks are uniform here).
        int address = clients.address(rng.nextInt(profile.distinctIps()));
        plan(kind, NearMisses.plan(kind, address, start, rng), address, start);
        nextNearMissAt += exponential(nearMissGapMillis);
    }

    /** The next hour of the two uptime monitors, each from its own fixed address. */
    private void startMonitors() {
        long start = (long) Math.ceil(nextMonitorsAt);
        for (int which = 0; which < 2; which++) {
            int address = clients.address(Math.max(0, profile.distinctIps() - 1 - which));
            long at = start + 1_000 + rng.nextInt(5_000);
            plan(
                    NearMissKind.UPTIME_MONITOR,
                    NearMisses.monitor(address, at, which, rng),
                    address,
                    at);
        }
        nextMonitorsAt += MONITOR_HOUR_MILLIS;
    }

    private void plan(NearMissKind kind, Burst burst, int address, long start) {
        bursts.add(burst);
        nearMisses.add(new NearMiss(kind, IpSpace.format(address), start));
    }

    // ------------------------------------------------------------------------- upstream failures

    /** One upstream failing for a while; normal requests routed to it fail too. */
    private static final class Episode {
        final Text upstream;
        final long start;
        final long end;
        final int status;
        final Attack attack;
        final long[] extras;
        int nextExtra;
        boolean announced;

        Episode(Text upstream, long start, long end, int status, long[] extras) {
            this.upstream = upstream;
            this.start = start;
            this.end = end;
            this.status = status;
            this.extras = extras;
            this.attack =
                    new Attack(
                            AttackKind.UPSTREAM_ERRORS,
                            upstream.value,
                            start,
                            end,
                            Integer.toString(status));
        }

        double nextExtraAt() {
            return nextExtra < extras.length ? extras[nextExtra] : Double.POSITIVE_INFINITY;
        }
    }

    private void startEpisode() {
        long start = (long) Math.ceil(nextEpisodeAt);
        long duration = 25_000 + rng.nextInt(25_001);
        Text upstream = Catalog.SHOP_UPSTREAMS[rng.nextInt(Catalog.SHOP_UPSTREAMS.length)];
        int status = UPSTREAM_ERROR_STATUSES[rng.nextInt(UPSTREAM_ERROR_STATUSES.length)];
        // Clients retrying and reloading: about one failing request a second whatever the traffic,
        // so even a slow stream shows a burst of at least 25 failures.
        long[] extras = new long[(int) (duration / 1000)];
        for (int i = 0; i < extras.length; i++) {
            extras[i] = start + i * 1000L + rng.nextInt(200);
        }
        episode = new Episode(upstream, start, start + duration, status, extras);
        nextEpisodeAt = Double.POSITIVE_INFINITY;
    }

    private void episodeExtra() {
        episode.nextExtra++;
        int rank = zipf.sample(rng);
        Agent agent = Catalog.agentOf(rank, profile.seed());
        Page p = Catalog.SHOP_SITE.pickPage(rng, false);
        d.request(
                clients.address(rank - 1),
                Catalog.SHOP_HOST,
                Catalog.GET,
                p.url(),
                Catalog.HTTP_2,
                Catalog.entryReferer(rng),
                agent.text());
        episodeFailure();
    }

    private void episodeFailure() {
        Episode e = episode;
        int status =
                rng.nextInt(100) < 85
                        ? e.status
                        : UPSTREAM_ERROR_STATUSES[rng.nextInt(UPSTREAM_ERROR_STATUSES.length)];
        switch (status) {
            // Connection refused: nginx gives up at once and writes its own page.
            case 502 ->
                    d.fromUpstream(e.upstream, 502, Catalog.NGINX_502_SIZE, 0, rng.nextBoolean());
            // The application sheds load with its own short page.
            case 503 -> d.fromUpstream(e.upstream, 503, 1_023, 1 + rng.nextInt(5), true);
            // Hangs until proxy_read_timeout (60 s).
            default ->
                    d.fromUpstream(
                            e.upstream, 504, Catalog.NGINX_504_SIZE, 60_000 + rng.nextInt(3), true);
        }
        d.attack = e.attack;
        if (!e.announced) {
            e.announced = true;
            attacks.add(e.attack);
        }
        upstreamErrorLines++;
    }

    private double exponential(double mean) {
        return -mean * Math.log(1.0 - rng.nextDouble());
    }
}
