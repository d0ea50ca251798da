from django.apps import AppConfig


class SpecterSimulatorConfig(AppConfig):
    name = "simulator.specter"
    label = "sim_specter"
    verbose_name = "Simulated Specter"
