from django.apps import AppConfig


class IntegratorConfig(AppConfig):
    """The project itself: management commands (serve, seed_demo), shared templates tags."""

    name = "integrator"
    verbose_name = "integrator"

    def ready(self):
        from . import language  # noqa: F401  (connects the login receiver that reads the user's language)
