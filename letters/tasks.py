"""Background tasks (django-tasks; the database backend's worker is `manage.py db_worker`)."""

from django_tasks import task

from letters.emails.core import deliver, send_due


@task()
def send_email(email_id):
    """Send one outbox email; on failure it re-queues itself with back-off (see emails.core.deliver)."""
    return deliver(email_id)


@task()
def send_outbox():
    """Send every due email: catches emails whose task was lost or whose retry time has come."""
    return send_due()
