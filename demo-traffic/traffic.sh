#!/bin/sh
# Demo traffic for nginx-alerts: a few ordinary visitors, then one of each attack that the
# shipped rules alert on, each from its own client address. Runs in the compose `traffic`
# service (curlimages/curl, busybox sh) and also by hand against any nginx with this repo's
# nginx.conf:   TARGET=http://localhost:8080 sh demo-traffic/traffic.sh
#
# Client addresses are sent as X-Forwarded-For, which the demo nginx trusts from private
# networks (see set_real_ip_from in nginx/nginx.conf), so they become the log's clientip.
# They are documentation ranges (RFC 5737): no real host is impersonated.
#
# Exits 1 if nginx answered anything other than the status each step expects, so a broken
# nginx config shows up here rather than as missing alerts much later.
set -eu

TARGET="${TARGET:-http://nginx}"
failures=0

# request EXPECTED_STATUS CLIENT_IP [curl args...] URL
request() {
    expected="$1" client="$2"
    shift 2
    status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
        -H "X-Forwarded-For: $client" "$@")" || status="000"
    if [ "$status" != "$expected" ]; then
        echo "traffic: expected $expected, got $status for $client: $*" >&2
        failures=$((failures + 1))
    fi
}

say() { echo "traffic: $*"; }

browse() {
    client="$1" agent="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    for page in / /products.html /about.html; do
        request 200 "$client" -A "$agent" -e "$TARGET/" "$TARGET$page"
        request 200 "$client" -A "$agent" -e "$TARGET$page" "$TARGET/assets/style.css"
    done
    request 200 "$client" -A "$agent" -e "$TARGET/" "$TARGET/assets/app.js"
    request 200 "$client" -A "$agent" -e "$TARGET/products.html" "$TARGET/api/products"
    request 404 "$client" -A "$agent" "$TARGET/favicon.ico"
}

i=0
until curl -s -o /dev/null --max-time 2 "$TARGET/healthz"; do
    i=$((i + 1))
    [ "$i" -lt 60 ] || { echo "traffic: $TARGET not reachable" >&2; exit 1; }
    sleep 1
done

say "normal browsing from 192.0.2.10, 192.0.2.11, 192.0.2.12"
for client in 192.0.2.10 192.0.2.11 192.0.2.12; do
    browse "$client"
done
# A person who mistypes once, then logs in: no alert (login-brute-force-success needs 5).
request 200 192.0.2.11 "$TARGET/login"
request 401 192.0.2.11 -d 'user=demo&password=dem0' "$TARGET/login"
request 302 192.0.2.11 -d 'user=demo&password=demo' "$TARGET/login"
request 200 192.0.2.11 "$TARGET/account.html"

say "path scan from 203.0.113.7: 25 requests for files that do not exist"
# -> client-errors-burst (>= 20 x 4xx in 60 s) and sensitive-file-probe (.env, .git, backups)
for path in /.env /.env.bak /.git/config /.git/HEAD /backup.sql /backup.zip /db.sql \
    /dump.sql /phpmyadmin/ /pma/ /wp-login.php /wp-admin/ /xmlrpc.php /config.php \
    /server-status /admin/ /administrator/ /.aws/credentials /.ssh/id_rsa /.htpasswd \
    /old/ /test/ /console /actuator/env /debug/; do
    request 404 203.0.113.7 -A "Mozilla/5.0 (compatible; scan)" "$TARGET$path"
done

say "login brute force from 198.51.100.23: 6 wrong passwords, then the right one"
# -> login-brute-force-success (>= 5 failed POST /login, then a 200/302, within 10 min)
for password in 123456 password qwerty letmein admin welcome; do
    request 401 198.51.100.23 -A "python-requests/2.32.3" -d "user=demo&password=$password" \
        "$TARGET/login"
done
# A second later, so the success cannot share a timestamp (nginx logs whole seconds) with the
# failures it follows.
sleep 1
request 302 198.51.100.23 -A "python-requests/2.32.3" -d 'user=demo&password=demo' "$TARGET/login"

say "sqlmap from 203.0.113.50"
# -> scanner-user-agent
sqlmap="sqlmap/1.8.4#stable (https://sqlmap.org)"
request 200 203.0.113.50 -A "$sqlmap" "$TARGET/products.html?id=1"
request 200 203.0.113.50 -A "$sqlmap" "$TARGET/products.html?id=1%27%20AND%201%3D1--%20-"
request 200 203.0.113.50 -A "$sqlmap" "$TARGET/products.html?id=1%20UNION%20ALL%20SELECT%20NULL--%20-"

say "path traversal from 203.0.113.66"
# -> path-traversal-attempt. In the query string: nginx itself rejects "../" above the root in
# the path with a 400 and logs no URL for it.
request 404 203.0.113.66 --path-as-is "$TARGET/download?file=../../../../etc/passwd"

say "failing backend: 25 requests to /api/orders (the orders database is down)"
# -> upstream-5xx-burst (>= 20 x 5xx from one upstream in 60 s), spread over ordinary visitors
n=0
while [ "$n" -lt 25 ]; do
    for client in 192.0.2.10 192.0.2.11 192.0.2.12 192.0.2.13 192.0.2.14; do
        request 503 "$client" -A "Mozilla/5.0 (Macintosh)" "$TARGET/api/orders"
        n=$((n + 1))
    done
done

say "more normal browsing"
for client in 192.0.2.20 192.0.2.21; do
    browse "$client"
done

if [ "$failures" -gt 0 ]; then
    echo "traffic: $failures request(s) got an unexpected status" >&2
    exit 1
fi
say "done; the alerts follow once the job's event time passes the last burst (about 15 s idle)"
