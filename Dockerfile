# One image for web, workers and beat (services mode). GPU workers add `.[gpu]` on a CUDA base.

# The browser app, built with Vite into frontend/dist.
FROM node:20-slim AS frontend
WORKDIR /frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend ./
RUN npm run build

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    MEDIA_ROOT=/data/media ARBOR_DEMO_MODEL_DIR=/data/models/demo
# The processes run as an unprivileged user. /data/media (uploads, exports) and /data/models (the
# demo reasoner, built once by the migrate step) are volumes shared by web and workers; they are
# created here owned by that user, so a fresh named volume starts with the same owner.
RUN useradd --create-home --uid 1000 arbor \
 && mkdir -p /data/media /data/models \
 && chown -R arbor:arbor /data
WORKDIR /app
COPY pyproject.toml README.md ./
COPY annotator annotator
COPY trees trees
COPY workers workers
COPY manage.py ./
COPY --from=frontend /frontend/dist frontend/dist
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu && pip install .
# Build time only: settings need a secret key once DATABASE_URL is set; this one signs nothing.
RUN DATABASE_URL=sqlite:////tmp/build.sqlite3 SECRET_KEY=collectstatic-only \
    python manage.py collectstatic --noinput \
 && rm -f /tmp/build.sqlite3
USER arbor
EXPOSE 8000
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "annotator.asgi:application"]
