#!/usr/bin/env bash
# CrowdSec as a bench peer: replays a combined access log offline (-dsn file://... -type nginx
# -no-capi) with a configuration of the bench's own (a work dir for data and database), then
# prints one JSON line: lines, wall and CPU seconds, flagged IPs.
#
#   bench/peers/crowdsec/replay.sh WORK_DIR ACCESS_LOG
#
# Needs the Debian package (apt-get install crowdsec; offline, put a comment line into
# /etc/crowdsec/online_api_credentials.yaml and run dpkg --configure crowdsec). Its local API
# listens on 127.0.0.1:8080 during the replay, as the package's credentials expect.
set -euo pipefail
work="$1"; log="$2"
rm -rf "$work"; mkdir -p "$work/data"
# The system data files, plus http_path_traversal.txt, which the scenario
# http-path-traversal-probing asks for while Debian ships path_traversal.txt.
for f in /var/lib/crowdsec/data/*; do
  case "$(basename "$f")" in crowdsec.db*) ;; *) ln -s "$f" "$work/data/";; esac
done
[[ -e "$work/data/http_path_traversal.txt" ]] || cp /var/lib/crowdsec/data/path_traversal.txt "$work/data/http_path_traversal.txt"
# A copy of the package's database (it holds the machine the agent logs in as); alerts of this
# replay land in the copy only.
cp /var/lib/crowdsec/data/crowdsec.db "$work/crowdsec.db"
sed -e "s#data_dir: /var/lib/crowdsec/data/#data_dir: $work/data/#" \
    -e "s#db_path: /var/lib/crowdsec/data/crowdsec.db#db_path: $work/crowdsec.db#" \
    -e "s#daemonize: true#daemonize: false#" \
    -e "s#log_dir: /var/log/#log_dir: $work/#" \
    -e "s#enabled: true#enabled: false#" \
    /etc/crowdsec/config.yaml > "$work/config.yaml"
lines=$(wc -l < "$log")
start=$(date +%s.%N)
crowdsec -c "$work/config.yaml" -dsn "file://$log" -type nginx -no-capi > "$work/crowdsec.out" 2>&1
end=$(date +%s.%N)
# CPU of the children of this shell: user and system seconds on the second line of `times`
# (run in this shell, not in a pipe's subshell, which has no children).
times > "$work/times.txt"
cpu=$(sed -n 2p "$work/times.txt" | awk '{ gsub("m", " "); gsub("s", ""); print ($1*60+$2)+($3*60+$4) }')
/usr/bin/python3 - "$work/crowdsec.db" "$lines" "$start" "$end" "$cpu" <<'PY'
import json, sqlite3, sys
db, lines, start, end, cpu = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
c = sqlite3.connect(db)
rows = c.execute("select distinct source_ip, scenario from alerts where source_ip is not null and source_ip != ''").fetchall()
print(json.dumps({"lines": lines, "wall": end - start, "cpu": cpu,
                  "flagged": sorted({r[0] for r in rows}),
                  "scenarios": sorted({r[1] for r in rows})}))
PY
