"""The shared frontier of a distributed crawl: scrapy-redis's scheduler and dupefilter, made safe.

Workers of one crawl id share, in Redis (keys under `c5crawler:CRAWL_ID:SPIDER:`):

- `requests`: the queue (scrapy-redis's priority queue, requests as JSON);
- `dupefilter`: fingerprints of every request queued, an article's being its
  canonical URL, so the variants of one article's URL are fetched once;
- `workers`: each worker's last heartbeat (Redis server time, so machines' clocks
  need not agree);
- `inflight:WORKER`: the requests a worker took and has not finished: its leases.

A worker takes a request from the queue into its leases in one step (a Lua
script). The lease ends once the request is handled through (callback, new
requests queued, items archived and committed). A worker whose heartbeat is older
than `C5_LEASE_TIMEOUT` seconds is dead: any other worker puts its leases back in
the queue, so a killed worker's requests are fetched by another.

A worker with nothing to do stays while the queue has requests or any worker holds
leases; when neither is left the crawl is over, every worker stops, and the last
to leave deletes the crawl's keys, so the next crawl of that id starts clean. A
worker stopped early (Ctrl-C, an archive error) puts its leases back and leaves
the rest of the crawl to the others, or to the next worker started.
"""

from __future__ import annotations

import hashlib
import logging
from collections import deque
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.misc import load_object
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from c5crawler.archive.store import this_worker
from c5crawler.pipelines import archive_committed, archive_writing

logger = logging.getLogger(__name__)

# Lua, run atomically by Redis. NOW is the Redis server's clock.
_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) + tonumber(t[2]) / 1e6\n"
# Put worker W's leases back in the queue (each lease is "SCORE REQUEST") and forget W.
_REQUEUE = """
local function requeue(queue, workers, inflight)
  local moved = 0
  for _, entry in ipairs(redis.call('HVALS', inflight)) do
    local space = string.find(entry, ' ', 1, true)
    redis.call('ZADD', queue, string.sub(entry, 1, space - 1), string.sub(entry, space + 1))
    moved = moved + 1
  end
  redis.call('DEL', inflight)
  return moved
end
"""
# KEYS: queue, dupefilter. ARGV: fingerprint ('' to skip the filter), score, request.
# Queues the request unless its fingerprint was seen; both in one step, so a worker
# killed in between cannot leave a fingerprint without its request. 1 if queued.
_QUEUE = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
return 1
"""
# KEYS: queue, this worker's leases. Takes the first request into a lease: {lease id, request}.
_TAKE = """
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #first == 0 then return false end
redis.call('ZREM', KEYS[1], first[1])
local lease = redis.sha1hex(first[1])
redis.call('HSET', KEYS[2], lease, first[2] .. ' ' .. first[1])
return {lease, first[1]}
"""
# KEYS: queue, workers. ARGV: lease key prefix, this worker, lease timeout.
# Renews this worker's heartbeat; requeues dead workers' leases; returns how many.
_BEAT = _NOW + _REQUEUE + """
redis.call('ZADD', KEYS[2], now, ARGV[2])
local moved = 0
for _, worker in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[3]))) do
  moved = moved + requeue(KEYS[1], KEYS[2], ARGV[1] .. worker)
  redis.call('ZREM', KEYS[2], worker)
