"""Server-rendered pages, one module per part of the site; access rules in tawthiq.web.access."""
