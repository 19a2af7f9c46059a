package io.nginxalerts.traffic;

import io.nginxalerts.traffic.Catalog.Probe;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Plans of the client-side attacks: each attack is planned whole when it starts (times, requests,
 * answers), so its {@link Attack} record is exact and its shape does not depend on how it
 * interleaves with other traffic.
 */
final class Bursts {

    private Bursts() {}

    /** Everything a path scanner may ask for: 62 paths, at most three of them not 404. */
    private static final Probe[] SCAN_POOL = concat(Catalog.SENSITIVE, Catalog.DICTIONARY);

    /** One attacker's planned requests, emitted in order by the generator. */
    abstract static class Burst {
        final int address;
        final long[] at;
        final Attack attack;
        private int next;

        Burst(AttackKind kind, int address, long[] at, String detail) {
            this.address = address;
            this.at = at;
            this.attack =
                    new Attack(kind, IpSpace.format(address), at[0], at[at.length - 1], detail);
        }

        /** A planned run of benign requests ({@link NearMisses}): no attack, no label. */
        Burst(int address, long[] at) {
            this.address = address;
            this.at = at;
            this.attack = null;
        }

        long nextAt() {
            return at[next];
        }

        boolean done() {
            return next >= at.length;
        }

        boolean isFirst() {
            return next == 0;
        }

        /** Fills {@code d} with the next planned request. */
        void emit(Draft d, SplittableRandom rng) {
            fill(next++, d, rng);
            d.attack = attack;
        }

        abstract void fill(int i, Draft d, SplittableRandom rng);

        /** The answer to a probe; the application's answers come from a random upstream. */
        static void answer(Probe p, Draft d, SplittableRandom rng) {
            if (p.upstream()) {
                Text upstream = Catalog.SHOP_UPSTREAMS[rng.nextInt(Catalog.SHOP_UPSTREAMS.length)];
                d.fromUpstream(
                        upstream, p.status(), p.size(), 3 + rng.nextInt(25), rng.nextBoolean());
            } else {
                d.fromDisk(p.status(), p.size(), 0);
            }
        }
    }

    static Burst plan(AttackKind kind, int address, long start, SplittableRandom rng) {
        return switch (kind) {
            case PATH_SCAN -> pathScan(address, start, rng);
            case LOGIN_BRUTE_FORCE -> bruteForce(address, start, rng, false);
            case LOGIN_BRUTE_FORCE_SUCCESS -> bruteForce(address, start, rng, true);
            case SCANNER_AGENT -> scannerAgent(address, start, rng);
            case PATH_TRAVERSAL -> traversal(address, start, rng);
            case UPSTREAM_ERRORS -> throw new IllegalArgumentException("not a client attack");
        };
    }

    /**
     * 25-60 distinct probes, 0.1-0.6 s apart: at most 36 s, at most three answered other than 404.
     */
    private static Burst pathScan(int address, long start, SplittableRandom rng) {
        int n = 25 + rng.nextInt(36);
        Probe[] probes = pick(SCAN_POOL, n, rng);
        long[] at = times(start, n, 100, 600, rng);
        Text agent = Catalog.SCAN_AGENTS[rng.nextInt(Catalog.SCAN_AGENTS.length)];
        return new Burst(AttackKind.PATH_SCAN, address, at, "") {
            @Override
            void fill(int i, Draft d, SplittableRandom r) {
                Probe p = probes[i];
                d.request(
                        address,
                        Catalog.SHOP_HOST,
                        Catalog.GET,
                        p.url(),
                        Catalog.HTTP_1_1,
                        Text.DASH,
                        agent);
                answer(p, d, r);
            }
        };
    }

