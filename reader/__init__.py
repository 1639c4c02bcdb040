"""kemnaker-reader: a terminal reader for Indonesian labour and manpower news."""

import logging

__version__ = "0.1.0"

# The reader's modules log what they recover from (a parser's edge case costs one entry, with
# one line that says so). Unless a program that embeds the core configures logging, those
# records go nowhere: Python's last-resort handler would print them, traceback and all, on
# stderr, beside the one-line error (and over the reader's screen).
logging.getLogger("reader").addHandler(logging.NullHandler())
