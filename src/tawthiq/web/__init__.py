"""The web application: review, browse, analyse; JSON API."""
