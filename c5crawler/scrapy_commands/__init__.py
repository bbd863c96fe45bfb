"""Project commands for `scrapy` (the COMMANDS_MODULE setting): `scrapy crawl` as `c5crawler crawl`."""
