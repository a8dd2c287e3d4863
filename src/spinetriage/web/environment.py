"""The environment variables the server reads (apart from its settings model, so that the command
line can name them without importing pydantic)."""

ENV_DATABASE_URL = "SPINETRIAGE_DATABASE_URL"
ENV_SECRET_KEY = "SPINETRIAGE_SECRET_KEY"
ENV_HOST = "SPINETRIAGE_HOST"
ENV_PORT = "SPINETRIAGE_PORT"
ENV_SECURE_COOKIES = "SPINETRIAGE_SECURE_COOKIES"
ENV_ALLOWED_HOSTS = "SPINETRIAGE_ALLOWED_HOSTS"
