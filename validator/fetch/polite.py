"""Fetching for a crawl: polite to the sites and kept as evidence.

One request at a time per host with a delay between them (robots.txt's Crawl-delay when longer),
robots.txt honoured, a cap on the requests of a run, and every response recorded through a cache
(validator.batch.evidence) so that a document fetched once is not fetched again unless asked.
List pages are fetched again on each run (a column gains next year's report); reports and their
attachments are not. `offline` serves everything from the cache and fetches nothing."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from validator.fetch.http import USER_AGENT, Fetched, FetchError, client, fetch

_ROBOTS_AGENT = "nianbao"
_MAX_CRAWL_DELAY = 30.0
CACHED_ROLES = ("page", "attachment")  # documents: not fetched again unless `refetch`


class Polite:
    def __init__(self, cache=None, *, delay: float = 1.0, timeout: float = 30.0, max_bytes: int = 50 << 20,
                 max_requests: int = 2000, robots: bool = True, offline: bool = False, refetch: bool = False):
        self.cache, self.delay, self.timeout, self.max_bytes = cache, delay, timeout, max_bytes
        self.max_requests, self.robots, self.offline, self.refetch = max_requests, robots, offline, refetch
        self.requests = 0  # made over the network in this run
        self.from_cache = 0
        self._http = None if offline else client(timeout)
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self._last: dict[str, float] = {}
        self._rules: dict[str, RobotFileParser | None] = {}

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def get(self, url: str, role: str, referrer: str | None = None) -> Fetched:
        cached = self.cache.lookup(url) if self.cache is not None else None
        if cached is not None and (self.offline or (role in CACHED_ROLES and not self.refetch)):
            self.from_cache += 1
            return cached
        if self.offline:
            # What the last fetch met, said again: an offline run does not replace the reason with "not cached".
            last = self.cache.last_error(url) if self.cache is not None else None
            raise last or FetchError(f"离线模式：缓存中没有 {url}", f"offline: {url} is not in the cache")
        host = urlsplit(url).netloc.lower()
        with self._lock:  # one lock per host, made once even when two threads ask at the same moment
            host_lock = self._host_locks[host]
        with host_lock:
            try:
                self._allowed(url)
            except FetchError as e:
                if self.cache is not None:
                    self.cache.failed(url, role, referrer, e)  # evidence too: robots.txt said no
                raise
            got = self._network(url, role, referrer, host)
        return got

    def _network(self, url: str, role: str, referrer: str | None, host: str) -> Fetched:
        with self._lock:
            if self.requests >= self.max_requests:
                raise FetchError(f"已达到本次抓取的请求上限（{self.max_requests} 次），未请求 {url}",
                                 f"the run's cap of {self.max_requests} requests is reached; {url} was not requested")
            self.requests += 1
        wait = self._last.get(host, 0.0) + self._delay(host) - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            got = fetch(url, self.timeout, self.max_bytes, self._http)
        except FetchError as e:
            if self.cache is not None:
                self.cache.failed(url, role, referrer, e)
            raise
        finally:
            self._last[host] = time.monotonic()
        if self.cache is not None:
            self.cache.save(got, role, referrer)
        return got

    def _delay(self, host: str) -> float:
        rp = self._rules.get(host)
        cd = rp.crawl_delay(_ROBOTS_AGENT) if rp is not None else None
        return max(self.delay, min(float(cd), _MAX_CRAWL_DELAY)) if cd else self.delay

    def _allowed(self, url: str) -> None:
        if not self.robots:
            return
        parts = urlsplit(url)
        host = parts.netloc.lower()
        if host not in self._rules:
            self._rules[host] = self._read_robots(f"{parts.scheme}://{parts.netloc}/robots.txt", host)
        rp = self._rules[host]
        if rp is not None and not rp.can_fetch(_ROBOTS_AGENT, url):
            raise FetchError(f"网站的 robots.txt 不允许抓取 {url}", f"the site's robots.txt does not allow fetching {url}")

    def _read_robots(self, robots_url: str, host: str) -> RobotFileParser | None:
        """As Python's robotparser and the big crawlers read it: 401/403 → nothing allowed, another
        4xx or no answer → everything allowed."""
        rp = RobotFileParser(robots_url)
        try:
            with self._lock:
                self.requests += 1
            got = fetch(robots_url, min(self.timeout, 10.0), 512 << 10, self._http)
        except FetchError as e:
            if e.status in (401, 403):
                rp.disallow_all = True
                return rp
            return None
        finally:
            self._last[host] = time.monotonic()
        rp.parse(got.content.decode("utf-8", errors="replace").splitlines())
        return rp


__all__ = ["Polite", "USER_AGENT"]
