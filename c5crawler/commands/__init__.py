"""The `c5crawler` verbs, one module each (`cli.py` lists them in VERBS); `options.py` holds what they share."""
