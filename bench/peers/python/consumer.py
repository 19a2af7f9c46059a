#!/usr/bin/python3
"""The seed tutorial's approach, as a peer for the bench: a kafka-python consumer that parses each
nginx JSON record, applies ONE threshold rule (client-errors-burst: 20 responses 4xx from one client
IP within 60 s of event time, then 10 min of suppression) and LPUSHes alerts with redis-py.

Run with Debian's interpreter (/usr/bin/python3), which sees python3-kafka and python3-redis.
Prints one JSON summary line on stdout: events, wall and CPU seconds, alerts, flagged IPs.
Unlike the job it has no watermark: events are taken in arrival order, so out-of-order events
are counted as they come (the window is pruned by the newest timestamp seen for the IP).
"""
import argparse
import collections
import datetime
import json
import sys
import time

from kafka import KafkaConsumer, TopicPartition
import redis


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--topic", required=True)
    p.add_argument("--partitions", type=int, default=2)
    p.add_argument("--events", type=int, required=True)
    p.add_argument("--redis-url", required=True)
    p.add_argument("--list", default="bench:python")
    p.add_argument("--threshold", type=int, default=20)
    p.add_argument("--within", type=float, default=60.0)
    p.add_argument("--suppress", type=float, default=600.0)
    a = p.parse_args()

    r = redis.Redis.from_url(a.redis_url)
    consumer = KafkaConsumer(
        bootstrap_servers=a.bootstrap,
        enable_auto_commit=False,
        consumer_timeout_ms=20000,
        max_poll_records=2000,
        fetch_max_bytes=8 * 1024 * 1024,
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )
    tps = [TopicPartition(a.topic, i) for i in range(a.partitions)]
    consumer.assign(tps)
    consumer.seek_to_beginning(*tps)

    windows = collections.defaultdict(collections.deque)
    suppressed_until = {}
    flagged = set()
    alerts = 0
    n = 0
    wall0 = time.perf_counter()
    cpu0 = time.process_time()
    for msg in consumer:
        n += 1
        try:
            ev = json.loads(msg.value)
            status = int(ev.get("status") or 0)
        except (ValueError, TypeError):
            status = 0
        if 400 <= status < 500:
            ip = ev["clientip"]
            ts = datetime.datetime.fromisoformat(ev["@timestamp"]).timestamp()
            w = windows[ip]
            w.append(ts)
            newest = max(ts, w[-1])
            while w and newest - w[0] >= a.within:
                w.popleft()
            if len(w) >= a.threshold:
                if suppressed_until.get(ip, 0) <= ts:
                    alert = {
                        "rule": "client-errors-burst",
                        "key": {"clientip": ip},
                        "count": len(w),
                        "firstSeen": int(w[0] * 1000),
                        "lastSeen": int(ts * 1000),
                    }
                    r.lpush(a.list, json.dumps(alert))
                    alerts += 1
                    flagged.add(ip)
                    suppressed_until[ip] = ts + a.suppress
                w.clear()
        if n >= a.events:
            break
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    consumer.close()
    print(json.dumps({"events": n, "wall": wall, "cpu": cpu, "alerts": alerts,
                      "flagged": sorted(flagged)}))
    return 0 if n >= a.events else 1


if __name__ == "__main__":
    sys.exit(main())
