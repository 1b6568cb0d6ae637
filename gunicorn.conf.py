"""gunicorn settings, read by gunicorn from the directory it starts in (docker-compose's `web` runs it in /app).

gunicorn writes "Server: gunicorn" on every response itself, outside Django, and has no setting to leave it out:
the Response class below drops that line (the app's middleware removes any Server header Django code would set).
"""

from gunicorn.http import wsgi


class ResponseWithoutServerHeader(wsgi.Response):
    def default_headers(self):
        return [line for line in super().default_headers() if not line.lower().startswith("server:")]


wsgi.Response = ResponseWithoutServerHeader
