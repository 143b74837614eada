"""Ingestion: read files (text, HTML, PDF, DOCX; English and Arabic) into documents with provenance."""
