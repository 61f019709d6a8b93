# Scrapy side of internal/crawlbench: follows the same links of the bench site
# and reads the same fields. Run by `go run ./internal/crawlbench`; prints
# "PAGES n" at the end for the driver.
import scrapy
from scrapy import signals


class BenchSpider(scrapy.Spider):
    name = "bench"
    custom_settings = {
        "ROBOTSTXT_OBEY": False,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "RETRY_ENABLED": False,
    }

    def __init__(self, url=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.start_urls = [url + "/list/0"]
        self.pages = 0

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.closed_report, signal=signals.spider_closed)
        return spider

    def parse(self, response):
        self.pages += 1
        title = response.css("h1.t::text").get()
        if title:
            yield {"title": title, "body": " ".join(response.css(".d ::text").getall())}
        for href in response.css("a.j::attr(href), a.next::attr(href)").getall():
            yield response.follow(href, self.parse)

    def closed_report(self, spider):
        print("PAGES %d" % self.pages, flush=True)
