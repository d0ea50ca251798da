"""Settings: the only place that reads the environment (design.md §9.9).

`base` reads every variable once, typed, and fails loudly on bad values; `local` (make run, the
demo), `test` (pytest) and `production` adjust it. `.env.example` lists every variable.
"""
