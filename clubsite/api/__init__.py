"""The JSON API: django-ninja at /api/v1/, Swagger UI at /api/docs. A door like the portals, onto the same services."""