    /**
     * 12-40 failed logins spread over at most 48 s (optionally after fetching the form), then, if
     * {@code succeeds}, a 302 and the account page within 3 s.
     */
    private static Burst bruteForce(
            int address, long start, SplittableRandom rng, boolean succeeds) {
        int failures = 12 + rng.nextInt(29);
        boolean fetchesForm = rng.nextBoolean();
        int n = failures + (fetchesForm ? 1 : 0) + (succeeds ? 2 : 0);
        int first = fetchesForm ? 1 : 0;
        int gap = Math.min(700 + rng.nextInt(800), 40_000 / failures);
        long[] at = new long[n];
        long t = start;
        for (int i = 0; i < n; i++) {
            at[i] = t;
            boolean beforeAccount = succeeds && i == n - 2;
            t +=
                    beforeAccount
                            ? 1_000 + rng.nextInt(2_000)
                            : (long) (gap * (0.8 + 0.4 * rng.nextDouble()));
        }
        Text agent = Catalog.BRUTE_FORCE_AGENTS[rng.nextInt(Catalog.BRUTE_FORCE_AGENTS.length)];
        // Only the tool that imitates a browser sends a referer.
        Text refer = agent.value.startsWith("Mozilla/5.0") ? Catalog.SHOP_LOGIN_REFERER : Text.DASH;
        AttackKind kind =
                succeeds ? AttackKind.LOGIN_BRUTE_FORCE_SUCCESS : AttackKind.LOGIN_BRUTE_FORCE;
        return new Burst(kind, address, at, "") {
            @Override
            void fill(int i, Draft d, SplittableRandom r) {
                Text upstream = Catalog.SHOP_UPSTREAMS[r.nextInt(Catalog.SHOP_UPSTREAMS.length)];
                if (i < first) {
                    d.request(
                            address,
                            Catalog.SHOP_HOST,
                            Catalog.GET,
                            Catalog.LOGIN,
                            Catalog.HTTP_1_1,
                            Text.DASH,
                            agent);
                    d.fromUpstream(upstream, 200, 9_100, 15 + r.nextInt(10), true);
                } else if (i < first + failures) {
                    d.request(
                            address,
                            Catalog.SHOP_HOST,
                            Catalog.POST,
                            Catalog.LOGIN,
                            Catalog.HTTP_1_1,
                            refer,
                            agent);
                    // Password hashing makes every attempt cost about a tenth of a second.
                    d.fromUpstream(upstream, 401, 31, 90 + r.nextInt(110), true);
                } else if (i == first + failures) {
                    d.request(
                            address,
                            Catalog.SHOP_HOST,
                            Catalog.POST,
                            Catalog.LOGIN,
                            Catalog.HTTP_1_1,
                            refer,
                            agent);
                    d.fromUpstream(upstream, 302, 0, 110 + r.nextInt(90), true);
                } else {
                    d.request(
                            address,
                            Catalog.SHOP_HOST,
                            Catalog.GET,
                            Catalog.ACCOUNT,
                            Catalog.HTTP_1_1,
                            Catalog.SHOP_LOGIN_REFERER,
                            agent);
                    d.fromUpstream(upstream, 200, 14_200, 40 + r.nextInt(30), true);
                }
            }
        };
    }

