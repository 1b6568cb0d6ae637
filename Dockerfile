FROM python:3.11-slim-bookworm

# WeasyPrint (PDF export) needs Pango and fonts for every script a letter may be in: DejaVu (Latin, Greek,
# Cyrillic), Noto (Arabic, Hebrew… in fonts-noto-core; Chinese, Japanese, Korean in fonts-noto-cjk). gettext
# compiles message catalogues.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fontconfig \
        fonts-dejavu-core fonts-noto-core fonts-noto-cjk gettext \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DEBUG=1 python manage.py collectstatic --noinput

RUN useradd --create-home coalition && chown -R coalition /app
USER coalition
EXPOSE 8000
