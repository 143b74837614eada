"""Storage: Django models, migrations and the queries the other stages share."""
