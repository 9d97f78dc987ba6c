"""briefings: a static site generator for curated, well-attributed news briefings."""

__version__ = "0.1.0"
