"""Settings for bench/bench_scale.py's gunicorn: the project's, plus a bench-only hello view for the floor."""

from coalition.settings import *  # noqa: F403

ROOT_URLCONF = "bench.scale_urls"
