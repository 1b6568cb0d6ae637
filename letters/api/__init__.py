"""The public and coordinator API (issue 15), built with django-ninja: letters/api/api.py holds the NinjaAPI
(schema at /api/schema/, docs at /api/docs/), public.py the read-only public endpoints, coordinator.py those
acting with a personal API token (auth.py) on the letters its user coordinates."""
