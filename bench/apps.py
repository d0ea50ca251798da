from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmarks that drive the simulator from outside: installed in local and test settings only,
    like the simulator itself, so production code never imports either."""

    name = "bench"
    verbose_name = "Benchmarks"
