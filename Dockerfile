# Production image: gunicorn for the web, the same image for worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VAR_DIR=/app/var

RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# Static files and message catalogues are built into the image; a throwaway
# secret lets settings load at build time without a database.
RUN SECRET_KEY=build DEBUG=0 python manage.py collectstatic --noinput --verbosity 0 \
 && SECRET_KEY=build python manage.py compilemessages --ignore=var --verbosity 0 \
 && useradd --system --uid 10001 governance \
 && mkdir -p /app/var && chown -R governance /app/var

USER governance
EXPOSE 8000
CMD ["gunicorn", "governance.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