end
return moved
"""
# KEYS: queue, workers. ARGV: lease key prefix. {requests queued, leases held by all workers}.
_STATE = """
local leased = 0
for _, worker in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  leased = leased + redis.call('HLEN', ARGV[1] .. worker)
end
return {redis.call('ZCARD', KEYS[1]), leased}
"""
# KEYS: queue, workers, dupefilter. ARGV: lease key prefix, this worker.
# This worker leaves (its leases back in the queue); the last one out of a finished
# crawl deletes its keys. Returns 1 when it did.
_LEAVE = _REQUEUE + """
requeue(KEYS[1], KEYS[2], ARGV[1] .. ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[2])
if redis.call('ZCARD', KEYS[2]) == 0 and redis.call('ZCARD', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
  return 1
end
return 0
"""
# KEYS: a site's next free moment. ARGV: the delay. Books the next moment at least
# DELAY after the last one booked by any worker; returns the seconds to wait for it.
_BOOK = _NOW + """
local booked = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(now, booked)
redis.call('SET', KEYS[1], tostring(at + tonumber(ARGV[1])), 'EX', 3600)
return tostring(at - now)
"""


IDLE_LOOK_SECONDS = 0.5


def crawl_prefix(crawl_id: str, spider: str) -> str:
    """Where a shared crawl's keys live in Redis."""
    return f"c5crawler:{crawl_id}:{spider}:"


class ArticleDupeFilter(RFPDupeFilter):
    """scrapy-redis's shared dupefilter; an article request's fingerprint is its canonical URL."""

    def request_fingerprint(self, request: Request) -> str:
        article = request.meta.get("c5_article")
        if article:
            return hashlib.sha1(f"article {article}".encode()).hexdigest()
        return str(super().request_fingerprint(request))


class SharedScheduler(Scheduler):  # type: ignore[misc]
    """scrapy-redis's scheduler with leases, heartbeats and a shared end (see the module)."""

    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedScheduler:
        settings = crawler.settings
        scheduler: SharedScheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.crawl_id = settings.get("C5_CRAWL_ID")
        scheduler.worker = this_worker()
        scheduler.lease_timeout = settings.getfloat("C5_LEASE_TIMEOUT", 60.0)
        scheduler.handled = []  # leases of requests handled through, ended once the archive has their pages
        scheduler.writing = deque()  # the leases each batch on its way into the archive covers, oldest first
        server = scheduler.server
        scheduler.put = server.register_script(_QUEUE)
        scheduler.take = server.register_script(_TAKE)
        scheduler.beat_script = server.register_script(_BEAT)
        scheduler.state = server.register_script(_STATE)
        scheduler.leave = server.register_script(_LEAVE)
        return scheduler

    def open(self, spider: Spider) -> None:
        self.spider = spider
        prefix = crawl_prefix(self.crawl_id, spider.name)
        self.keys = {name: prefix + name for name in ("requests", "dupefilter", "workers")}
        self.lease_prefix = prefix + "inflight:"
        self.leases = self.lease_prefix + self.worker
        self.queue = load_object(self.queue_cls)(
            server=self.server, spider=spider, key=self.keys["requests"], serializer=self.serializer
        )
        self.df = ArticleDupeFilter(self.server, key=self.keys["dupefilter"], debug=spider.settings.getbool("DUPEFILTER_DEBUG"))
        self.beat()
        queued = len(self.queue)
        logger.info(
            "worker %s joins crawl %s (%d requests queued)", self.worker, self.crawl_id, queued,
            extra={"spider": spider},
        )
        # Scrapy sends no signal once a request is handled through (callback run, its
        # requests queued, its items through the pipelines); its engine's slot forgets
        # the request just then, so that is where the lease is marked.
        slot = self.crawler.engine._slot  # type: ignore[union-attr]
        forget = slot.remove_request

        def forget_and_mark(request: Request) -> None:
            forget(request)
            if "c5_lease" in request.meta:
                self.handled.append(request.meta["c5_lease"])

        slot.remove_request = forget_and_mark
        # Scrapy looks at an idle spider's scheduler again only every 5 seconds; a worker
        # waiting for the others' new requests looks twice a second.
        self.look_again = slot.nextcall.schedule
        self.crawler.signals.connect(self.leases_being_written, signal=archive_writing)
        self.crawler.signals.connect(self.end_leases, signal=archive_committed)
        self.crawler.signals.connect(self.stay_while_busy, signal=signals.spider_idle)
        self.heartbeat = task.LoopingCall(self.beat)
        self.heartbeat.start(max(0.5, self.lease_timeout / 4), now=False)

    def close(self, reason: str) -> None:
        if self.heartbeat.running:
            self.heartbeat.stop()
        if self.leave(keys=[self.keys["requests"], self.keys["workers"], self.keys["dupefilter"]], args=[self.lease_prefix, self.worker]):
            logger.info("crawl %s is over: its keys are deleted", self.crawl_id, extra={"spider": self.spider})

    def beat(self) -> None:
        """Say this worker is alive; put dead workers' leases back in the queue."""
        moved = self.beat_script(
            keys=[self.keys["requests"], self.keys["workers"]], args=[self.lease_prefix, self.worker, self.lease_timeout]
        )
        if moved:
            self.stats.inc_value("c5/distributed/requeued", moved)
            logger.warning("requeued %d requests of a worker that stopped beating", moved, extra={"spider": self.spider})

    def leases_being_written(self) -> None:
        """A batch goes to the archive with everything handled so far: their leases end when it is committed."""
        self.writing.append(self.handled)
        self.handled = []

    def end_leases(self) -> None:
        """The oldest batch on its way is committed: its requests are done for the crawl."""
        leases = self.writing.popleft() if self.writing else []
        if leases:
            self.server.hdel(self.leases, *leases)

    def stay_while_busy(self, spider: Spider) -> None:
        """Keep an idle worker while the crawl has requests queued or leased (its own included)."""
        self.beat()
        queued, leased = self.state(keys=[self.keys["requests"], self.keys["workers"]], args=[self.lease_prefix])
        if queued or leased:
            from twisted.internet import reactor  # imported late: the reactor is chosen at start

            reactor.callLater(IDLE_LOOK_SECONDS, self.look_again)
            raise DontCloseSpider()

    def enqueue_request(self, request: Request) -> bool:
        request.meta.pop("c5_lease", None)  # a retry or redirect of a leased request is queued anew
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        data = self.queue._encode_request(request)
        if not self.put(keys=[self.keys["requests"], self.keys["dupefilter"]], args=[fingerprint, -request.priority, data]):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        taken = self.take(keys=[self.keys["requests"], self.leases])
        if not taken:
            return None
        lease, data = (value.decode() if isinstance(value, bytes) else value for value in taken)
        try:
            request = self.queue._decode_request(data)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            # Not a request this code wrote: dropped, with the reason, not retried forever.
            self.server.hdel(self.leases, lease)
            self.stats.inc_value("c5/distributed/unreadable")
            logger.error("dropped an unreadable queued request: %s", exc, extra={"spider": self.spider})
            return None
        request.meta["c5_lease"] = lease
        self.stats.inc_value("scheduler/dequeued/redis")
        return request


class SharedPolitenessMiddleware:
    """Requests to one site at least `DOWNLOAD_DELAY` apart across all the workers of a crawl.

    Each worker also keeps Scrapy's own per-site delay, concurrency and AutoThrottle,
    so N workers together are as polite to a site as one.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.delay = settings.getfloat("DOWNLOAD_DELAY")
        self.server = get_redis_from_settings(settings)
        self.book = self.server.register_script(_BOOK)
        self.crawl_id: str = settings.get("C5_CRAWL_ID")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedPolitenessMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if self.delay <= 0:
            return
        from twisted.internet import reactor  # imported late: the reactor is chosen at start

        site = urlsplit(request.url).hostname or ""
        key = f"{crawl_prefix(self.crawl_id, 'sites')}{site}"
        wait = float(self.book(keys=[key], args=[self.delay]))
        if wait > 0:
            await maybe_deferred_to_future(task.deferLater(reactor, wait, lambda: None))

