# Production image: gunicorn serving Django; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext libpq5 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 1000 app

WORKDIR /app
COPY pyproject.toml constraints.txt ./
RUN pip install -c constraints.txt . && rm -rf build *.egg-info
COPY . .
RUN DEBUG=1 DATABASE_URL=postgres://build/build REDIS_URL=redis://build:6379/0 python manage.py compilemessages --ignore .venv \
 && DEBUG=0 SECRET_KEY=build-only-not-secret PAYMENT_GATEWAY=zarinpal DATABASE_URL=postgres://build/build REDIS_URL=redis://build:6379/0 \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/.data && chown -R app:app /app/.data

USER app
EXPOSE 8000
CMD ["gunicorn", "azmoodegan.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
