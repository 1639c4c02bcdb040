"""The headless core: models, storage, importers, Indonesian text handling, search, related news.

Nothing in this package imports textual or rich; a test checks it.
"""
