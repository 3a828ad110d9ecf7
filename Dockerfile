# One image for web, workers and beat (services mode). GPU workers add `.[gpu]` on a CUDA base.
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY annotator annotator
COPY trees trees
COPY workers workers
COPY frontend frontend
COPY manage.py ./
RUN pip install .
RUN DATABASE_URL=sqlite:////tmp/build.sqlite3 python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "annotator.asgi:application"]
