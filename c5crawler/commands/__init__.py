"""The query side of the `c5crawler` command: search, show, stats, db (cli.py wires them in)."""
