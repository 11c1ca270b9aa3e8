FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# static files are collected into the image and served by whitenoise; the key is only for this step
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_DEBUG=false SELLERCENTER_VAR_DIR=/tmp/build-var \
    python manage.py collectstatic --noinput \
 && useradd --create-home --uid 1000 app \
 && mkdir -p /app/var/media && chown -R app /app/var

USER app
EXPOSE 8000
CMD ["gunicorn", "sellercenter.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
