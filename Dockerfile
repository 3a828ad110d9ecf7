# One image for web, workers and beat (services mode). GPU workers add `.[gpu]` on a CUDA base.

# The browser app, built with Vite into frontend/dist.
FROM node:20-slim AS frontend
WORKDIR /frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend ./
RUN npm run build

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY annotator annotator
COPY trees trees
COPY workers workers
COPY manage.py ./
COPY --from=frontend /frontend/dist frontend/dist
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu && pip install .
RUN DATABASE_URL=sqlite:////tmp/build.sqlite3 python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "annotator.asgi:application"]
