"""The simulated outside systems' own URL prefixes (filled in by the clients/simulator issue)."""

urlpatterns: list = []
