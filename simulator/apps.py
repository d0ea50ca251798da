from django.apps import AppConfig


class SimulatorConfig(AppConfig):
    """Stand-ins for Starweb and Specter. Installed only where settings.SIMULATOR_ENABLED is true;
    imports none of our apps (it is the outside world)."""

    name = "simulator"
    verbose_name = "Simulator"
