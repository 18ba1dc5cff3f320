# Ellipse application image: web (gunicorn), Celery worker and beat share it.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=ellipse.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml requirements.lock README.md ./
COPY . .
RUN pip install --no-cache-dir -c requirements.lock . \
    && SECRET_KEY=build python manage.py collectstatic --noinput -v0 \
    && SECRET_KEY=build python manage.py compilemessages --locale fr -v0 \
    && useradd --create-home ellipse && mkdir -p /app/var && chown -R ellipse /app/var /app/staticfiles
USER ellipse
EXPOSE 8000
# Behind the proxy; large files are processed by Celery tasks, 2 minutes is a safety margin.
CMD ["gunicorn", "ellipse.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120", "--access-logfile", "-"]
