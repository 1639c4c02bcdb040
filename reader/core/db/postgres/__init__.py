"""The PostgreSQL storage (the optional `postgres` extra, psycopg 3): the same tables and the same
statements as the SQLite store, its own full-text index (tsvector over the project's tokens)."""
