"""Settings for the processes the fault tests start (worker, scheduler, agent): the project's, with short leases.

The database, the SMTP server and the email backend come from the environment (DATABASE_URL, EMAIL_*), as in
production; only the timeouts that a crash test would otherwise wait minutes for are shortened here.
"""

import os

from coalition.settings import *  # noqa: F403

# A claimed email whose worker died is swept after this long (production: 5 minutes).
EMAIL_LEASE_SECONDS = float(os.environ.get("FAULT_EMAIL_LEASE_SECONDS", "2"))
# A task row left "running" by a killed worker is marked failed after this long (production: 1 hour).
TASKS_RUNNING_TIMEOUT = float(os.environ.get("FAULT_TASKS_RUNNING_TIMEOUT", "4"))
# Rate limits and the form's fill timer would only slow the sign-on agent down.
SIGNON_RATE_PER_IP = SIGNON_RATE_PER_EMAIL = 0
SIGNON_MIN_FILL_SECONDS = 0
# The sign-on agent goes through the whole request stack with Django's test client.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405
