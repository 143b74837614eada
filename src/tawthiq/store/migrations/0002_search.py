"""Full-text index over the folded text of documents (see tawthiq.store.search).

SQLite: an FTS5 table whose rowid is the document id; a trigger drops a document's
row when the document is deleted. PostgreSQL: a tsvector table with a GIN index whose
rows go with their document (ON DELETE CASCADE). The ingestion code fills both.
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE store_document_fts USING fts5(body, tokenize = 'unicode61 remove_diacritics 0')",
    """CREATE TRIGGER store_document_fts_delete AFTER DELETE ON store_document BEGIN
         DELETE FROM store_document_fts WHERE rowid = old.id;
       END""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS store_document_fts_delete", "DROP TABLE IF EXISTS store_document_fts"]

POSTGRESQL = [
    """CREATE TABLE store_document_search (
         document_id bigint PRIMARY KEY REFERENCES store_document (id) ON DELETE CASCADE
             DEFERRABLE INITIALLY DEFERRED,
         tsv tsvector NOT NULL
       )""",
    "CREATE INDEX store_document_search_tsv ON store_document_search USING GIN (tsv)",
]
POSTGRESQL_REVERSE = ["DROP TABLE IF EXISTS store_document_search"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("store", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
