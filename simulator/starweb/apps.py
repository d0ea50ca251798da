from django.apps import AppConfig


class StarwebSimulatorConfig(AppConfig):
    name = "simulator.starweb"
    label = "sim_starweb"
    verbose_name = "Simulated Starweb"
