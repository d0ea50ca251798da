from django.apps import AppConfig


class IntegratorConfig(AppConfig):
    """The project itself: the serve command, shared template tags (the demo seeding lives in bench)."""

    name = "integrator"
    verbose_name = "integrator"

    def ready(self):
        from . import language  # noqa: F401  (connects the login receiver that reads the user's language)