    /** A short run of one well-known tool with its default user agent. */
    private static Burst scannerAgent(int address, long start, SplittableRandom rng) {
        int w = rng.nextInt(100);
        String tool =
                w < 25
                        ? "sqlmap"
                        : w < 50 ? "nikto" : w < 70 ? "nuclei" : w < 85 ? "masscan" : "zgrab";
        switch (tool) {
            case "sqlmap" -> {
                // sqlmap walks its payloads in order on one parameter.
                int n = 6 + rng.nextInt(Catalog.SQLMAP_PROBES.length - 5);
                return probing(
                        AttackKind.SCANNER_AGENT,
                        tool,
                        address,
                        times(start, n, 150, 600, rng),
                        Arrays.copyOf(Catalog.SQLMAP_PROBES, n),
                        Catalog.SHOP_HOST,
                        Catalog.HTTP_1_1,
                        new Text[] {Catalog.SQLMAP_AGENT});
            }
            case "nikto" -> {
                int n = 8 + rng.nextInt(8);
                return probing(
                        AttackKind.SCANNER_AGENT,
                        tool,
                        address,
                        times(start, n, 50, 300, rng),
                        pick(Catalog.NIKTO_PROBES, n, rng),
                        Catalog.SHOP_HOST,
                        Catalog.HTTP_1_1,
                        Catalog.NIKTO_AGENTS);
            }
            case "nuclei" -> {
                int n = 5 + rng.nextInt(11);
                return probing(
                        AttackKind.SCANNER_AGENT,
                        tool,
                        address,
                        times(start, n, 100, 400, rng),
                        pick(Catalog.NUCLEI_PROBES, n, rng),
                        Catalog.SHOP_HOST,
                        Catalog.HTTP_1_1,
                        new Text[] {Catalog.NUCLEI_AGENT});
            }
            case "masscan" -> {
                // A banner grab: HTTP/1.0 without a Host header, answered by the default server.
                return probing(
                        AttackKind.SCANNER_AGENT,
                        tool,
                        address,
                        new long[] {start},
                        new Probe[] {Catalog.DEFAULT_PAGE},
                        Text.DASH,
                        Catalog.HTTP_1_0,
                        new Text[] {Catalog.MASSCAN_AGENT});
            }
            default -> {
                int n = 1 + rng.nextInt(2);
                Probe[] probes = new Probe[n];
                Arrays.fill(probes, Catalog.DEFAULT_PAGE);
                return probing(
                        AttackKind.SCANNER_AGENT,
                        tool,
                        address,
                        times(start, n, 200, 1_000, rng),
                        probes,
                        Catalog.SERVER_ADDRESS,
                        Catalog.HTTP_1_1,
                        new Text[] {Catalog.ZGRAB_AGENT});
            }
        }
    }

    /** 1-6 distinct traversal payloads, 0.3-2 s apart, from a client that looks ordinary. */
    private static Burst traversal(int address, long start, SplittableRandom rng) {
        int n = 1 + rng.nextInt(6);
        Text agent = Catalog.SCAN_AGENTS[rng.nextInt(Catalog.SCAN_AGENTS.length)];
        return probing(
                AttackKind.PATH_TRAVERSAL,
                "",
                address,
                times(start, n, 300, 2_000, rng),
                pick(Catalog.TRAVERSALS, n, rng),
                Catalog.SHOP_HOST,
                Catalog.HTTP_1_1,
                new Text[] {agent});
    }

    /** GET requests for {@code probes}, the user agent cycling through {@code agents}. */
    private static Burst probing(
            AttackKind kind,
            String detail,
            int address,
            long[] at,
            Probe[] probes,
            Text httpHost,
            Text protocol,
            Text[] agents) {
        return new Burst(kind, address, at, detail) {
            @Override
            void fill(int i, Draft d, SplittableRandom r) {
                Probe p = probes[i];
                d.request(
                        address,
                        httpHost,
                        Catalog.GET,
                        p.url(),
                        protocol,
                        Text.DASH,
                        agents[i % agents.length]);
                answer(p, d, r);
            }
        };
    }

    /** {@code n} times from {@code start}, each gap uniform in {@code [minGap, maxGap)} ms. */
    static long[] times(long start, int n, int minGap, int maxGap, SplittableRandom rng) {
        long[] at = new long[n];
        long t = start;
        for (int i = 0; i < n; i++) {
            at[i] = t;
            t += minGap + rng.nextInt(maxGap - minGap);
        }
        return at;
    }

    /** {@code n} distinct items in random order (a partial Fisher-Yates shuffle of a copy). */
    private static Probe[] pick(Probe[] pool, int n, SplittableRandom rng) {
        Probe[] p = pool.clone();
        for (int i = 0; i < n; i++) {
            int j = i + rng.nextInt(p.length - i);
            Probe t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return Arrays.copyOf(p, n);
    }

    private static Probe[] concat(Probe[] a, Probe[] b) {
        Probe[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
