"""kemnaker-reader: a terminal reader for Indonesian labour and manpower news."""

__version__ = "0.1.0"
