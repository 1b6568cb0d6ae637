"""The one email module: every email is rendered in its recipient's language, written to the outbox, and sent by
a background task. `core` has the machinery; one short function per email lives in `signon` and `outreach`.
"""

from .core import deliver, ensure_rendered, queue_email, queue_unrendered, render_email

__all__ = ["deliver", "ensure_rendered", "queue_email", "queue_unrendered", "render_email"]
